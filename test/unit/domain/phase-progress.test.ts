import { describe, expect, it } from 'vitest';
import type { CallbackNotifier } from '../../../functions/domain/callbacks.ts';
import { runEstimateOf } from '../../../functions/domain/estimates.ts';
import { OperationNotRunningError, PhaseRunner, type PhaseWork } from '../../../functions/domain/phase-runner.ts';
import type { DatasetStore, JobJournal, ObjectStore, OperationStore } from '../../../functions/domain/ports.ts';
import { phaseWeightsFrom, progressOf } from '../../../functions/domain/progress.ts';
import type { JobRef, LogEntry, OperationRecord, PhaseRecord } from '../../../functions/domain/records.ts';
import { statusView } from '../../../functions/domain/views/operation-view.ts';

const job: JobRef = { tenantId: 't', projectId: 'p', operationId: 'op-1', jobId: 'job-1', operationType: 'ProcessMiningAnalysis' };
const ids = ['DataLoadingValidation', 'ProcessDiscovery', 'PerformanceAnalysis', 'MachineLearningAnalysis', 'ReportGeneration'] as const;
const names = ['Data Loading & Validation', 'Process Discovery', 'Performance Analysis', 'Machine Learning Analysis', 'Report Generation'];

function pendingPhases(): PhaseRecord[] {
  return ids.map((id, i) => ({ id, name: names[i]!, status: 'Pending' }));
}

/** A completed run whose phases took these milliseconds. */
function completedRun(durations: number[]): OperationRecord {
  return { ...job, status: 'Completed', phases: ids.map((id, i) => ({ id, name: names[i]!, status: 'Completed', durationMs: durations[i]! })) } as unknown as OperationRecord;
}

describe('phase weights', () => {
  it('are equal without enough history, and the measured medians\' shares with it', () => {
    expect(phaseWeightsFrom([completedRun([1, 1, 1, 1, 1])], ids)).toEqual({ weights: Object.fromEntries(ids.map((id) => [id, 0.2])), basedOnOperations: 0 });
    const history = [completedRun([6000, 1000, 1000, 1000, 1000]), completedRun([6000, 1000, 1000, 1000, 1000]), completedRun([6000, 1000, 1000, 1000, 1000])];
    const { weights, basedOnOperations } = phaseWeightsFrom(history, ids);
    expect(basedOnOperations).toBe(3);
    expect(weights.DataLoadingValidation).toBeCloseTo(0.6);
    expect(weights.ReportGeneration).toBeCloseTo(0.1);
  });

  it('make the percentage follow the measured run time, and it never goes backwards through a run', () => {
    const op = { ...job, status: 'Running', phases: pendingPhases(), phaseWeights: phaseWeightsFrom(Array(3).fill(completedRun([6000, 1000, 1000, 1000, 1000])), ids) } as unknown as OperationRecord;
    const seen: number[] = [];
    for (const [i] of ids.entries()) {
      for (const fraction of [0, 0.25, 0.5, 0.99]) {
        op.phases[i] = { ...op.phases[i]!, status: 'Running', progress: { fraction, done: 0, total: 0, unit: 'steps', operation: 'x', updatedAt: '' } };
        seen.push(progressOf(op).percentage);
      }
      op.phases[i] = { ...op.phases[i]!, status: 'Completed' };
      seen.push(progressOf(op).percentage);
    }
    expect(seen.every((p, i) => i === 0 || p >= seen[i - 1]!)).toBe(true);
    // Half of the loading phase, which takes 60 % of the run, is 30 %.
    expect(seen[2]).toBe(30);
    expect(seen.at(-1)).toBe(100);
    expect(Math.max(...seen.slice(0, -1))).toBeLessThan(100);
  });
});

describe('estimates that stay honest', () => {
  const estimate = { durationMs: 60_000, lowMs: 50_000, highMs: 70_000, basedOnOperations: 5 };
  const started = { ...job, status: 'Running', startTime: '2026-01-01T00:00:00.000Z', estimate, phases: pendingPhases() } as unknown as OperationRecord;

  it('rest on history while its completion lies ahead', () => {
    const run = runEstimateOf(started, 0.1, new Date('2026-01-01T00:00:30.000Z'));
    expect(run).toMatchObject({ remainingMs: 30_000, completion: '2026-01-01T00:01:00.000Z', basis: { method: 'history', completedOperations: 5 } });
  });

  it('once overdue, are re-estimated from progress, never clamped to now or zero', () => {
    const now = new Date('2026-01-01T00:02:00.000Z');
    const run = runEstimateOf(started, 0.4, now);
    // 120 s for 40 %: 180 s more.
    expect(run.remainingMs).toBe(180_000);
    expect(run.completion).toBe('2026-01-01T00:05:00.000Z');
    expect(run.basis).toMatchObject({ method: 'progress', fractionDone: 0.4, elapsedMs: 120_000, overdueHistoryEstimate: { passedAt: '2026-01-01T00:01:00.000Z' } });
    const unknown = runEstimateOf(started, 0, now);
    expect(unknown).toMatchObject({ remainingMs: null, completion: null, basis: { method: 'none' } });
  });

  it('give pending phases an estimated start and duration, and the running phase its progress and activity', () => {
    const op = structuredClone(started);
    op.phases[0] = { ...op.phases[0]!, status: 'Completed' };
    op.phases[1] = { ...op.phases[1]!, status: 'Running', startTime: '2026-01-01T00:00:10.000Z', progress: { fraction: 0.5, done: 2, total: 5, unit: 'steps', operation: 'Running the Alpha Miner', updatedAt: '2026-01-01T00:00:20.000Z' } };
    const view = statusView(op, new Date('2026-01-01T00:00:20.000Z'));
    expect(view.phases[1]).toMatchObject({ status: 'Running', progress: 50, currentActivity: { component: 'ProcessMiner', operation: 'Running the Alpha Miner', details: '2 of 5 steps' } });
    expect(view.phases[2]).toMatchObject({ estimatedStartTime: expect.any(String), estimatedDuration: expect.any(String) });
    // 40 s left over 3.5 equal phases' worth of work: the next pending phase starts after the running half.
    expect(Date.parse(view.phases[2]!.estimatedStartTime as string) - Date.parse('2026-01-01T00:00:20.000Z')).toBe(Math.round((40_000 * 0.5) / 3.5));
    expect(view.progress.estimateBasis).toMatchObject({ method: 'history' });
  });
});

describe('PhaseRunner progress and cancellation', () => {
  function setup(statusAfter: { status: string; afterMs: number } | null) {
    const began = Date.now();
    const operation = { ...job, status: 'Running', timeoutAt: new Date(Date.now() + 3_600_000).toISOString(), timeoutSeconds: 3600, phases: pendingPhases() } as unknown as OperationRecord;
    const updates: Array<Partial<PhaseRecord>> = [];
    const operations = {
      get: async () => ({ ...structuredClone(operation), ...(statusAfter && Date.now() - began >= statusAfter.afterMs ? { status: statusAfter.status } : {}) }),
      list: async () => ({ items: [], hasMore: false }),
      updatePhase: async (_s: unknown, _id: string, _phase: string, patch: Partial<PhaseRecord>) => void updates.push(structuredClone(patch)),
    } as unknown as OperationStore;
    const logs: LogEntry[] = [];
    const journal: JobJournal = { read: async () => [], append: async (_job, facts) => void logs.push(...(facts.logs ?? [])) };
    const notified: string[] = [];
    const notifier = { notify: async (_op: unknown, event: string) => void notified.push(event) } as unknown as CallbackNotifier;
    const runner = (work: PhaseWork) =>
      new PhaseRunner(operations, {} as DatasetStore, {} as ObjectStore, journal, { now: () => new Date() }, { sampleIntervalMs: 60_000, memoryLimitBytes: null, progressIntervalMs: 20, cancellationCheckMs: 20 }, {
        ProcessDiscovery: work,
      } as Record<string, PhaseWork> as never, notifier);
    return { runner, updates, logs, notified };
  }
  const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

  it('writes measured progress while the phase runs, never backwards, and 100 % only at completion', async () => {
    const { runner, updates, logs } = setup(null);
    await runner(async (context) => {
      const hook = context.hook(0, 1, 'steps');
      for (let step = 0; step < 10; step += 1) {
        hook(step, 10, `step ${step}`);
        await tick();
      }
      context.report(0.3, 'a lower figure is ignored');
      return { recordsProcessed: 10, results: {} };
    }).run('ProcessDiscovery', job);
    const fractions = updates.filter((u) => u.progress && u.status === undefined).map((u) => u.progress!.fraction);
    expect(fractions.length).toBeGreaterThan(3);
    expect(fractions.every((f, i) => i === 0 || f >= fractions[i - 1]!)).toBe(true);
    expect(Math.max(...fractions)).toBeLessThan(1);
    expect(updates.at(-1)).toMatchObject({ status: 'Completed', progress: { fraction: 1 } });
    expect(logs.some((l) => l.level === 'DEBUG' && l.message.startsWith('step '))).toBe(true);
  });

  it('stops a cancelled phase at its next safe point: recorded Cancelled, never Completed, and nothing notified', async () => {
    const { runner, updates, logs, notified } = setup({ status: 'Cancelled', afterMs: 50 });
    let steps = 0;
    const started = Date.now();
    const failure = await runner(async (context) => {
      for (;;) {
        context.report(Math.min(0.9, steps / 1000), 'working', { done: steps, total: 1000, unit: 'records' });
        steps += 1;
        await tick();
      }
    })
      .run('ProcessDiscovery', job)
      .catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(OperationNotRunningError);
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(updates.some((u) => u.status === 'Completed')).toBe(false);
    expect(updates.at(-1)).toMatchObject({ status: 'Cancelled', progress: { operation: 'working' } });
    expect(logs.at(-1)!.message).toBe('Process Discovery stopped at a safe point: the operation was cancelled');
    expect(notified).toEqual(['operation.phase.started']);
  });
});
