import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createDataset, newProject, type Project } from './client.ts';

const analysis = (datasetId: string, name = 'idempotent') => ({ operationType: 'ProcessMiningAnalysis', operationName: name, parameters: { datasetId } });

describe('Idempotency-Key on POST routes', () => {
  let project: Project;
  let datasetId: string;

  beforeAll(async () => {
    project = await newProject('ida');
    ({ datasetId } = await createDataset(project, 'running-example.xes', 'xes'));
  });

  const start = (key: string | undefined, body: unknown, target = project) =>
    call('POST', `${target.base}/async/operation`, { token: target.token, body, headers: key === undefined ? {} : { 'Idempotency-Key': key } });

  const operationCount = async (target = project) => (await call('GET', `${target.base}/async/operations?pageSize=100`, { token: target.token })).body.summary.totalOperations as number;

  it('answers a repeated start with the first response and creates nothing more', async () => {
    const before = await operationCount();
    const key = randomUUID();
    const first = await start(key, analysis(datasetId));
    const again = await start(key, analysis(datasetId));
    expect(first.status).toBe(202);
    expect(again.status).toBe(202);
    expect(again.body).toEqual(first.body);
    expect(again.headers.get('location')).toBe(first.headers.get('location'));
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(first.headers.get('idempotent-replayed')).toBeNull();
    expect(await operationCount()).toBe(before + 1);
  });

  it('accepts the key as a Structured Field string (the IETF draft form) too', async () => {
    const key = randomUUID();
    const bare = await start(key, analysis(datasetId));
    const quoted = await start(`"${key}"`, analysis(datasetId));
    expect(quoted.body.operationId).toBe(bare.body.operationId);
  });

  it('refuses the same key with another body: 422 problem+json naming the header', async () => {
    const key = randomUUID();
    await start(key, analysis(datasetId, 'first'));
    const before = await operationCount();
    const other = await start(key, analysis(datasetId, 'second'));
    expect(other.status).toBe(422);
    expect(other.headers.get('content-type')).toContain('application/problem+json');
    expect(other.body.invalidParams).toEqual([expect.objectContaining({ name: 'header.Idempotency-Key' })]);
    expect(await operationCount()).toBe(before);
  });

  it('lets concurrent repeats create exactly one operation: the others get the first response or 409', async () => {
    const before = await operationCount();
    const key = randomUUID();
    const responses = await Promise.all(Array.from({ length: 8 }, () => start(key, analysis(datasetId, 'concurrent'))));
    const accepted = responses.filter((r) => r.status === 202);
    const busy = responses.filter((r) => r.status === 409);
    expect(accepted.length + busy.length).toBe(8);
    expect(new Set(accepted.map((r) => r.body.operationId)).size).toBe(1);
    for (const r of busy) expect(r.headers.get('content-type')).toContain('application/problem+json');
    expect(await operationCount()).toBe(before + 1);
    // Once the first has finished, a repeat gets its response.
    const later = await start(key, analysis(datasetId, 'concurrent'));
    expect(later.body.operationId).toBe(accepted[0]!.body.operationId);
  });

  it('scopes keys to the project: the same key elsewhere is another request', async () => {
    const other = await newProject('ida');
    const { datasetId: otherDataset } = await createDataset(other, 'running-example.xes', 'xes');
    const key = randomUUID();
    const here = await start(key, analysis(datasetId));
    const there = await start(key, analysis(otherDataset), other);
    expect(there.status).toBe(202);
    expect(there.body.operationId).not.toBe(here.body.operationId);
  });

  it('releases the key of a refused request: after the upload, the same key starts the operation', async () => {
    const pending = await createDataset(project, 'running-example.xes', 'xes', false);
    const key = randomUUID();
    const refused = await start(key, analysis(pending.datasetId));
    expect(refused.status).toBe(409);
    await fetch(pending.upload.url, { method: 'PUT', headers: pending.upload.headers, body: '<log/>' });
    const accepted = await start(key, analysis(pending.datasetId));
    expect(accepted.status).toBe(202);
  });

  it('covers every POST route, e.g. registering a dataset', async () => {
    const key = randomUUID();
    const body = { name: 'once', format: 'csv' };
    const first = await call('POST', `${project.base}/datasets`, { token: project.token, body, headers: { 'Idempotency-Key': key } });
    const again = await call('POST', `${project.base}/datasets`, { token: project.token, body, headers: { 'Idempotency-Key': key } });
    expect(first.status).toBe(201);
    expect(again.status).toBe(201);
    expect(again.body.datasetId).toBe(first.body.datasetId);
  });

  it('refuses empty, over-long and non-printable keys with 400', async () => {
    for (const key of ['', 'k'.repeat(256), 'caf\u00e9']) {
      const response = await start(key, analysis(datasetId));
      expect(response.status, JSON.stringify(key)).toBe(400);
      expect(response.body.invalidParams).toEqual([expect.objectContaining({ name: 'header.Idempotency-Key' })]);
    }
  });
});
