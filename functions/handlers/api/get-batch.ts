import { batchService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { batchPath } from '../../schemas/batch.ts';

export const handler = httpRoute({
  path: batchPath,
  handle: async ({ path }) => jsonResponse(200, await batchService().get(path, path.batchId)),
});
