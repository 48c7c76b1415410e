import { webhookService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { updateWebhookBody, webhookPath } from '../../schemas/webhook.ts';

export const handler = httpRoute({
  path: webhookPath,
  body: updateWebhookBody,
  handle: async ({ path, body }) => jsonResponse(200, await webhookService().update(path, path.webhookId, body)),
});
