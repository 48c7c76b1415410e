import { randomUUID } from 'node:crypto';
import { beforeAll, describe, expect, it } from 'vitest';
import { call, createDataset, newProject, startAnalysis, waitForStatus, type Project } from './client.ts';

/** Cancels an analysis of bpic2012 as soon as its first phase has completed, bounded by a deadline. */
async function cancelAfterFirstPhase(project: Project, datasetId: string) {
  const started = await startAnalysis(project, datasetId);
  const operationId = started.body.operationId as string;
  const deadline = Date.now() + 60_000;
  for (;;) {
    const status = await call('GET', `${project.base}/async/operation/${operationId}`, { token: project.token });
    if (status.body.phases[0].status === 'Completed') break;
    if (Date.now() > deadline) throw new Error('the first phase did not complete in time');
    await new Promise((r) => setTimeout(r, 20));
  }
  const cancelled = await call('DELETE', `${project.base}/async/operation/${operationId}`, { token: project.token });
  expect(cancelled.status).toBe(200);
  // A phase under way when the cancellation came still finishes: wait until none runs, so the phases are final.
  const settled = Date.now() + 30_000;
  for (;;) {
    const status = await waitForStatus(project, operationId, ['Cancelled']);
    if (!status.phases.some((p: { status: string }) => p.status === 'Running') || Date.now() > settled) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  await new Promise((r) => setTimeout(r, 500));
  return waitForStatus(project, operationId, ['Cancelled']);
}

describe('retrying an operation', () => {
  let project: Project;
  let cancelled: any;
  let cancelledAgain: any;
  let resumed: string;

  beforeAll(async () => {
    project = await newProject('dave');
    const { datasetId } = await createDataset(project, 'bpic2012.xes.gz', 'xes.gz');
    // An operation is retried once (then its retry is), so the resume and restart tests each get their own.
    [cancelled, cancelledAgain] = await Promise.all([cancelAfterFirstPhase(project, datasetId), cancelAfterFirstPhase(project, datasetId)]);
  });

  it('refuses to retry what is still running or succeeded', async () => {
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    const started = await startAnalysis(project, datasetId);
    const done = await waitForStatus(project, started.body.operationId, ['Completed']);
    const response = await call('POST', `${project.base}/async/operation/${done.operationId}/retry`, { token: project.token, body: { retryMode: 'restart' } });
    expect(response.status).toBe(409);
  });

  it('resumes from the first phase that did not complete, keeping the completed ones', async () => {
    const completedBefore = cancelled.phases.filter((p: { status: string }) => p.status === 'Completed');
    const firstUnfinished = cancelled.phases[completedBefore.length].phaseName;
    const retried = await call('POST', `${project.base}/async/operation/${cancelled.operationId}/retry`, {
      token: project.token,
      body: { retryMode: 'resume', retryReason: 'changed my mind', modifyParameters: true, updatedParameters: { resourceAllocation: { priority: 'Critical' } } },
    });
    expect(retried.status).toBe(202);
    resumed = retried.body.newOperationId;
    expect(retried.body).toMatchObject({
      originalOperationId: cancelled.operationId,
      retryMode: 'resume',
      retryNumber: 1,
      resumeFromPhase: firstUnfinished,
      status: 'Initiated',
      preservedResults: { phasesPreserved: completedBefore.length, recordsProcessed: 262200 },
    });
    const done = await waitForStatus(project, retried.body.newOperationId, ['Completed', 'Failed']);
    expect(done.status).toBe('Completed');
    expect(done.priority).toBe('Critical');
    expect(done.retry).toMatchObject({ originalOperationId: cancelled.operationId, phasesPreserved: completedBefore.length });
    // The preserved phases are the original's, with their original timestamps; the rest ran anew.
    done.phases.slice(0, completedBefore.length).forEach((phase: { startTime: string }, i: number) => expect(phase.startTime).toBe(completedBefore[i].startTime));
    for (const phase of done.phases.slice(completedBefore.length)) expect(Date.parse(phase.startTime)).toBeGreaterThan(Date.parse(cancelled.endTime));
    const logs = await call('GET', `${project.base}/execution/job/${done.execution.executionId}/logs`, { token: project.token });
    expect(logs.body.logs.map((l: { message: string }) => l.message)).not.toContain('Data Loading & Validation started');
    const results = await call('GET', `${project.base}/async/operation/${retried.body.newOperationId}/results?format=detailed`, { token: project.token });
    expect(results.body.details.discovery).toMatchObject({ cases: 13087, events: 262200 });
  });

  it('restarts every phase', async () => {
    const retried = await call('POST', `${project.base}/async/operation/${cancelledAgain.operationId}/retry`, { token: project.token, body: { retryMode: 'restart', newTimeout: 900 } });
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ retryMode: 'restart', resumeFromPhase: null, preservedResults: { phasesPreserved: 0 } });
    const done = await waitForStatus(project, retried.body.newOperationId, ['Completed', 'Failed']);
    expect(done.status).toBe('Completed');
    expect(done.phases.every((p: { startTime: string }) => Date.parse(p.startTime) > Date.parse(cancelledAgain.endTime))).toBe(true);
  });

  it('refuses a second retry of an operation, naming its retry: retries continue from the latest', async () => {
    const again = await call('POST', `${project.base}/async/operation/${cancelled.operationId}/retry`, { token: project.token, body: { retryMode: 'restart' } });
    expect(again.status).toBe(409);
    expect(again.headers.get('content-type')).toContain('application/problem+json');
    expect(again.body.retryOperationId).toBe(resumed);
  });

  it('validates changed parameters as a start would', async () => {
    const wrongType = await call('POST', `${project.base}/async/operation/${cancelled.operationId}/retry`, {
      token: project.token,
      body: { retryMode: 'restart', modifyParameters: true, updatedParameters: { cleaningRules: ['remove_duplicates'], resourceAllocation: { cpuUnits: 0 } } },
    });
    expect(wrongType.status).toBe(400);
    expect(wrongType.body.invalidParams.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining([expect.stringContaining('resourceAllocation')]));
    const notAllowed = await call('POST', `${project.base}/async/operation/${cancelled.operationId}/retry`, {
      token: project.token,
      body: { retryMode: 'restart', updatedParameters: { algorithmSettings: { useAdvancedML: false } } },
    });
    expect(notAllowed.status).toBe(400);
    expect(notAllowed.body.invalidParams[0].name).toBe('body.modifyParameters');
    const unknownField = await call('POST', `${project.base}/async/operation/${cancelled.operationId}/retry`, {
      token: project.token,
      body: { retryMode: 'restart', modifyParameters: true, updatedParameters: { cleaningRules: ['remove_duplicates'] } },
    });
    expect(unknownField.status).toBe(400);
    expect(unknownField.body.invalidParams[0].name).toBe('body.updatedParameters.cleaningRules');
  });

  it('links retries and originals in the job dependencies', async () => {
    const original = await call('GET', `${project.base}/execution/job/${cancelled.execution.executionId}/dependencies`, { token: project.token });
    expect(original.status).toBe(200);
    const retries = original.body.dependencies.dependentJobs;
    expect(retries).toHaveLength(1);
    expect(retries.every((d: { relation: string }) => d.relation === 'retry')).toBe(true);
    expect(original.body.dependencies.resourceDependencies[0]).toMatchObject({ resourceType: 'Dataset', status: 'Available' });
    expect(original.body.dependencyGraph.edges.every((e: { from: string }) => e.from === cancelled.execution.executionId)).toBe(true);

    const retryJob = retries[0].jobId as string;
    const retried = await call('GET', `${project.base}/execution/job/${retryJob}/dependencies`, { token: project.token });
    expect(retried.body.dependencies.prerequisiteJobs).toEqual([
      expect.objectContaining({ jobId: cancelled.execution.executionId, operationId: cancelled.operationId, status: 'Cancelled' }),
    ]);
    expect(retried.body.blockingConditions).toEqual([]);
  });
});

describe('retries run the checks of a start and happen once', () => {
  let project: Project;
  let cancelled: string;

  beforeAll(async () => {
    project = await newProject('erin');
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    const started = await startAnalysis(project, datasetId);
    expect((await call('DELETE', `${project.base}/async/operation/${started.body.operationId}`, { token: project.token })).status).toBe(200);
    cancelled = started.body.operationId;
  });

  const retry = (body: unknown) => call('POST', `${project.base}/async/operation/${cancelled}/retry`, { token: project.token, body });

  it('answers 404 at once for a dataset that does not exist, and 409 for one never uploaded', async () => {
    const missing = await retry({ retryMode: 'restart', modifyParameters: true, updatedParameters: { datasetId: randomUUID() } });
    expect(missing.status).toBe(404);
    expect(missing.headers.get('content-type')).toContain('application/problem+json');
    const pending = await createDataset(project, 'running-example.xes', 'xes', false);
    const notUploaded = await retry({ retryMode: 'restart', modifyParameters: true, updatedParameters: { datasetId: pending.datasetId } });
    expect(notUploaded.status).toBe(409);
    expect(notUploaded.body.invalidParams).toEqual([expect.objectContaining({ name: 'body.updatedParameters.datasetId' })]);
    const list = await call('GET', `${project.base}/async/operations`, { token: project.token });
    expect(list.body.summary.totalOperations).toBe(1);
  });

  it('creates exactly one operation from 10 concurrent retries; the others are 409 naming it', async () => {
    const responses = await Promise.all(Array.from({ length: 10 }, () => retry({ retryMode: 'restart' })));
    const accepted = responses.filter((r) => r.status === 202);
    const refused = responses.filter((r) => r.status === 409);
    expect(accepted).toHaveLength(1);
    expect(refused).toHaveLength(9);
    for (const r of refused) {
      expect(r.headers.get('content-type')).toContain('application/problem+json');
      expect(r.body.retryOperationId).toBe(accepted[0]!.body.newOperationId);
    }
    const list = await call('GET', `${project.base}/async/operations`, { token: project.token });
    expect(list.body.summary.totalOperations).toBe(2);
    const original = await call('GET', `${project.base}/execution/job/${(await call('GET', `${project.base}/async/operation/${cancelled}`, { token: project.token })).body.execution.executionId}/dependencies`, { token: project.token });
    expect(original.body.dependencies.dependentJobs).toHaveLength(1);
  });
});

describe('retry semantics', () => {
  let project: Project;
  let datasetId: string;

  beforeAll(async () => {
    project = await newProject('frank');
    ({ datasetId } = await createDataset(project, 'running-example.xes', 'xes'));
  });

  const fault = async (body: Record<string, unknown>) => expect((await call('POST', '/_local/faults', { body: { projectId: project.projectId, ...body } })).status).toBe(201);
  const retry = (operationId: string, body: unknown) => call('POST', `${project.base}/async/operation/${operationId}/retry`, { token: project.token, body });

  /** An analysis failed by an injected error in its first phase, with no retry policy of its own. */
  async function failedAnalysis(): Promise<string> {
    await fault({ phase: 'DataLoadingValidation', mode: 'error', count: 1 });
    const started = await startAnalysis(project, datasetId);
    await waitForStatus(project, started.body.operationId, ['Failed']);
    return started.body.operationId as string;
  }

  it('numbers retries by their position in the chain of the original: 1, 2, 3', async () => {
    let latest = await failedAnalysis();
    const numbers: number[] = [];
    for (let i = 0; i < 3; i += 1) {
      await fault({ phase: 'DataLoadingValidation', mode: 'error', count: 1 });
      const retried = await retry(latest, { retryMode: 'restart' });
      expect(retried.status, JSON.stringify(retried.body)).toBe(202);
      numbers.push(retried.body.retryNumber);
      latest = retried.body.newOperationId;
      const status = await waitForStatus(project, latest, ['Failed']);
      expect(status.retry).toMatchObject({ retryNumber: i + 1 });
    }
    expect(numbers).toEqual([1, 2, 3]);
  });

  it('refuses a resume on a different dataset, naming the field; a restart on it runs', async () => {
    const original = await failedAnalysis();
    const other = await createDataset(project, 'running-example.xes', 'xes');
    const changed = { modifyParameters: true, updatedParameters: { datasetId: other.datasetId } };
    const refused = await retry(original, { retryMode: 'resume', ...changed });
    expect(refused.status).toBe(400);
    expect(refused.headers.get('content-type')).toContain('application/problem+json');
    expect(refused.body.invalidParams).toEqual([{ name: 'body.updatedParameters.datasetId', reason: expect.stringMatching(/restart/) }]);
    const restarted = await retry(original, { retryMode: 'restart', ...changed });
    expect(restarted.status).toBe(202);
    await waitForStatus(project, restarted.body.newOperationId, ['Completed']);
  });

  it("a retry's own retryPolicy governs its automatic retries", async () => {
    const original = await failedAnalysis();
    await fault({ phase: 'DataLoadingValidation', mode: 'error', count: 1 });
    const retried = await retry(original, { retryMode: 'restart', retryPolicy: { maxRetries: 1, retryDelay: 1 } });
    expect(retried.status).toBe(202);
    const done = await waitForStatus(project, retried.body.newOperationId, ['Completed'], 90_000);
    expect(done.attempts.map((a: { status: string }) => a.status)).toEqual(['Failed', 'Completed']);
  });

  it("preserveOriginalResults: false deletes the original's stored outputs once the retry completes", async () => {
    // The original: cancelled gracefully after its first phase, keeping downloadable partial results.
    await fault({ phase: 'ProcessDiscovery', mode: 'delay', count: 1, seconds: 3 });
    const started = await startAnalysis(project, datasetId);
    const original = started.body.operationId as string;
    for (const deadline = Date.now() + 60_000; ; ) {
      const status = await call('GET', `${project.base}/async/operation/${original}`, { token: project.token });
      if (status.body.phases[1].status === 'Running') break;
      if (Date.now() > deadline) throw new Error('Process Discovery never ran');
      await new Promise((r) => setTimeout(r, 200));
    }
    const cancelled = await call('DELETE', `${project.base}/async/operation/${original}`, { token: project.token, body: { preservePartialResults: true } });
    expect(cancelled.status).toBe(200);
    const urls = cancelled.body.partialResults.downloadUrls as string[];
    expect(urls.length).toBeGreaterThan(0);
    // Let the phase under way finish its writes, so nothing of the original is written after the deletion.
    await new Promise((r) => setTimeout(r, 5000));
    expect((await fetch(urls[0]!)).status).toBe(200);

    const retried = await retry(original, { retryMode: 'restart', preserveOriginalResults: false });
    expect(retried.status).toBe(202);
    await waitForStatus(project, retried.body.newOperationId, ['Completed']);
    for (const deadline = Date.now() + 15_000; ; ) {
      const statuses = await Promise.all(urls.map(async (url) => (await fetch(url)).status));
      if (statuses.every((s) => s === 404)) break;
      if (Date.now() > deadline) throw new Error(`the original's outputs are still there: ${statuses.join(', ')}`);
      await new Promise((r) => setTimeout(r, 250));
    }
  });
});
