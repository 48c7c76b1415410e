import { datasetService } from '../../composition.ts';
import { datasetView } from '../../domain/dataset-service.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { datasetPath } from '../../schemas/dataset.ts';

export const handler = httpRoute({
  path: datasetPath,
  handle: async ({ path }) => jsonResponse(200, datasetView(await datasetService().get(path, path.datasetId))),
});
