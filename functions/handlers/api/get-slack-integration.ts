import { slackIntegrationService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { projectPath } from '../../schemas/common.ts';

/** Whether the project has a Slack integration, and its host; 404 when it has none. */
export const handler = httpRoute({
  path: projectPath,
  handle: async ({ path }) => jsonResponse(200, await slackIntegrationService().describe(path)),
});
