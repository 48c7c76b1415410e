import { z } from 'zod';

/** A rotation takes no options; an empty body or `{}`. */
export const rotateSigningSecretBody = z.strictObject({}).default({});
