import { describe, expect, it } from 'vitest';
import { call, createDataset, newProject, startAnalysis, waitForStatus, type Project } from './client.ts';

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

type Listed = { operationId: string; priority: string; dateCreated: string; status: string; startTime?: string };
const rank: Record<string, number> = { Low: 0, Normal: 1, High: 2, Critical: 3 };

/** Runs `task` over `items`, `width` at a time. */
async function inParallel<T, R>(items: T[], width: number, task: (item: T, index: number) => Promise<R>): Promise<R[]> {
  const results: R[] = new Array(items.length);
  let next = 0;
  await Promise.all(Array.from({ length: width }, async () => {
    while (next < items.length) {
      const i = next++;
      results[i] = await task(items[i]!, i);
    }
  }));
  return results;
}

async function listAll(project: Project): Promise<Listed[]> {
  const all: Listed[] = [];
  for (let page = 1; ; page += 1) {
    const response = await call('GET', `${project.base}/async/operations?pageSize=100&page=${page}`, { token: project.token });
    all.push(...response.body.operations);
    if (!response.body.hasNextPage) return all;
  }
}

describe('fair admission over the whole queue', () => {
  it('starts 300 queued operations strictly by priority, then age', { timeout: 240_000 }, async () => {
    const project = await newProject();
    const { datasetId: slow } = await createDataset(project, 'bpic2012.xes.gz', 'xes.gz');
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    // Two long analyses hold both slots while the queue fills.
    for (const name of ['blocker 1', 'blocker 2']) expect((await startAnalysis(project, slow, { operationName: name })).body.status).toBe('Initiated');

    const priorities = ['Low', 'Normal', 'High', 'Critical'];
    const submittedAt = Date.now();
    const submitted = await inParallel(Array.from({ length: 300 }, (_, i) => i), 6, async (i) => {
      const response = await startAnalysis(project, datasetId, { priority: priorities[i % 4], operationName: `queued ${i}` });
      expect(response.status).toBe(202);
      return response.body as { operationId: string; status: string };
    });
    const submitSeconds = (Date.now() - submittedAt) / 1000;
    const queuedAtSubmission = submitted.filter((s) => s.status === 'Queued').length;

    // Drain: each operation is cancelled once it has recorded its start, which frees its slot for the next.
    const drainStarted = Date.now();
    const deadline = drainStarted + 180_000;
    for (;;) {
      const running = await call('GET', `${project.base}/async/operations?status=Running&pageSize=100`, { token: project.token });
      await Promise.all(running.body.operations.map((op: Listed) => call('DELETE', `${project.base}/async/operation/${op.operationId}`, { token: project.token })));
      const counts = running.body.summary;
      if (counts.queued + counts.initiated + counts.running === 0) break;
      if (Date.now() > deadline) throw new Error(`still ${counts.queued} queued after 180 s`);
      await new Promise((r) => setTimeout(r, 25));
    }
    const drainSeconds = (Date.now() - drainStarted) / 1000;

    const ids = new Set(submitted.map((s) => s.operationId));
    const queued = (await listAll(project)).filter((op) => ids.has(op.operationId));
    expect(queued).toHaveLength(300);
    for (const op of queued) expect(op.startTime, op.operationId).toEqual(expect.any(String));

    // No operation started while an older one of higher priority was still waiting.
    const started = (op: Listed) => Date.parse(op.startTime!);
    const violations = queued.flatMap((op) =>
      queued
        .filter((older) => older.dateCreated < op.dateCreated && rank[older.priority]! > rank[op.priority]! && started(older) > started(op))
        .map((older) => ({ started: op.operationId, priority: op.priority, skipped: older.operationId, olderPriority: older.priority, byMs: started(older) - started(op) })),
    );
    const waits = queued.map((op) => started(op) - Date.parse(op.dateCreated));
    console.log(JSON.stringify({ submitted: 300, queuedAtSubmission, submitSeconds, drainSeconds, violations: violations.length, maxWaitSeconds: Math.max(...waits) / 1000, sample: violations.slice(0, 5) }));
    expect(violations).toEqual([]);
  });
});
