import { deliveryLogService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { listDeliveriesQuery, subscriptionDeliveriesPath } from '../../schemas/delivery.ts';

export const handler = httpRoute({
  path: subscriptionDeliveriesPath,
  query: listDeliveriesQuery,
  handle: async ({ path, query }) => jsonResponse(200, await deliveryLogService().list(path, path, query)),
});
