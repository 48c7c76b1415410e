import { webhookService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { jobPath } from '../../schemas/job.ts';

export const handler = httpRoute({
  path: jobPath,
  handle: async ({ path }) => jsonResponse(200, await webhookService().listSubscriptions(path)),
});
