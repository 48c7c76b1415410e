import { signingSecretService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { projectPath } from '../../schemas/common.ts';

/** Metadata of the project's callback signing secret; the secret itself is shown only by a rotation. */
export const handler = httpRoute({
  path: projectPath,
  handle: async ({ path }) => jsonResponse(200, await signingSecretService().describe(path)),
});
