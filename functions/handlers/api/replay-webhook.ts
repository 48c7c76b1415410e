import { deliveryLogService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { replayBody } from '../../schemas/delivery.ts';
import { webhookPath } from '../../schemas/webhook.ts';

/** 202 with how many messages were queued again; their attempts show in the log with trigger `replay`. */
export const handler = httpRoute({
  path: webhookPath,
  body: replayBody,
  handle: async ({ path, body }) => jsonResponse(202, await deliveryLogService().replay(path, { webhookId: path.webhookId }, body)),
});
