import { jobTrackingService } from '../../composition.ts';
import { requestLanguage } from '../../domain/views/localisation.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { jobPath } from '../../schemas/job.ts';

export const handler = httpRoute({
  path: jobPath,
  handle: async ({ path, event }) => jsonResponse(200, await jobTrackingService().progress(path, requestLanguage(event.headers))),
});
