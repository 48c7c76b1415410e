import { operationService } from '../../composition.ts';
import { absoluteUrl } from '../../middleware/base-url.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { projectPath } from '../../schemas/common.ts';
import { startOperationBody } from '../../schemas/operation.ts';

export const handler = httpRoute({
  path: projectPath,
  body: startOperationBody,
  handle: async ({ path, body, caller, event }) => {
    const started = await operationService().start(path, body, caller.userId);
    const trackingUrl = absoluteUrl(event, started.trackingUrl);
    return jsonResponse(202, { ...started, trackingUrl }, { Location: trackingUrl });
  },
});
