import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { handler } from '../../../functions/handlers/authorizer/jwt-authorizer.ts';
import { env } from '../../../lib/topology.ts';

const issuer = 'urn:test-issuer';
const audience = 'process-mining-api';
const tenantId = '11111111-1111-4111-8111-111111111111';
const projectId = '22222222-2222-4222-8222-222222222222';
const methodArn = 'arn:aws:execute-api:eu-west-1:123456789012:api/stage/GET/api/x';
const now = () => Math.floor(Date.now() / 1000);

let server: Server;
let privateKey: CryptoKey;

beforeAll(async () => {
  const pair = await generateKeyPair('ES256');
  privateKey = pair.privateKey;
  const jwk = { ...(await exportJWK(pair.publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' };
  // The key set is served on loopback only, as the local stack serves it.
  server = createServer((_request, response) => response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ keys: [jwk] })));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  Object.assign(process.env, {
    [env.jwksUrl]: `http://127.0.0.1:${(server.address() as AddressInfo).port}/jwks.json`,
    [env.jwtIssuer]: issuer,
    [env.jwtAudience]: audience,
  });
  delete process.env[env.maxTokenLifetimeSeconds];
});

afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

interface TokenSpec {
  claims?: Record<string, unknown>;
  sub?: string;
  iat?: number | null;
  exp?: number;
  nbf?: number;
}

function token(spec: TokenSpec = {}) {
  const jwt = new SignJWT({ tenantId, projectIds: [projectId], ...spec.claims })
    .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setSubject(spec.sub ?? 'alice')
    .setIssuer(issuer)
    .setAudience(audience)
    .setExpirationTime(spec.exp ?? now() + 3600);
  if (spec.iat !== null) jwt.setIssuedAt(spec.iat ?? now());
  if (spec.nbf !== undefined) jwt.setNotBefore(spec.nbf);
  return jwt.sign(privateKey);
}

const authorize = async (jwt: string) => handler({ type: 'TOKEN', authorizationToken: `Bearer ${jwt}`, methodArn });
const refused = async (jwt: string) => expect(authorize(jwt)).rejects.toThrow('Unauthorized');

describe('the JWT authorizer', () => {
  it('admits a normal token and hands on canonical (lower-case) ids', async () => {
    const result = await authorize(await token({ claims: { tenantId: tenantId.toUpperCase(), projectIds: [projectId.toUpperCase()] } }));
    expect(result.principalId).toBe('alice');
    expect(result.context).toEqual({ tenantId, projectIds: JSON.stringify([projectId]), userId: 'alice' });
    expect(result.policyDocument.Statement[0]).toMatchObject({ Effect: 'Allow', Resource: 'arn:aws:execute-api:eu-west-1:123456789012:api/stage/*/*' });
  });

  it('admits a token of exactly the maximum lifetime, and one without iat that ends within it', async () => {
    const issued = now();
    await expect(authorize(await token({ iat: issued, exp: issued + 86_400 }))).resolves.toBeDefined();
    await expect(authorize(await token({ iat: null, exp: now() + 3600 }))).resolves.toBeDefined();
  });

  it('refuses a token living longer than the maximum (default 24 h), with or without iat', async () => {
    const issued = now();
    await refused(await token({ iat: issued, exp: issued + 86_401 }));
    await refused(await token({ iat: issued, exp: issued + 100 * 365 * 86_400 }));
    await refused(await token({ iat: null, exp: now() + 86_400 + 120 }));
  });

  it('follows the configured maximum', async () => {
    process.env[env.maxTokenLifetimeSeconds] = '600';
    try {
      await refused(await token({ exp: now() + 3600 }));
      await expect(authorize(await token({ exp: now() + 600 }))).resolves.toBeDefined();
    } finally {
      delete process.env[env.maxTokenLifetimeSeconds];
    }
  });

  it('allows 60 s of clock skew on iat and nbf, and no more', async () => {
    await expect(authorize(await token({ iat: now() + 30, nbf: now() + 30 }))).resolves.toBeDefined();
    await refused(await token({ iat: now() + 600 }));
    await refused(await token({ nbf: now() + 600 }));
  });

  it('refuses an expired token without tolerance', async () => {
    await refused(await token({ iat: now() - 100, exp: now() - 5 }));
  });

  it('refuses control characters in sub and userId', async () => {
    for (const bad of ['alice\nadmin', 'alice\r', 'a\u0000b', 'a\u007fb', 'a\u0085b', 'a\u2028b', 'a\u202eb']) {
      await refused(await token({ sub: bad }));
      await refused(await token({ claims: { userId: bad } }));
    }
    await expect(authorize(await token({ sub: 'Zoë O’Brien <zoe@example.com>' }))).resolves.toBeDefined();
  });
});
