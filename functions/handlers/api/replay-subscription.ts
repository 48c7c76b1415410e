import { deliveryLogService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { replayBody, subscriptionDeliveriesPath } from '../../schemas/delivery.ts';

/** 202 with how many of the subscription's messages were queued again; their attempts show with trigger `replay`. */
export const handler = httpRoute({
  path: subscriptionDeliveriesPath,
  body: replayBody,
  handle: async ({ path, body }) => jsonResponse(202, await deliveryLogService().replay(path, path, body)),
});
