import { datasetService } from '../../composition.ts';
import { datasetView } from '../../domain/dataset-service.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { projectPath } from '../../schemas/common.ts';
import { listDatasetsQuery } from '../../schemas/dataset.ts';

export const handler = httpRoute({
  path: projectPath,
  query: listDatasetsQuery,
  handle: async ({ path, query }) => {
    const page = await datasetService().list(path, query.pageSize, query.nextToken);
    return jsonResponse(200, { datasets: page.items.map(datasetView), nextToken: page.nextToken ?? null });
  },
});
