import { batchService } from '../../composition.ts';
import { absoluteUrl } from '../../middleware/base-url.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { submitBatchBody } from '../../schemas/batch.ts';
import { projectPath } from '../../schemas/common.ts';

export const handler = httpRoute({
  path: projectPath,
  body: submitBatchBody,
  handle: async ({ path, body, caller, event }) => {
    const batch = await batchService().submit(path, body, caller.userId);
    const trackingUrl = absoluteUrl(event, batch.trackingUrl);
    return jsonResponse(202, { ...batch, trackingUrl }, { Location: trackingUrl });
  },
});
