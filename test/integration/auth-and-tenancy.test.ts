import { randomUUID } from 'node:crypto';
import { generateKeyPair, SignJWT } from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { call, createDataset, newProject, startAnalysis, type Project } from './client.ts';
import { LOCAL_AUDIENCE, LOCAL_ISSUER, mintToken } from '../../local/local-issuer.ts';

describe('authentication', () => {
  let project: Project;
  beforeAll(async () => {
    project = await newProject();
  });

  it('needs a bearer token on /api routes but not on /health', async () => {
    expect((await call('GET', '/health')).status).toBe(200);
    const missing = await call('GET', `${project.base}/async/operations`);
    expect(missing.status).toBe(401);
    expect(missing.headers.get('content-type')).toBe('application/problem+json');
  });

  it('rejects malformed, expired and foreign-signed tokens with 401', async () => {
    const expired = await mintToken(inject('dataDir'), { tenantId: project.tenantId, projectIds: [project.projectId], userId: 'u', expiresInSeconds: -10 });
    const { privateKey } = await generateKeyPair('ES256');
    const foreign = await new SignJWT({ tenantId: project.tenantId, projectIds: [project.projectId] })
      .setProtectedHeader({ alg: 'ES256', kid: 'foreign-key' })
      .setSubject('mallory')
      .setIssuer(LOCAL_ISSUER)
      .setAudience(LOCAL_AUDIENCE)
      .setExpirationTime('1h')
      .sign(privateKey);
    for (const token of ['not-a-jwt', expired, foreign]) {
      expect((await call('GET', `${project.base}/async/operations`, { token })).status).toBe(401);
    }
    expect((await call('GET', `${project.base}/async/operations`, { headers: { Authorization: `Basic ${project.token}` } })).status).toBe(401);
  });
});

describe('tenant isolation', () => {
  it("hides another tenant's and another project's resources behind 404", async () => {
    const owner = await newProject();
    const { datasetId } = await createDataset(owner, 'running-example.xes', 'xes');
    const started = await startAnalysis(owner, datasetId);
    const operationId = started.body.operationId as string;

    const stranger = await newProject();
    const paths = [`datasets/${datasetId}`, `async/operation/${operationId}`];
    for (const path of paths) {
      // The stranger's token on the owner's path: the project is not theirs.
      expect((await call('GET', `${owner.base}/${path}`, { token: stranger.token })).status).toBe(404);
      // The owner's ids under the stranger's own project: they do not exist there.
      expect((await call('GET', `${stranger.base}/${path}`, { token: stranger.token })).status).toBe(404);
    }
    expect((await call('GET', `${owner.base}/async/operations`, { token: stranger.token })).status).toBe(404);
    expect((await call('GET', `${stranger.base}/async/operations`, { token: stranger.token })).body.operations).toEqual([]);

    // Same tenant, a project the token does not list.
    const otherProject = randomUUID();
    expect((await call('GET', `/api/${owner.tenantId}/${otherProject}/async/operations`, { token: owner.token })).status).toBe(404);
    // Operations of another tenant cannot be cancelled either.
    expect((await call('DELETE', `${owner.base}/async/operation/${operationId}`, { token: stranger.token })).status).toBe(404);
  });
});
