import { deliveryLogService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { listDeliveriesQuery } from '../../schemas/delivery.ts';
import { webhookPath } from '../../schemas/webhook.ts';

export const handler = httpRoute({
  path: webhookPath,
  query: listDeliveriesQuery,
  handle: async ({ path, query }) => jsonResponse(200, await deliveryLogService().list(path, { webhookId: path.webhookId }, query)),
});
