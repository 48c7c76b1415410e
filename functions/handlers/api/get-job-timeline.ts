import { jobTrackingService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { requestLanguage } from '../../domain/views/localisation.ts';
import { jobTimelineQuery, jobPath } from '../../schemas/job.ts';

export const handler = httpRoute({
  path: jobPath,
  query: jobTimelineQuery,
  handle: async ({ path, query, event }) => jsonResponse(200, await jobTrackingService().timeline(path, query, requestLanguage(event.headers))),
});
