import { slackIntegrationService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { projectPath } from '../../schemas/common.ts';
import { slackIntegrationBody } from '../../schemas/integration.ts';

/** Registers (or replaces) the project's Slack incoming webhook; the URL is never returned. */
export const handler = httpRoute({
  path: projectPath,
  body: slackIntegrationBody,
  handle: async ({ path, body }) => jsonResponse(200, await slackIntegrationService().register(path, body)),
});
