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
