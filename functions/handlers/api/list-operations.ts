import { operationService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { projectPath } from '../../schemas/common.ts';
import { listOperationsQuery } from '../../schemas/operation.ts';

export const handler = httpRoute({
  path: projectPath,
  query: listOperationsQuery,
  handle: async ({ path, query }) => jsonResponse(200, await operationService().list(path, query)),
});
