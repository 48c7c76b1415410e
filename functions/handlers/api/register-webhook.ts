import { webhookService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { projectPath } from '../../schemas/common.ts';
import { registerWebhookBody } from '../../schemas/webhook.ts';

export const handler = httpRoute({
  path: projectPath,
  body: registerWebhookBody,
  handle: async ({ path, body, caller }) => {
    const webhook = await webhookService().register(path, body, caller.userId);
    return jsonResponse(201, webhook, { Location: `/api/${path.tenantId}/${path.projectId}/async/webhooks/${webhook.webhookId}` });
  },
});
