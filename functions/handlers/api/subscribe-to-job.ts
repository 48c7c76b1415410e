import { streamService, webhookService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { jobPath } from '../../schemas/job.ts';
import { subscribeBody } from '../../schemas/webhook.ts';

export const handler = httpRoute({
  path: jobPath,
  body: subscribeBody,
  handle: async ({ path, body, caller }) =>
    jsonResponse(
      201,
      body.subscriptionType === 'websocket'
        ? await streamService().subscribe(path, body, caller.userId)
        : await webhookService().subscribe(path, body, caller.userId),
    ),
});
