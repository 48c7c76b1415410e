import { webhookService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { webhookPath } from '../../schemas/webhook.ts';

export const handler = httpRoute({
  path: webhookPath,
  handle: async ({ path }) => jsonResponse(200, await webhookService().get(path, path.webhookId)),
});
