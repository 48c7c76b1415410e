import { z } from 'zod';
import { receiverUrl } from './common.ts';

/**
 * `PUT async/integrations/slack`: the project's Slack incoming-webhook URL (https://api.slack.com/messaging/webhooks).
 * Checked by the receiver guard like any receiver; never shown again.
 */
export const slackIntegrationBody = z.strictObject({
  webhookUrl: receiverUrl,
});
export type SlackIntegrationBody = z.infer<typeof slackIntegrationBody>;
