import { signingSecretService } from '../../composition.ts';
import { httpRoute } from '../../middleware/http-route.ts';
import { jsonResponse } from '../../middleware/problem.ts';
import { projectPath } from '../../schemas/common.ts';
import { rotateSigningSecretBody } from '../../schemas/signing-secret.ts';

/** A new callback signing secret, shown this once; the previous one keeps signing for 24 hours. */
export const handler = httpRoute({
  path: projectPath,
  body: rotateSigningSecretBody,
  handle: async ({ path }) => jsonResponse(200, await signingSecretService().rotate(path)),
});
