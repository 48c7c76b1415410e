import { operationService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { operationPath } from '../../schemas/operation.ts';

export const handler = httpRoute({
  path: operationPath,
  handle: async ({ path }) => jsonResponse(200, await operationService().status(path, path.operationId)),
});
