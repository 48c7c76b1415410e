import { jobTrackingService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { requestLanguage } from '../../domain/views/localisation.ts';
import { jobLogsQuery, jobPath } from '../../schemas/job.ts';

export const handler = httpRoute({
  path: jobPath,
  query: jobLogsQuery,
  handle: async ({ path, query, event }) => jsonResponse(200, await jobTrackingService().logs(path, query, requestLanguage(event.headers))),
});
