import { operationService } from '../../composition.ts';
import { absoluteUrl } from '../../middleware/base-url.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { operationPath, retryOperationBody } from '../../schemas/operation.ts';

export const handler = httpRoute({
  path: operationPath,
  body: retryOperationBody,
  handle: async ({ path, body, caller, event }) => {
    const retried = await operationService().retry(path, path.operationId, body, caller.userId);
    const trackingUrl = absoluteUrl(event, retried.trackingUrl);
    return jsonResponse(202, { ...retried, trackingUrl }, { Location: trackingUrl });
  },
});
