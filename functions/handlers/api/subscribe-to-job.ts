import { webhookService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { jobPath } from '../../schemas/job.ts';
import { subscribeBody } from '../../schemas/webhook.ts';

export const handler = httpRoute({
  path: jobPath,
  body: subscribeBody,
  handle: async ({ path, body, caller }) => jsonResponse(201, await webhookService().subscribe(path, body, caller.userId)),
});
