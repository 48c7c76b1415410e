import { webhookService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { projectPath } from '../../schemas/common.ts';
import { listWebhooksQuery } from '../../schemas/webhook.ts';

export const handler = httpRoute({
  path: projectPath,
  query: listWebhooksQuery,
  handle: async ({ path, query }) => jsonResponse(200, await webhookService().list(path, query.pageSize, query.nextToken)),
});
