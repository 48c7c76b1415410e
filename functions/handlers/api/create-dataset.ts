import { datasetService } from '../../composition.ts';
import { absoluteUrl } from '../../middleware/base-url.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { projectPath } from '../../schemas/common.ts';
import { createDatasetBody } from '../../schemas/dataset.ts';

export const handler = httpRoute({
  path: projectPath,
  body: createDatasetBody,
  handle: async ({ path, body, caller, event }) => {
    const created = await datasetService().create(path, body, caller.userId);
    return jsonResponse(201, created, { Location: absoluteUrl(event, `/api/${path.tenantId}/${path.projectId}/datasets/${created.datasetId}`) });
  },
});
