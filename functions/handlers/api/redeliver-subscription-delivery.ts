import { deliveryLogService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { redeliverBody, subscriptionDeliveryPath } from '../../schemas/delivery.ts';

/** 202: the message is queued; its attempt shows in the log with trigger `manual`. */
export const handler = httpRoute({
  path: subscriptionDeliveryPath,
  body: redeliverBody,
  handle: async ({ path }) => jsonResponse(202, await deliveryLogService().redeliver(path, path, path.deliveryId)),
});
