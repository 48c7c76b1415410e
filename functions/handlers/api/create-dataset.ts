import { datasetService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { projectPath } from '../../schemas/common.ts';
import { createDatasetBody } from '../../schemas/dataset.ts';

export const handler = httpRoute({
  path: projectPath,
  body: createDatasetBody,
  handle: async ({ path, body, caller }) => {
    const created = await datasetService().create(path, body, caller.userId);
    return jsonResponse(201, created, { Location: `/api/${path.tenantId}/${path.projectId}/datasets/${created.datasetId}` });
  },
});
