import { webhookService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { subscriptionPath, updateSubscriptionBody } from '../../schemas/webhook.ts';

export const handler = httpRoute({
  path: subscriptionPath,
  body: updateSubscriptionBody,
  handle: async ({ path, body }) => jsonResponse(200, await webhookService().updateSubscription(path, path.subscriptionId, body)),
});
