import { z } from 'zod';
import { guid } from './common.ts';

/** The claims a bearer token must carry: whose tenant, which projects, which user. */
export const tokenClaims = z.object({
  sub: z.string().min(1).max(256),
  tenantId: guid,
  projectIds: z.array(guid).min(1).max(1000),
  userId: z.string().min(1).max(256).optional(),
});
export type TokenClaims = z.infer<typeof tokenClaims>;
