import { describe, expect, it } from 'vitest';
import { call, createDataset, newProject, startAnalysis, waitForStatus, type Project } from './client.ts';

/** Local fault injection: the next `count` runs of the phase, in this project only. */
async function injectFault(project: Project, fault: Record<string, unknown>) {
  const response = await call('POST', '/_local/faults', { body: { projectId: project.projectId, ...fault } });
  expect(response.status).toBe(201);
  return response.body;
}

const seconds = (from: string, to: string) => (Date.parse(to) - Date.parse(from)) / 1000;

describe('local fault injection', () => {
  it('adds, lists and clears faults, and refuses an invalid one with its field', async () => {
    const project = await newProject();
    const added = await injectFault(project, { phase: 'PerformanceAnalysis', mode: 'delay', count: 2, seconds: 1 });
    expect(added).toMatchObject({ phase: 'PerformanceAnalysis', mode: 'delay', count: 2, remaining: 2, seconds: 1 });
    const listed = await call('GET', '/_local/faults');
    expect(listed.body.faults).toContainEqual(expect.objectContaining({ faultId: added.faultId }));
    const invalid = await call('POST', '/_local/faults', { body: { phase: 'NoSuchPhase', mode: 'delay' } });
    expect(invalid.status).toBe(400);
    expect(invalid.body.invalidParams.map((p: { name: string }) => p.name)).toEqual(expect.arrayContaining(['body.phase']));
    const cleared = await call('DELETE', '/_local/faults');
    expect(cleared.body.cleared).toBeGreaterThanOrEqual(1);
    expect((await call('GET', '/_local/faults')).body.faults).toEqual([]);
  });
});

describe('automatic retries (retryPolicy)', () => {
  it('retries a retryable failure with growing delays and ends Failed when the last attempt fails', async () => {
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    await injectFault(project, { phase: 'ProcessDiscovery', mode: 'error', count: 3 });
    const started = await startAnalysis(project, datasetId, { retryPolicy: { maxRetries: 2, retryDelay: 2, backoffMultiplier: 2 } });
    expect(started.status).toBe(202);
    const op = await waitForStatus(project, started.body.operationId, ['Failed', 'Completed', 'Timeout'], 90_000);
    expect(op.status).toBe('Failed');
    expect(op.attempts).toHaveLength(3);
    expect(op.attempts.map((a: { status: string }) => a.status)).toEqual(['Failed', 'Failed', 'Failed']);
    expect(new Set(op.attempts.map((a: { jobId: string }) => a.jobId)).size).toBe(3);
    expect(op.attempts[0].error).toMatchObject({ error: 'InternalError', retryable: true });
    // retryDelay × backoffMultiplier^k: 2 s, then 4 s (jitter only shortens, by at most 10 %).
    const waits = [1, 2].map((i) => seconds(op.attempts[i - 1].endTime, op.attempts[i].scheduledFor));
    expect(waits[0]).toBeGreaterThanOrEqual(1.5);
    expect(waits[1]).toBeGreaterThan(waits[0]!);
    expect(seconds(op.attempts[1].endTime, op.attempts[2].startTime)).toBeGreaterThanOrEqual(3.5);
    // Every attempt is a job of its own, served by the job-tracking endpoints.
    for (const attempt of op.attempts) {
      const timeline = await call('GET', `${project.base}/execution/job/${attempt.jobId}/timeline`, { token: project.token });
      expect(timeline.status).toBe(200);
    }
  }, 120_000);

  it('completes after one injected failure, the second attempt resuming at the failed phase', async () => {
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    await injectFault(project, { phase: 'ProcessDiscovery', mode: 'error', count: 1 });
    const started = await startAnalysis(project, datasetId, { retryPolicy: { maxRetries: 2, retryDelay: 1, backoffMultiplier: 2 } });
    const op = await waitForStatus(project, started.body.operationId, ['Failed', 'Completed', 'Timeout'], 90_000);
    expect(op.status).toBe('Completed');
    expect(op.attempts.map((a: { status: string }) => a.status)).toEqual(['Failed', 'Completed']);
    expect(op.attempts[1].resumeFrom).toBe('ProcessDiscovery');
    // Data Loading ran once, in the first attempt; the second started at Process Discovery.
    const loading = op.phases.find((p: { phaseName: string }) => p.phaseName === 'Data Loading & Validation');
    expect(Date.parse(loading.endTime)).toBeLessThanOrEqual(Date.parse(op.attempts[0].endTime));
    const results = await call('GET', `${project.base}/async/operation/${op.operationId}/results`, { token: project.token });
    expect(results.body).toMatchObject({ status: 'Completed', success: true });
  }, 120_000);

  it('retries a crashed invocation like any retryable failure', async () => {
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    await injectFault(project, { phase: 'PerformanceAnalysis', mode: 'crash', count: 1 });
    const started = await startAnalysis(project, datasetId, { retryPolicy: { maxRetries: 1, retryDelay: 1 } });
    const op = await waitForStatus(project, started.body.operationId, ['Failed', 'Completed', 'Timeout'], 90_000);
    expect(op.status).toBe('Completed');
    expect(op.attempts).toHaveLength(2);
    expect(op.attempts[1].resumeFrom).toBe('PerformanceAnalysis');
  }, 120_000);
});

describe('timeouts in flight', () => {
  it('stops an operation still running at timeoutAt within seconds: Timeout, the running phase timed out', async () => {
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    await injectFault(project, { phase: 'ProcessDiscovery', mode: 'delay', seconds: 120 });
    const started = await startAnalysis(project, datasetId, { timeout: 60 });
    const op = await waitForStatus(project, started.body.operationId, ['Failed', 'Completed', 'Timeout'], 90_000);
    expect(op.status).toBe('Timeout');
    expect(op.error).toMatchObject({ error: 'OperationTimedOut', phase: 'Process Discovery' });
    const phase = op.phases.find((p: { phaseName: string }) => p.phaseName === 'Process Discovery');
    expect(phase.status).toBe('Timeout');
    const stoppedAfter = seconds(op.timeoutAt, phase.endTime);
    expect(stoppedAfter).toBeGreaterThanOrEqual(-0.5);
    expect(stoppedAfter).toBeLessThan(10);
    // Observed within 10 s of the deadline (the poll runs every 250 ms).
    expect(seconds(op.timeoutAt, new Date().toISOString())).toBeLessThan(10);
  }, 120_000);
});

describe('timeouts while queued', () => {
  it('times out an operation still waiting for a slot at timeoutAt: queue time counts', async () => {
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    // The integration stack allows 2 active operations per project: two slow ones hold both slots past the third's deadline.
    await injectFault(project, { phase: 'DataLoadingValidation', mode: 'delay', count: 2, seconds: 90 });
    const holders = await Promise.all([1, 2].map(() => startAnalysis(project, datasetId, { timeout: 300 })));
    const waiting = await startAnalysis(project, datasetId, { timeout: 60 });
    expect(waiting.body.status).toBe('Queued');
    const op = await waitForStatus(project, waiting.body.operationId, ['Timeout', 'Running', 'Completed', 'Failed'], 90_000);
    expect(op.status).toBe('Timeout');
    expect(op.error).toMatchObject({ error: 'OperationTimedOut', cause: expect.stringContaining('queued') });
    expect(seconds(op.timeoutAt, new Date().toISOString())).toBeLessThan(10);
    // No slot had freed: the deadline's own timer ended it, not an admission.
    const holder = await call('GET', `${project.base}/async/operation/${holders[0]!.body.operationId}`, { token: project.token });
    expect(holder.body.status).toBe('Running');
    for (const holder of holders) await call('DELETE', `${project.base}/async/operation/${holder.body.operationId}`, { token: project.token, body: { forceTermination: true } });
  }, 120_000);
});
