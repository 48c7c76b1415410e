import { deliveryLogService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { webhookDeliveryPath } from '../../schemas/delivery.ts';

export const handler = httpRoute({
  path: webhookDeliveryPath,
  handle: async ({ path }) => jsonResponse(200, await deliveryLogService().get(path, { webhookId: path.webhookId }, path.deliveryId)),
});
