import { z } from 'zod';
import { guid } from './common.ts';

/** How far in the future `iat` and `nbf` may be, for clocks that disagree a little. */
export const maxClockSkewSeconds = 60;

/**
 * Control characters (C0, DEL, C1), line and paragraph separators and bidirectional overrides: a user id carrying them
 * could forge lines in logs or disguise itself in `submittedBy`.
 */
const unsafeCharacters = /[\p{Cc}\u2028\u2029\u202A-\u202E\u2066-\u2069]/u;

/** A user id as tokens carry it (`sub`, `userId`). */
export const tokenPrincipal = z
  .string()
  .min(1)
  .max(256)
  .refine((value) => !unsafeCharacters.test(value), 'must not contain control characters');

const epochSeconds = z.number().finite();

/** The claims a bearer token must carry: whose tenant, which projects, which user, and its times. */
export const tokenClaims = z.object({
  sub: tokenPrincipal,
  tenantId: guid,
  projectIds: z.array(guid).min(1).max(1000),
  userId: tokenPrincipal.optional(),
  exp: epochSeconds,
  iat: epochSeconds.optional(),
  nbf: epochSeconds.optional(),
});
export type TokenClaims = z.infer<typeof tokenClaims>;

export interface TokenTimeLimits {
  /** The verifier's clock, in epoch seconds. */
  nowSeconds: number;
  maxLifetimeSeconds: number;
}

/**
 * The token claims as of `nowSeconds`: not expired (no tolerance: a token's end is its issuer's decision), no `iat`
 * or `nbf` more than the clock skew in the future, and a lifetime (exp - iat, or exp - now when there is no iat)
 * within the deployment's maximum.
 */
export function tokenClaimsAt(limits: TokenTimeLimits) {
  const latest = limits.nowSeconds + maxClockSkewSeconds;
  return tokenClaims.superRefine((claims, context) => {
    if (claims.exp <= limits.nowSeconds) context.addIssue({ code: 'custom', path: ['exp'], message: 'has passed' });
    if (claims.iat !== undefined && claims.iat > latest) context.addIssue({ code: 'custom', path: ['iat'], message: 'is in the future' });
    if (claims.nbf !== undefined && claims.nbf > latest) context.addIssue({ code: 'custom', path: ['nbf'], message: 'is in the future' });
    const lifetime = claims.exp - (claims.iat ?? limits.nowSeconds);
    if (lifetime > limits.maxLifetimeSeconds) {
      context.addIssue({ code: 'custom', path: ['exp'], message: `gives a lifetime of ${lifetime} s, over the maximum of ${limits.maxLifetimeSeconds} s` });
    }
  });
}

/** The configured maximum token lifetime; anything but a positive whole number of seconds is a deployment error. */
export function maxTokenLifetimeFrom(value: string | undefined, fallback: number): number {
  if (value === undefined || value === '') return fallback;
  const seconds = Number(value);
  if (!Number.isSafeInteger(seconds) || seconds < 1) throw new Error(`The maximum token lifetime must be a positive whole number of seconds, not "${value}"`);
  return seconds;
}
