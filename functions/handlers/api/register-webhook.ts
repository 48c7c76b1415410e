import { webhookService } from '../../composition.ts';
import { absoluteUrl } from '../../middleware/base-url.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { projectPath } from '../../schemas/common.ts';
import { registerWebhookBody } from '../../schemas/webhook.ts';

export const handler = httpRoute({
  path: projectPath,
  body: registerWebhookBody,
  handle: async ({ path, body, caller, event }) => {
    const webhook = await webhookService().register(path, body, caller.userId);
    return jsonResponse(201, webhook, { Location: absoluteUrl(event, `/api/${path.tenantId}/${path.projectId}/async/webhooks/${webhook.webhookId}`) });
  },
});
