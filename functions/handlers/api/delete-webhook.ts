import { webhookService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { webhookPath } from '../../schemas/webhook.ts';

export const handler = httpRoute({
  path: webhookPath,
  handle: async ({ path }) => {
    await webhookService().delete(path, path.webhookId);
    return { statusCode: 204, headers: {}, body: '' };
  },
});
