import { webhookService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { subscriptionPath } from '../../schemas/webhook.ts';

export const handler = httpRoute({
  path: subscriptionPath,
  handle: async ({ path }) => jsonResponse(200, await webhookService().getSubscription(path, path.subscriptionId)),
});
