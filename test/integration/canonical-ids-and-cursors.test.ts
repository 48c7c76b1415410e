import { describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { call, createDataset, newProject, startAnalysis, waitForStatus, type Project } from './client.ts';
import { mintToken } from '../../local/local-issuer.ts';

const upper = (project: Project) => `/api/${project.tenantId.toUpperCase()}/${project.projectId.toUpperCase()}`;
const mixed = (project: Project) => `/api/${project.tenantId.toUpperCase()}/${project.projectId.slice(0, 8)}${project.projectId.slice(8).toUpperCase()}`;

describe('canonical identifiers', () => {
  it('serves one project under any letter case: what is created under one spelling is read and listed under another', async () => {
    const project = await newProject();
    const created = await call('POST', `${upper(project)}/datasets`, { token: project.token, body: { name: 'upper', format: 'csv' } });
    expect(created.status).toBe(201);
    // Stored under the canonical ids: the object key of the upload names them in lower case.
    expect(created.body.upload.url).toContain(`/tenants/${project.tenantId}/projects/${project.projectId}/`);
    const lowerId = created.body.datasetId as string;
    expect(lowerId).toBe(lowerId.toLowerCase());
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');

    for (const base of [project.base, upper(project), mixed(project)]) {
      for (const id of [lowerId, datasetId]) {
        const read = await call('GET', `${base}/datasets/${id.toUpperCase()}`, { token: project.token });
        expect(read.status).toBe(200);
        expect(read.body.datasetId).toBe(id);
      }
      const list = await call('GET', `${base}/datasets`, { token: project.token });
      expect(list.body.datasets.map((d: { datasetId: string }) => d.datasetId).sort()).toEqual([lowerId, datasetId].sort());
    }

    // A token naming the ids in upper case is the same caller.
    const upperToken = await mintToken(inject('dataDir'), { tenantId: project.tenantId.toUpperCase(), projectIds: [project.projectId.toUpperCase()], userId: 'u' });
    expect((await call('GET', `${project.base}/datasets/${datasetId}`, { token: upperToken })).status).toBe(200);
  });

  it('shares the active-operation limit across spellings (the integration stack allows 2)', async () => {
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'helpdesk.xes.gz', 'xes.gz');
    const spellings = [project.base, upper(project), mixed(project)];
    const started = [];
    for (const base of spellings) {
      started.push(await call('POST', `${base}/async/operation`, {
        token: project.token,
        body: { operationType: 'ProcessMiningAnalysis', operationName: base, parameters: { datasetId: datasetId.toUpperCase() } },
      }));
    }
    expect(started.map((s) => s.status)).toEqual([202, 202, 202]);
    expect(started.map((s) => s.body.status)).toEqual(['Initiated', 'Initiated', 'Queued']);
    expect(started.map((s) => s.body.parameters?.datasetId ?? datasetId)).toEqual([datasetId, datasetId, datasetId]);

    const third = started[2]!.body.operationId as string;
    const read = await call('GET', `${upper(project)}/async/operation/${third.toUpperCase()}`, { token: project.token });
    expect(read.status).toBe(200);
    expect(read.body.operationId).toBe(third);
    const list = await call('GET', `${mixed(project)}/async/operations`, { token: project.token });
    expect(list.body.summary.totalOperations).toBe(3);

    const done = await Promise.all(started.map((s) => waitForStatus(project, s.body.operationId, ['Completed', 'Failed'], 120_000)));
    expect(done.map((d) => d.status)).toEqual(['Completed', 'Completed', 'Completed']);
  });
});

describe('operation errors', () => {
  it('records a documented code and sentence, never the raw library or SDK error, in the operation, its log and timeline', async () => {
    const project = await newProject();
    const created = await call('POST', `${project.base}/datasets`, { token: project.token, body: { name: 'not gzip', format: 'csv.gz' } });
    const put = await fetch(created.body.upload.url, { method: 'PUT', headers: created.body.upload.headers, body: 'case,activity,time\nc1,a,2024-01-01T00:00:00Z\n' });
    expect(put.status).toBe(200);
    const started = await startAnalysis(project, created.body.datasetId);
    const failed = await waitForStatus(project, started.body.operationId, ['Failed', 'Completed']);
    expect(failed.error).toEqual({ error: 'DatasetInvalid', cause: 'The dataset is not valid gzip data' });
    const jobId = failed.execution?.executionId ?? failed.jobId;
    const jobBase = `${project.base}/execution/job/${jobId}`;
    const logs = await call('GET', `${jobBase}/logs?level=DEBUG`, { token: project.token });
    const timeline = await call('GET', `${jobBase}/timeline?includeSubEvents=true&granularity=seconds`, { token: project.token });
    expect(logs.status).toBe(200);
    expect(timeline.status).toBe(200);
    const visible = JSON.stringify([failed, logs.body, timeline.body]);
    expect(visible).toContain('DatasetInvalid');
    expect(visible).not.toMatch(/Z_DATA_ERROR|incorrect header check|ZlibError|at .*\.ts:\d+/);
  });
});

describe('paging cursors', () => {
  /** Every paged route; each lists what the setup created, one item a page. */
  const pagedRoutes = [{ path: 'datasets', items: 'datasets' }];

  async function threePages(project: Project, route: string) {
    const tokens: string[] = [];
    let next: string | null | undefined;
    const seen: unknown[] = [];
    do {
      const page = await call('GET', `${project.base}/${route}?pageSize=1${next ? `&nextToken=${encodeURIComponent(next)}` : ''}`, { token: project.token });
      expect(page.status).toBe(200);
      seen.push(...page.body.datasets);
      next = page.body.nextToken;
      if (next) tokens.push(next);
    } while (next);
    return { tokens, seen };
  }

  for (const route of pagedRoutes) {
    it(`refuses a forged, truncated or foreign ${route.path} nextToken with 400 naming query.nextToken`, async () => {
      const project = await newProject();
      for (const name of ['a', 'b', 'c']) await call('POST', `${project.base}/${route.path}`, { token: project.token, body: { name, format: 'csv' } });
      const { tokens, seen } = await threePages(project, route.path);
      expect(seen).toHaveLength(3);
      const token = tokens[0]!;

      // The same cursor works under another spelling of the project: it is bound to the canonical ids.
      expect((await call('GET', `${upper(project)}/${route.path}?pageSize=1&nextToken=${token}`, { token: project.token })).status).toBe(200);

      const other = await newProject();
      for (const name of ['a', 'b']) await call('POST', `${other.base}/${route.path}`, { token: other.token, body: { name, format: 'csv' } });
      const foreign = (await call('GET', `${other.base}/${route.path}?pageSize=1`, { token: other.token })).body.nextToken as string;
      const flipped = `${token.slice(0, 10)}${token[10] === 'A' ? 'B' : 'A'}${token.slice(11)}`;
      const legacy = Buffer.from(JSON.stringify({ pk: `T#${project.tenantId}#P#${project.projectId}`, sk: 'DS#x' })).toString('base64url');
      const dynamoShaped = Buffer.from(JSON.stringify({ pk: { S: 'x' }, sk: 5 })).toString('base64url');
      for (const forged of [flipped, token.slice(0, -4), token.slice(0, 8), `${token}AA`, foreign, legacy, dynamoShaped, 'AAAA', 'x', '']) {
        const response = await call('GET', `${project.base}/${route.path}?nextToken=${encodeURIComponent(forged)}`, { token: project.token });
        expect(response.status, forged).toBe(400);
        expect(response.headers.get('content-type')).toBe('application/problem+json');
        expect(response.body.invalidParams.map((p: { name: string }) => p.name)).toEqual(['query.nextToken']);
      }
      // And the other project's cursor still works for it.
      expect((await call('GET', `${other.base}/${route.path}?pageSize=1&nextToken=${foreign}`, { token: other.token })).status).toBe(200);
    });
  }
});
