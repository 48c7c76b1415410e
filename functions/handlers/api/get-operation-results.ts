import { resultsService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { operationPath, operationResultsQuery } from '../../schemas/operation.ts';

export const handler = httpRoute({
  path: operationPath,
  query: operationResultsQuery,
  handle: async ({ path, query }) => jsonResponse(200, await resultsService().results(path, path.operationId, query)),
});
