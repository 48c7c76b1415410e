import { describe, expect, it } from 'vitest';
import { call, createDataset, newProject, type Project } from './client.ts';

async function waitForBatch(project: Project, batchId: string, done: (body: any) => boolean, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const batch = await call('GET', `${project.base}/async/batch/${batchId}`, { token: project.token });
    if (done(batch.body)) return batch.body;
    if (Date.now() > deadline) throw new Error(`batch ${batchId} is still ${JSON.stringify(batch.body.operations.map((o: { status: string }) => o.status))}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const ended = (body: any) => body.operations.every((o: { status: string }) => ['Completed', 'Failed', 'Cancelled', 'Timeout'].includes(o.status));

describe('batches with dependencies', () => {
  it('runs a pipeline in dependency order, handing outputs on', async () => {
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    const submitted = await call('POST', `${project.base}/async/batch`, {
      token: project.token,
      body: {
        batchName: 'monthly pipeline',
        operations: [
          { operationKey: 'report', operationName: 'report', operationType: 'ReportGeneration', dependencies: ['analyze'], parameters: { exportFormats: ['PDF'] } },
          { operationKey: 'analyze', operationName: 'analysis', operationType: 'ProcessMiningAnalysis', priority: 'High', dependencies: ['clean'] },
          { operationKey: 'clean', operationName: 'cleaning', operationType: 'DataEnrichment', parameters: { datasetId, cleaningRules: ['remove_duplicates'] } },
        ],
      },
    });
    expect(submitted.status).toBe(202);
    expect(submitted.body).toMatchObject({ batchName: 'monthly pipeline', status: 'Initiated', totalOperations: 3 });
    expect(submitted.body.operations.map((o: { operationKey: string; status: string }) => [o.operationKey, o.status])).toEqual([
      ['clean', 'Initiated'],
      ['analyze', 'Queued'],
      ['report', 'Queued'],
    ]);

    const batch = await waitForBatch(project, submitted.body.batchId, ended);
    expect(batch.status).toBe('Completed');
    // The batch started when it was submitted: before any of its operations.
    expect(Date.parse(submitted.body.batchStartTime)).toBeLessThanOrEqual(Math.min(...batch.operations.map((o: { startTime: string }) => Date.parse(o.startTime))));
    const byKey = Object.fromEntries(batch.operations.map((o: { operationKey: string }) => [o.operationKey, o]));
    expect(Date.parse(byKey.analyze.startTime)).toBeGreaterThanOrEqual(Date.parse(byKey.clean.endTime));
    expect(Date.parse(byKey.report.startTime)).toBeGreaterThanOrEqual(Date.parse(byKey.analyze.endTime));

    const clean = await call('GET', `${project.base}/async/operation/${byKey.clean.operationId}`, { token: project.token });
    const analysis = await call('GET', `${project.base}/async/operation/${byKey.analyze.operationId}/results?format=detailed`, { token: project.token });
    expect(analysis.body.details.discovery).toMatchObject({ cases: 6, events: 42 });
    const analysisStatus = await call('GET', `${project.base}/async/operation/${byKey.analyze.operationId}`, { token: project.token });
    expect(analysisStatus.body.priority).toBe('High');
    const report = await call('GET', `${project.base}/async/operation/${byKey.report.operationId}/results`, { token: project.token });
    expect(report.body.artifacts.map((a: { format: string }) => a.format)).toContain('PDF');
    expect(clean.body.phases[2].results.outputDatasetId).toEqual(expect.any(String));
  });

  it('cancels what depends on a failure and goes on with the rest', async () => {
    const project = await newProject();
    const broken = await call('POST', `${project.base}/datasets`, { token: project.token, body: { name: 'broken', format: 'csv' } });
    await fetch(broken.body.upload.url, { method: 'PUT', headers: broken.body.upload.headers, body: 'nothing,useful\n1,2\n' });
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    const submitted = await call('POST', `${project.base}/async/batch`, {
      token: project.token,
      body: {
        batchName: 'partly broken',
        operations: [
          { operationKey: 'bad', operationName: 'bad', operationType: 'ProcessMiningAnalysis', parameters: { datasetId: broken.body.datasetId } },
          { operationKey: 'after-bad', operationName: 'after bad', operationType: 'ReportGeneration', dependencies: ['bad'] },
          { operationKey: 'good', operationName: 'good', operationType: 'ProcessMiningAnalysis', parameters: { datasetId } },
        ],
      },
    });
    expect(submitted.status).toBe(202);
    const batch = await waitForBatch(project, submitted.body.batchId, ended);
    const status = Object.fromEntries(batch.operations.map((o: { operationKey: string; status: string }) => [o.operationKey, o.status]));
    expect(status).toEqual({ bad: 'Failed', 'after-bad': 'Cancelled', good: 'Completed' });
    expect(batch.operations.find((o: { operationKey: string }) => o.operationKey === 'after-bad').cancellationReason).toBe('dependency bad ended Failed');
    expect(batch.status).toBe('PartiallyCompleted');
  });

  it('rejects batches it cannot plan, writing nothing', async () => {
    const project = await newProject();
    const op = (key: string, dependencies: string[], type = 'ProcessMiningAnalysis') => ({ operationKey: key, operationName: key, operationType: type, dependencies });
    const cycle = await call('POST', `${project.base}/async/batch`, {
      token: project.token,
      body: { batchName: 'loop', operations: [{ ...op('a', ['b'], 'DataEnrichment'), parameters: { datasetId: '00000000-0000-4000-8000-000000000001' } }, op('b', ['a'])] },
    });
    expect(cycle.status).toBe(400);
    expect(cycle.body.invalidParams[0]).toMatchObject({ name: 'body.operations', reason: expect.stringContaining('cycle') });
    const unknown = await call('POST', `${project.base}/async/batch`, { token: project.token, body: { batchName: 'x', operations: [op('a', ['ghost'])] } });
    expect(unknown.body.invalidParams.map((p: { name: string }) => p.name)).toEqual(['body.operations.0.dependencies.0', 'body.operations.0.parameters.datasetId']);
    const callbacks = await call('POST', `${project.base}/async/batch`, { token: project.token, body: { batchName: 'x', operations: [op('a', [])], batchCallbacks: {} } });
    expect(callbacks.status).toBe(400);
    const list = await call('GET', `${project.base}/async/operations`, { token: project.token });
    expect(list.body.summary.totalOperations).toBe(0);
  });
});
