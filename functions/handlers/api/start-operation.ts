import { operationService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { projectPath } from '../../schemas/common.ts';
import { startOperationBody } from '../../schemas/operation.ts';

export const handler = httpRoute({
  path: projectPath,
  body: startOperationBody,
  handle: async ({ path, body, caller }) => {
    const started = await operationService().start(path, body, caller.userId);
    return jsonResponse(202, started, { Location: started.trackingUrl });
  },
});
