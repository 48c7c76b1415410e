import { describe, expect, it } from 'vitest';
import { call, createDataset, newProject, startAnalysis, waitForStatus, type Project } from './client.ts';

/** Local fault injection, in this project only. */
async function injectFault(project: Project, fault: Record<string, unknown>) {
  const response = await call('POST', '/_local/faults', { body: { projectId: project.projectId, ...fault } });
  expect(response.status, JSON.stringify(response.body)).toBe(201);
  return response.body;
}

describe('self-healing: executions that end without recording it', () => {
  it('refuses a lifecycle fault it cannot apply, naming the field', async () => {
    const delayed = await call('POST', '/_local/faults', { body: { phase: 'lifecycle', mode: 'delay', seconds: 1 } });
    expect(delayed.status).toBe(400);
    expect(delayed.body.invalidParams.map((p: { name: string }) => p.name)).toContain('body.mode');
    const misplaced = await call('POST', '/_local/faults', { body: { phase: 'ProcessDiscovery', event: 'failed', mode: 'error' } });
    expect(misplaced.status).toBe(400);
    expect(misplaced.body.invalidParams.map((p: { name: string }) => p.name)).toContain('body.event');
  });

  it('settles an operation whose lifecycle step kept failing: terminal, slot freed, the queued operation starts', async () => {
    // The stack runs with 2 slots per project: A and B take them, C waits Queued.
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    // A and B fail in their first phase; then `Record Operation Failed` dies on every one of its 5 tries (1 + 4
    // retries) for each of them, so both executions end FAILED in `Lifecycle Not Recorded` with the operations still Running.
    await injectFault(project, { phase: 'DataLoadingValidation', mode: 'error', count: 2 });
    await injectFault(project, { phase: 'lifecycle', event: 'failed', mode: 'crash', count: 10 });
    const a = await startAnalysis(project, datasetId);
    const b = await startAnalysis(project, datasetId);
    const c = await startAnalysis(project, datasetId);
    expect([a, b, c].map((s) => s.body.status)).toEqual(['Initiated', 'Initiated', 'Queued']);

    for (const started of [a, b]) {
      const op = await waitForStatus(project, started.body.operationId, ['Completed', 'Failed', 'Cancelled', 'Timeout'], 100_000);
      expect(op.status).toBe('Failed');
      expect(op.error.error).toBe('InternalError');
      expect(op.endTime).toEqual(expect.any(String));
      const logs = await call('GET', `${project.base}/execution/job/${op.execution.executionId}/logs?level=WARN`, { token: project.token });
      expect(logs.body.logs.map((l: { message: string }) => l.message).join('\n')).toMatch(/Execution ended FAILED while the operation was Running; settled by the reconciler/);
    }
    // Every injected lifecycle failure was used: the state machine really tried and gave up.
    const faults = (await call('GET', '/_local/faults')).body.faults as Array<{ projectId?: string }>;
    expect(faults.filter((f) => f.projectId === project.projectId)).toEqual([]);

    // The freed slots admitted C, which now runs to completion.
    const third = await waitForStatus(project, c.body.operationId, ['Completed', 'Failed', 'Cancelled', 'Timeout'], 60_000);
    expect(third.status).toBe('Completed');
    // The counters moved with the statuses: nothing is left holding a slot.
    const listed = await call('GET', `${project.base}/async/operations?pageSize=10`, { token: project.token });
    expect(listed.body.summary).toMatchObject({ totalOperations: 3, initiated: 0, queued: 0, running: 0, completed: 1, failed: 2 });
    const counts = await call('GET', `${project.base}/async/operations?status=Failed`, { token: project.token });
    expect(counts.body.operations.map((o: { operationId: string }) => o.operationId).sort()).toEqual([a.body.operationId, b.body.operationId].sort());
  }, 120_000);
});
