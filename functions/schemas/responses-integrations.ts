import { z } from 'zod';

/** The project's Slack integration as the API shows it: that it exists and where it posts (host only), never the URL. */
export const slackIntegrationView = z
  .object({
    projectId: z.string(),
    configured: z.literal(true),
    webhookHost: z.string(),
    createdAt: z.iso.datetime({ offset: true }),
    updatedAt: z.iso.datetime({ offset: true }),
  })
  .loose();
