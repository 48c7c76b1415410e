import type { APIGatewayAuthorizerResult, APIGatewayTokenAuthorizerEvent } from 'aws-lambda';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { defaultMaxTokenLifetimeSeconds, env } from '../../../lib/topology.ts';
import { maxClockSkewSeconds, maxTokenLifetimeFrom, tokenClaimsAt } from '../../schemas/token-claims.ts';
import { keyedHandler } from '../../observability/log-keys.ts';
import { logger } from '../../observability/logger.ts';

let jwks: ReturnType<typeof createRemoteJWKSet> | undefined;

function keySet() {
  const url = process.env[env.jwksUrl];
  if (!url) throw new Error(`${env.jwksUrl} is not set`);
  // jose caches the keys and refetches on an unknown key id, so rotation needs no redeploy.
  return (jwks ??= createRemoteJWKSet(new URL(url)));
}

/** The policy covers every route of the stage so API Gateway can cache it per token. */
function stageWildcard(methodArn: string): string {
  // arn:aws:execute-api:<region>:<account>:<apiId>/<stage>/<method>/<path...>
  const [api, stage] = methodArn.split('/');
  return `${api}/${stage}/*/*`;
}

/**
 * Verifies the bearer token (signature, issuer, audience, expiry, the clock skew of iat and nbf, the maximum
 * lifetime, claims free of control characters) and hands the tenant, projects and user to the handlers, ids in
 * lower case. Any failure is API Gateway's 401.
 */
export const handler = keyedHandler(
  () => ({}),
  async (event: APIGatewayTokenAuthorizerEvent): Promise<APIGatewayAuthorizerResult> => {
    // A misconfigured maximum fails every request (500) rather than letting tokens of any lifetime in.
    const maxLifetimeSeconds = maxTokenLifetimeFrom(process.env[env.maxTokenLifetimeSeconds], defaultMaxTokenLifetimeSeconds);
    const match = /^Bearer\s+(\S+)$/i.exec(event.authorizationToken ?? '');
    if (!match?.[1]) throw new Error('Unauthorized');
    let claims;
    try {
      const audience = process.env[env.jwtAudience];
      const { payload } = await jwtVerify(match[1], keySet(), {
        issuer: process.env[env.jwtIssuer],
        ...(audience ? { audience } : {}),
        requiredClaims: ['exp'],
        // jose applies one tolerance to nbf and exp; tokenClaimsAt checks exp again without it.
        clockTolerance: maxClockSkewSeconds,
      });
      claims = tokenClaimsAt({ nowSeconds: Math.floor(Date.now() / 1000), maxLifetimeSeconds }).parse(payload);
    } catch (error) {
      // Why is for the operator only: the client gets API Gateway's bare 401.
      logger.info('Token refused', { reason: error instanceof Error ? error.message : String(error) });
      throw new Error('Unauthorized');
    }
    const userId = claims.userId ?? claims.sub;
    return {
      principalId: userId,
      policyDocument: { Version: '2012-10-17', Statement: [{ Action: 'execute-api:Invoke', Effect: 'Allow', Resource: stageWildcard(event.methodArn) }] },
      context: { tenantId: claims.tenantId, projectIds: JSON.stringify(claims.projectIds), userId },
    };
  },
);
