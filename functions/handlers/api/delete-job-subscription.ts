import { webhookService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { subscriptionPath } from '../../schemas/webhook.ts';

export const handler = httpRoute({
  path: subscriptionPath,
  handle: async ({ path }) => {
    await webhookService().deleteSubscription(path, path.subscriptionId);
    return { statusCode: 204, headers: {}, body: '' };
  },
});
