import { describe, expect, it } from 'vitest';
import { call, createDataset, newProject, startAnalysis, type Project } from './client.ts';

async function waitForOperation(project: Project, operationId: string, statuses: string[], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const op = await call('GET', `${project.base}/async/operation/${operationId}`, { token: project.token });
    if (statuses.includes(op.body.status)) return op.body;
    if (Date.now() > deadline) throw new Error(`operation ${operationId} is still ${op.body.status}`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

describe('job dependencies from the batch graph', () => {
  it('shows a batch dependency as a prerequisite and a blocking condition that becomes Resolved', async () => {
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    const submitted = await call('POST', `${project.base}/async/batch`, {
      token: project.token,
      body: {
        batchName: 'clean then analyse',
        operations: [
          { operationKey: 'clean', operationName: 'cleaning', operationType: 'DataEnrichment', parameters: { datasetId, cleaningRules: ['remove_duplicates'] } },
          { operationKey: 'analyze', operationName: 'analysis', operationType: 'ProcessMiningAnalysis', dependencies: ['clean'] },
        ],
      },
    });
    expect(submitted.status).toBe(202);
    const [clean, analyze] = submitted.body.operations as { operationId: string; jobId: string }[];

    const waiting = await call('GET', `${project.base}/execution/job/${analyze!.jobId}/dependencies`, { token: project.token });
    expect(waiting.body.dependencies.prerequisiteJobs).toEqual([expect.objectContaining({ jobId: clean!.jobId, jobName: 'cleaning', dependency: 'Batch dependency clean must complete first' })]);
    const before = waiting.body.blockingConditions.find((c: { condition: string }) => c.condition === 'Waiting for dependency clean');
    // Unless the cleaning was fast enough to have completed already.
    if (before.status === 'Active') expect(before.details.jobId).toBe(clean!.jobId);

    const upstream = await call('GET', `${project.base}/execution/job/${clean!.jobId}/dependencies`, { token: project.token });
    expect(upstream.body.dependencies.dependentJobs).toEqual([expect.objectContaining({ jobId: analyze!.jobId, waitingFor: 'cleaning results', relation: 'batch' })]);
    expect(upstream.body.dependencyGraph.edges).toContainEqual({ from: clean!.jobId, to: analyze!.jobId, type: 'dependency' });

    const tracked = await call('GET', `${project.base}/execution/tracking/batch?jobIds=${analyze!.jobId}`, { token: project.token });
    if (tracked.body.jobs[0].status === 'Queued') expect(tracked.body.jobs[0]).toMatchObject({ queuePosition: null, waitingFor: 'dependencies' });

    const cleaned = await waitForOperation(project, clean!.operationId, ['Completed']);
    await waitForOperation(project, analyze!.operationId, ['Running', 'Completed']);
    const after = await call('GET', `${project.base}/execution/job/${analyze!.jobId}/dependencies`, { token: project.token });
    expect(after.body.blockingConditions).toContainEqual({ condition: 'Waiting for dependency clean', status: 'Resolved', resolvedAt: cleaned.endTime, resolution: 'clean completed', details: { jobId: clean!.jobId } });
    expect(after.body.dependencies.prerequisiteJobs[0]).toMatchObject({ status: 'Completed', completedAt: cleaned.endTime });
    await waitForOperation(project, analyze!.operationId, ['Completed']);
  });

  it('gives a job waiting for a slot its queue position, and the dashboard the load (the integration stack allows 2 active)', async () => {
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'receipt.csv', 'csv');
    const started = [];
    for (let i = 0; i < 3; i += 1) started.push((await startAnalysis(project, datasetId)).body);
    const queued = started.find((op: { status: string }) => op.status === 'Queued');
    expect(queued).toBeDefined();
    const tracked = await call('GET', `${project.base}/execution/tracking/batch`, { token: project.token });
    const view = tracked.body.jobs.find((j: { jobId: string }) => j.jobId === queued.jobId);
    if (view.status === 'Queued') {
      // No completed run in this project yet: where it stands is known, when it starts is not.
      expect(view).toMatchObject({ queuePosition: 1, waitingFor: 'capacity', estimatedStartTime: null, estimatedCompletion: null });
      expect(tracked.body.systemHealth).toMatchObject({ overallLoad: 100, activeLimit: 2, queuedForCapacity: 1, resourceAvailability: 'Low', estimatedCapacityJobs: 0 });
      const blocked = await call('GET', `${project.base}/execution/job/${queued.jobId}/dependencies`, { token: project.token });
      expect(blocked.body.blockingConditions).toContainEqual({ condition: 'Waiting for a free slot in the project', status: 'Active', details: { queuePosition: 1 } });
    }
    const done = await waitForOperation(project, queued.operationId, ['Completed']);
    const after = await call('GET', `${project.base}/execution/job/${queued.jobId}/dependencies`, { token: project.token });
    expect(after.body.blockingConditions).toContainEqual({ condition: 'Waiting for a free slot in the project', status: 'Resolved', resolvedAt: done.progress.startTime, resolution: 'A slot was free and the job started' });
  });
});
