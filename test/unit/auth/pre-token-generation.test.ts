import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { PreTokenGenerationV2TriggerEvent } from 'aws-lambda';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { identityClaimsOf } from '../../../functions/domain/identity-claims.ts';
import { handler as preTokenGeneration } from '../../../functions/handlers/auth/pre-token-generation.ts';
import { handler as authorizer } from '../../../functions/handlers/authorizer/jwt-authorizer.ts';
import { tokenClaimsAt } from '../../../functions/schemas/token-claims.ts';
import { env } from '../../../lib/topology.ts';

const userPoolId = 'eu-west-1_AbCdEf123';
const issuer = `https://cognito-idp.eu-west-1.amazonaws.com/${userPoolId}`;
const clientId = '1example23456789client';
const tenantId = '11111111-1111-4111-8111-111111111111';
const projectA = '22222222-2222-4222-8222-222222222222';
const projectB = '33333333-3333-4333-8333-333333333333';
const projectC = '44444444-4444-4444-8444-444444444444';
const methodArn = 'arn:aws:execute-api:eu-west-1:123456789012:abc123/prod/GET/api/x';
const now = () => Math.floor(Date.now() / 1000);

/** The version 2 event Cognito sends for a sign-in, as documented (user attributes are strings, groups a list). */
function triggerEvent(userAttributes: Record<string, string>, groups: string[] = []): PreTokenGenerationV2TriggerEvent {
  return {
    version: '2',
    triggerSource: 'TokenGeneration_Authentication',
    region: 'eu-west-1',
    userPoolId,
    userName: 'alice',
    callerContext: { awsSdkVersion: 'aws-sdk-unknown-unknown', clientId },
    request: {
      userAttributes: { sub: 'a1b2c3d4-0000-4000-8000-000000000001', email: 'alice@example.com', 'cognito:user_status': 'CONFIRMED', ...userAttributes },
      groupConfiguration: { groupsToOverride: groups, iamRolesToOverride: [], preferredRole: undefined },
      scopes: ['openid', 'email'],
    },
    response: { claimsAndScopeOverrideDetails: {} },
  } as PreTokenGenerationV2TriggerEvent;
}

let server: Server;
let privateKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'cognito-key', alg: 'RS256', use: 'sig' };
  // Stands in for the pool's /.well-known/jwks.json, on loopback only.
  server = createServer((_request, response) => response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    [env.jwksUrl]: `http://127.0.0.1:${(server.address() as AddressInfo).port}/.well-known/jwks.json`,
    [env.jwtIssuer]: issuer,
    [env.jwtAudience]: clientId,
  });
  delete process.env[env.maxTokenLifetimeSeconds];
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

/** An ID token as Cognito issues it (1 h, RS256, aud = app client), with the claims the trigger added or overrode. */
async function cognitoIdToken(event: PreTokenGenerationV2TriggerEvent): Promise<string> {
  const added = event.response.claimsAndScopeOverrideDetails?.idTokenGeneration?.claimsToAddOrOverride ?? {};
  const iat = now();
  return new SignJWT({
    ...added,
    'cognito:username': event.userName,
    'cognito:groups': event.request.groupConfiguration.groupsToOverride,
    email: event.request.userAttributes.email,
    token_use: 'id',
    auth_time: iat,
  })
    .setProtectedHeader({ alg: 'RS256', kid: 'cognito-key' })
    .setSubject(event.request.userAttributes.sub!)
    .setIssuer(issuer)
    .setAudience(clientId)
    .setIssuedAt(iat)
    .setExpirationTime(iat + 3600)
    .sign(privateKey);
}

const authorize = (jwt: string) => authorizer({ type: 'TOKEN', authorizationToken: `Bearer ${jwt}`, methodArn });

describe('the Cognito pre-token-generation trigger', () => {
  it('puts tenantId and projectIds from the custom attributes into a token the authorizer admits', async () => {
    const event = await preTokenGeneration(triggerEvent({ 'custom:tenantId': tenantId.toUpperCase(), 'custom:projectIds': `${projectA}, ${projectB}` }));
    const claims = event.response.claimsAndScopeOverrideDetails.idTokenGeneration?.claimsToAddOrOverride;
    expect(claims).toEqual({ tenantId, projectIds: [projectA, projectB] });
    // The authorizer's claim schema accepts them as they are...
    const iat = now();
    expect(tokenClaimsAt({ nowSeconds: iat, maxLifetimeSeconds: 86_400 }).safeParse({ sub: 'u', exp: iat + 3600, iat, ...claims }).success).toBe(true);
    // ...and the authorizer admits the signed token end to end.
    const result = await authorize(await cognitoIdToken(event));
    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow' });
    expect(result.context).toEqual({ tenantId, projectIds: JSON.stringify([projectA, projectB]), userId: 'a1b2c3d4-0000-4000-8000-000000000001' });
  });

  it('takes the tenant and projects from tenant:/project: groups as well', async () => {
    const event = await preTokenGeneration(triggerEvent({ 'custom:projectIds': JSON.stringify([projectA]) }, [`tenant:${tenantId}`, `project:${projectC}`, 'admins']));
    const result = await authorize(await cognitoIdToken(event));
    expect(result.context).toMatchObject({ tenantId, projectIds: JSON.stringify([projectA, projectC]) });
  });

  it('adds nothing for a user without a tenant or a project, so the token is refused', async () => {
    for (const event of [triggerEvent({ 'custom:projectIds': projectA }), triggerEvent({ 'custom:tenantId': tenantId }), triggerEvent({ 'custom:tenantId': 'acme', 'custom:projectIds': projectA })]) {
      const out = await preTokenGeneration(event);
      expect(out.response.claimsAndScopeOverrideDetails.idTokenGeneration).toBeUndefined();
      await expect(authorize(await cognitoIdToken(out))).rejects.toThrow('Unauthorized');
    }
  });
});

describe('identity claims', () => {
  it('lets the attribute name the tenant, ignores values that are no GUIDs, and refuses to choose between tenant groups', () => {
    const other = '55555555-5555-4555-8555-555555555555';
    expect(identityClaimsOf({ 'custom:tenantId': tenantId, 'custom:projectIds': `${projectA},nope` }, [`tenant:${other}`])).toEqual({
      claims: { tenantId, projectIds: [projectA] },
      ignored: ['nope'],
    });
    expect(identityClaimsOf({ 'custom:projectIds': projectA }, [`tenant:${tenantId}`, `tenant:${other}`]).claims).toBeUndefined();
    expect(identityClaimsOf({ 'custom:tenantId': tenantId, 'custom:projectIds': `${projectA} ${projectA.toUpperCase()}` }, []).claims?.projectIds).toEqual([projectA]);
  });
});
