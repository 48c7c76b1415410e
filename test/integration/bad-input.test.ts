import { beforeAll, describe, expect, it } from 'vitest';
import { call, createDataset, newProject, waitForStatus, type Project } from './client.ts';

const problem = 'application/problem+json';

describe('bad input gets a clear error and changes nothing', () => {
  let project: Project;
  let uploadedId: string;

  beforeAll(async () => {
    project = await newProject();
    ({ datasetId: uploadedId } = await createDataset(project, 'running-example.xes', 'xes'));
  });

  const start = (body: unknown) => call('POST', `${project.base}/async/operation`, { token: project.token, body });
  const valid = () => ({ operationType: 'ProcessMiningAnalysis', operationName: 'n', parameters: { datasetId: uploadedId } });

  it('answers malformed JSON with 400 naming the body', async () => {
    const response = await call('POST', `${project.base}/async/operation`, { token: project.token, rawBody: '{"operationType":', headers: { 'Content-Type': 'application/json' } });
    expect(response.status).toBe(400);
    expect(response.headers.get('content-type')).toBe(problem);
    expect(response.body).toMatchObject({ status: 400, title: 'Invalid request', invalidParams: [{ name: 'body' }] });
  });

  it('names every offending field', async () => {
    const response = await start({ ...valid(), priority: 'Urgent', timeout: 5, parameters: { datasetId: 'nope' }, extra: 1 });
    expect(response.status).toBe(400);
    const names = response.body.invalidParams.map((p: { name: string }) => p.name).sort();
    expect(names).toEqual(['body.extra', 'body.parameters.datasetId', 'body.priority', 'body.timeout']);
  });

  it('rejects an unknown operation type', async () => {
    const response = await start({ ...valid(), operationType: 'Teleport' });
    expect(response.status).toBe(400);
    expect(response.body.invalidParams[0].name).toBe('body.operationType');
  });

  it('rejects non-GUID path ids and bad query values', async () => {
    const badTenant = await call('GET', `/api/not-a-guid/${project.projectId}/async/operations`, { token: project.token });
    expect(badTenant.status).toBe(400);
    for (const [query, field] of [
      ['pageSize=101', 'query.pageSize'],
      ['page=0', 'query.page'],
      ['status=Sleeping', 'query.status'],
      ['includeDetails=yes', 'query.includeDetails'],
      ['dateFrom=yesterday', 'query.dateFrom'],
      ['colour=blue', 'query.colour'],
    ] as const) {
      const response = await call('GET', `${project.base}/async/operations?${query}`, { token: project.token });
      expect(response.status, query).toBe(400);
      expect(response.body.invalidParams.map((p: { name: string }) => p.name), query).toContain(field);
    }
  });

  it('answers unknown ids with 404 and unsupported methods with 405', async () => {
    const missing = await call('GET', `${project.base}/async/operation/op-00000000-0000-4000-8000-000000000000`, { token: project.token });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toBe(problem);
    expect((await call('GET', `${project.base}/datasets/00000000-0000-4000-8000-000000000000`, { token: project.token })).status).toBe(404);
    const wrongMethod = await call('PUT', `${project.base}/async/operations`, { token: project.token });
    expect(wrongMethod.status).toBe(405);
    expect(wrongMethod.headers.get('allow')).toBe('GET');
    expect((await call('GET', '/no/such/path')).status).toBe(404);
  });

  it('answers an oversized body with 413', async () => {
    const response = await start({ ...valid(), operationDescription: 'x'.repeat(300 * 1024) });
    expect(response.status).toBe(413);
    expect(response.headers.get('content-type')).toBe(problem);
  });

  it('answers an operation on a dataset without content with 409', async () => {
    const { datasetId } = await createDataset(project, 'receipt.csv', 'csv', false);
    const response = await start({ ...valid(), parameters: { datasetId } });
    expect(response.status).toBe(409);
    expect(response.body.invalidParams[0].name).toBe('body.parameters.datasetId');
    const unknown = await start({ ...valid(), parameters: { datasetId: '00000000-0000-4000-8000-000000000000' } });
    expect(unknown.status).toBe(404);
  });

  it('leaves no operation behind after rejected requests', async () => {
    const list = await call('GET', `${project.base}/async/operations`, { token: project.token });
    expect(list.body.operations).toEqual([]);
    expect(list.body.summary.totalOperations).toBe(0);
  });
});

describe('a dataset the engine cannot read', () => {
  it('fails the operation with the reason, not the service', async () => {
    const project = await newProject();
    const created = await call('POST', `${project.base}/datasets`, { token: project.token, body: { name: 'no activities', format: 'csv' } });
    const put = await fetch(created.body.upload.url, { method: 'PUT', headers: created.body.upload.headers, body: 'case,when\nc1,2024-01-01T00:00:00Z\n' });
    expect(put.status).toBe(200);
    const started = await call('POST', `${project.base}/async/operation`, {
      token: project.token,
      body: { operationType: 'ProcessMiningAnalysis', operationName: 'doomed', parameters: { datasetId: created.body.datasetId } },
    });
    expect(started.status).toBe(202);
    const failed = await waitForStatus(project, started.body.operationId, ['Failed', 'Completed']);
    expect(failed.status).toBe('Failed');
    expect(failed.error.cause).toMatch(/activity/i);
    expect(failed.phases[0]).toMatchObject({ phaseName: 'Data Loading & Validation', status: 'Failed' });
    expect(failed.phases[1].status).toBe('Pending');
    const results = await call('GET', `${project.base}/async/operation/${started.body.operationId}/results`, { token: project.token });
    expect(results.body).toMatchObject({ status: 'Failed', success: false, error: { cause: failed.error.cause } });
  });
});
