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
  await new Promise((r) => setTimeout(r, 1500));
  return waitForStatus(project, operationId, ['Cancelled']);
}

describe('retrying an operation', () => {
  let project: Project;
  let cancelled: any;

  beforeAll(async () => {
    project = await newProject('dave');
    const { datasetId } = await createDataset(project, 'bpic2012.xes.gz', 'xes.gz');
    cancelled = await cancelAfterFirstPhase(project, datasetId);
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
    const retried = await call('POST', `${project.base}/async/operation/${cancelled.operationId}/retry`, { token: project.token, body: { retryMode: 'restart', newTimeout: 900 } });
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ retryMode: 'restart', resumeFromPhase: null, preservedResults: { phasesPreserved: 0 } });
    const done = await waitForStatus(project, retried.body.newOperationId, ['Completed', 'Failed']);
    expect(done.status).toBe('Completed');
    expect(done.phases.every((p: { startTime: string }) => Date.parse(p.startTime) > Date.parse(cancelled.endTime))).toBe(true);
  });

  it('validates changed parameters as a start would', async () => {
    const wrongType = await call('POST', `${project.base}/async/operation/${cancelled.operationId}/retry`, {
      token: project.token,
      body: { retryMode: 'restart', modifyParameters: true, updatedParameters: { cleaningRules: ['remove_duplicates'], resourceAllocation: { cpuUnits: 6 } } },
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
    expect(retries.length).toBeGreaterThanOrEqual(2);
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
