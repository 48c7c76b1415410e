import { describe, expect, it } from 'vitest';
import { call, createDataset, newProject, startAnalysis, waitForStatus } from './client.ts';

/** The integration stack runs with MAX_ACTIVE_OPERATIONS_PER_PROJECT=2 (global-setup.ts). */
describe('admission by priority within a per-project limit', () => {
  it('queues what exceeds the limit and starts it, highest priority first, as slots free up', async () => {
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'helpdesk.xes.gz', 'xes.gz');
    const priorities = ['Low', 'Normal', 'Low', 'Critical', 'High'];
    const started = [];
    for (const priority of priorities) started.push(await startAnalysis(project, datasetId, { priority, operationName: priority }));
    expect(started.map((s) => s.status)).toEqual([202, 202, 202, 202, 202]);
    expect(started.map((s) => s.body.status)).toEqual(['Initiated', 'Initiated', 'Queued', 'Queued', 'Queued']);

    const done = await Promise.all(started.map((s) => waitForStatus(project, s.body.operationId, ['Completed', 'Failed'], 120_000)));
    expect(done.map((d) => d.status)).toEqual(['Completed', 'Completed', 'Completed', 'Completed', 'Completed']);

    // Never more than two running at once.
    const intervals = done.map((d) => [Date.parse(d.progress.startTime), Date.parse(d.endTime)] as const);
    for (const [start] of intervals) {
      expect(intervals.filter(([s, e]) => s <= start && start < e).length).toBeLessThanOrEqual(2);
    }
    // The queued Critical and High ones went before the Low one that had waited longer.
    // (Two slots can free at once, so Critical and High may start together.)
    const queued = done.slice(2).map((d) => [d.priority, Date.parse(d.progress.startTime)] as const);
    const order = [...queued].sort((a, b) => a[1] - b[1]).map(([p]) => p);
    expect(order.at(-1)).toBe('Low');

    const list = await call('GET', `${project.base}/async/operations`, { token: project.token });
    expect(list.body.summary).toMatchObject({ totalOperations: 5, completed: 5, queued: 0, running: 0, initiated: 0 });

    // Five completed runs of this type: the next one gets an estimate from them.
    const next = await startAnalysis(project, datasetId, { operationName: 'estimated' });
    expect(next.body.estimateBasis).toMatchObject({ completedOperations: 5, medianDurationMs: expect.any(Number) });
    expect(next.body.estimatedDuration).toEqual(expect.any(String));
    expect(Date.parse(next.body.estimatedCompletion)).toBeGreaterThan(Date.parse(next.body.dateCreated));
    const finished = await waitForStatus(project, next.body.operationId, ['Completed']);
    expect(finished.progress.estimatedCompletion).toBeNull();
  });
});
