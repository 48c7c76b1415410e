import { deliveryLogService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { subscriptionDeliveryPath } from '../../schemas/delivery.ts';

export const handler = httpRoute({
  path: subscriptionDeliveryPath,
  handle: async ({ path }) => jsonResponse(200, await deliveryLogService().get(path, path, path.deliveryId)),
});
