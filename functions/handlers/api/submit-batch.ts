import { batchService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { submitBatchBody } from '../../schemas/batch.ts';
import { projectPath } from '../../schemas/common.ts';

export const handler = httpRoute({
  path: projectPath,
  body: submitBatchBody,
  handle: async ({ path, body, caller }) => {
    const batch = await batchService().submit(path, body, caller.userId);
    return jsonResponse(202, batch, { Location: batch.trackingUrl });
  },
});
