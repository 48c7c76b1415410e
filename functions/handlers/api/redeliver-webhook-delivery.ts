import { deliveryLogService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { redeliverBody, webhookDeliveryPath } from '../../schemas/delivery.ts';

/** 202: the message is queued; its attempt shows in the log with trigger `manual`. */
export const handler = httpRoute({
  path: webhookDeliveryPath,
  body: redeliverBody,
  handle: async ({ path }) => jsonResponse(202, await deliveryLogService().redeliver(path, { webhookId: path.webhookId }, path.deliveryId)),
});
