import { randomUUID } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { exportJWK, generateKeyPair, importJWK, SignJWT, type JWK } from 'jose';

/** The local stack plays the identity provider: it signs tokens and publishes its JWKS like Cognito does. */
export const LOCAL_ISSUER = 'urn:process-mining:local-issuer';
export const LOCAL_AUDIENCE = 'process-mining-api';
const algorithm = 'ES256';

interface StoredKey {
  privateJwk: JWK;
  publicJwk: JWK;
}

/** Loads the signing key from the data folder, creating it on first use so tokens survive restarts. */
export async function localSigningKey(dataDir: string): Promise<StoredKey> {
  const file = join(dataDir, 'jwt', 'signing-key.json');
  try {
    return JSON.parse(await readFile(file, 'utf8')) as StoredKey;
  } catch {
    const { privateKey, publicKey } = await generateKeyPair(algorithm, { extractable: true });
    const kid = randomUUID();
    const stored: StoredKey = {
      privateJwk: { ...(await exportJWK(privateKey)), kid, alg: algorithm },
      publicJwk: { ...(await exportJWK(publicKey)), kid, alg: algorithm, use: 'sig' },
    };
    await mkdir(join(dataDir, 'jwt'), { recursive: true });
    await writeFile(file, JSON.stringify(stored), { mode: 0o600, flag: 'wx' }).catch(async (error: NodeJS.ErrnoException) => {
      // Another process created it first: use theirs so both sign with one key.
      if (error.code !== 'EEXIST') throw error;
    });
    return JSON.parse(await readFile(file, 'utf8')) as StoredKey;
  }
}

export async function jwks(dataDir: string): Promise<{ keys: JWK[] }> {
  return { keys: [(await localSigningKey(dataDir)).publicJwk] };
}

export interface TokenRequest {
  tenantId: string;
  projectIds: string[];
  userId: string;
  expiresInSeconds?: number;
}

export async function mintToken(dataDir: string, request: TokenRequest): Promise<string> {
  const { privateJwk } = await localSigningKey(dataDir);
  const key = await importJWK(privateJwk, algorithm);
  return new SignJWT({ tenantId: request.tenantId, projectIds: request.projectIds })
    .setProtectedHeader({ alg: algorithm, kid: privateJwk.kid!, typ: 'JWT' })
    .setSubject(request.userId)
    .setIssuer(LOCAL_ISSUER)
    .setAudience(LOCAL_AUDIENCE)
    .setIssuedAt()
    .setExpirationTime(`${request.expiresInSeconds ?? 3600}s`)
    .sign(key);
}
