import { jobTrackingService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { projectPath } from '../../schemas/common.ts';
import { trackingQuery } from '../../schemas/job.ts';

export const handler = httpRoute({
  path: projectPath,
  query: trackingQuery,
  handle: async ({ path, query }) => jsonResponse(200, await jobTrackingService().tracking(path, query)),
});
