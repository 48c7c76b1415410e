import { operationService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { cancelOperationBody, operationPath } from '../../schemas/operation.ts';

export const handler = httpRoute({
  path: operationPath,
  body: cancelOperationBody,
  handle: async ({ path, body, caller }) => jsonResponse(200, await operationService().cancel(path, path.operationId, body, caller.userId)),
});
