import { jobTrackingService } from '../../composition.ts';
import { requestLanguage } from '../../domain/views/localisation.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { projectPath } from '../../schemas/common.ts';
import { trackingQuery } from '../../schemas/job.ts';

/** `refreshInterval` is a polling hint: the answer stays fresh for that long, and says when to ask again. */
export const handler = httpRoute({
  path: projectPath,
  query: trackingQuery,
  handle: async ({ path, query, event }) =>
    jsonResponse(
      200,
      await jobTrackingService().tracking(path, query, requestLanguage(event.headers)),
      query.refreshInterval ? { 'Cache-Control': `private, max-age=${query.refreshInterval}`, 'Retry-After': String(query.refreshInterval) } : {},
    ),
});
