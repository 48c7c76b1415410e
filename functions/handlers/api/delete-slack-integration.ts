import { slackIntegrationService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { projectPath } from '../../schemas/common.ts';

export const handler = httpRoute({
  path: projectPath,
  handle: async ({ path }) => {
    await slackIntegrationService().remove(path);
    return { statusCode: 204, headers: {}, body: '' };
  },
});
