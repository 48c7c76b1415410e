import { describe, expect, it } from 'vitest';
import { runEstimateOf, similarRuns } from '../../../functions/domain/estimates.ts';
import { OperationService } from '../../../functions/domain/operation-service.ts';
import type { DatasetService } from '../../../functions/domain/dataset-service.ts';
import type { OperationStore } from '../../../functions/domain/ports.ts';
import { phaseWeightsFrom, shareDoneOf } from '../../../functions/domain/progress.ts';
import type { JobRef, OperationRecord, PhaseRecord } from '../../../functions/domain/records.ts';
import { phaseSchedule, upcomingBasis } from '../../../functions/domain/views/phase-schedule.ts';
import { statusView } from '../../../functions/domain/views/operation-view.ts';

const job: JobRef = { tenantId: 't', projectId: 'p', operationId: 'op-1', jobId: 'job-1', operationType: 'ProcessMiningAnalysis' };
const ids = ['DataLoadingValidation', 'ProcessDiscovery', 'PerformanceAnalysis', 'MachineLearningAnalysis', 'ReportGeneration'] as const;
const pending = (): PhaseRecord[] => ids.map((id) => ({ id, name: id, status: 'Pending' }));

/** A completed run of `totalMs` whose phases took these shares of it, on an input of `bytes`. */
function completedRun(shares: number[], totalMs: number, bytes?: number): OperationRecord {
  return {
    ...job,
    status: 'Completed',
    startTime: '2026-01-01T00:00:00.000Z',
    endTime: new Date(Date.UTC(2026, 0, 1) + totalMs).toISOString(),
    ...(bytes ? { inputSizeBytes: bytes } : {}),
    phases: ids.map((id, i) => ({ id, name: id, status: 'Completed', durationMs: shares[i]! * totalMs })),
  } as unknown as OperationRecord;
}

const history = [0, 1, 2].map(() => completedRun([0.6, 0.1, 0.1, 0.1, 0.1], 100_000));
const t0 = Date.parse('2026-01-01T00:00:00.000Z');
const at = (ms: number) => new Date(t0 + ms);

function operation(fields: Partial<OperationRecord>): OperationRecord {
  return { ...job, status: 'Running', startTime: at(0).toISOString(), phases: pending(), ...fields } as unknown as OperationRecord;
}

/** The schedule as the views build it: the run's remaining-time estimate shared among the phases. */
const remainingOf = (op: OperationRecord, now: Date) => {
  const run = runEstimateOf(op, shareDoneOf(op), now);
  return { remainingMs: run.remainingMs, estimateBasis: run.basis };
};
const scheduleOf = (op: OperationRecord, now: Date) => phaseSchedule(op, remainingOf(op, now), now);

describe('phaseSchedule', () => {
  it("shares the remaining time by each phase's measured share of run time, not equally", () => {
    const op = operation({ status: 'Initiated', startTime: undefined, estimate: { durationMs: 100_000, lowMs: 90_000, highMs: 110_000, basedOnOperations: 3 }, phaseWeights: phaseWeightsFrom(history, ids) });
    const slots = scheduleOf(op, at(0));
    expect(slots.map((s) => s.estimatedDurationMs)).toEqual([60_000, 10_000, 10_000, 10_000, 10_000]);
    expect(slots[1]!.estimatedStartTime).toBe(at(60_000).toISOString());
    expect(slots.at(-1)!.estimatedEndTime).toBe(at(100_000).toISOString());
    expect(slots[0]!.basedOn).toEqual({ remaining: 'history', weights: 'history', weightsFromOperations: 3, weight: 0.6, fractionLeft: 1 });
  });

  it('gives a running phase the part of its slot it has left, and starts the next one after it', () => {
    const phases = pending();
    phases[0] = { ...phases[0]!, status: 'Running', startTime: at(0).toISOString(), progress: { fraction: 0.5, done: 1, total: 2, unit: 'steps', operation: 'Reading', updatedAt: at(30_000).toISOString() } };
    const op = operation({ phases, estimate: { durationMs: 100_000, lowMs: 90_000, highMs: 110_000, basedOnOperations: 3 }, phaseWeights: phaseWeightsFrom(history, ids) });
    // History leaves 70 s; the running phase still has 0.3 of the run's weight to do, the others 0.4.
    const slots = scheduleOf(op, at(30_000));
    expect(slots[0]).toMatchObject({ status: 'Running', estimatedStartTime: at(0).toISOString(), estimatedDurationMs: 30_000, estimatedEndTime: at(60_000).toISOString() });
    expect(slots[1]).toMatchObject({ status: 'Pending', estimatedStartTime: at(60_000).toISOString(), estimatedDurationMs: 10_000 });
  });

  it('once the history estimate is overdue, re-estimates from the run\'s own rate: nothing clamped to now or to zero', () => {
    const phases = pending();
    phases[0] = { ...phases[0]!, status: 'Completed', durationMs: 150_000 };
    phases[1] = { ...phases[1]!, status: 'Running', startTime: at(150_000).toISOString(), progress: { fraction: 0.5, done: 1, total: 2, unit: 'steps', operation: 'Alpha', updatedAt: at(160_000).toISOString() } };
    const op = operation({ phases, estimate: { durationMs: 100_000, lowMs: 90_000, highMs: 110_000, basedOnOperations: 3 }, phaseWeights: phaseWeightsFrom(history, ids) });
    const now = at(200_000);
    // 65 % done in 200 s: the run's own rate leaves 200 × 0.35 / 0.65 s.
    const remaining = Math.round((200_000 * 0.35) / 0.65);
    const slots = scheduleOf(op, now);
    expect(slots.every((s) => s.basedOn?.remaining === 'progress')).toBe(true);
    expect(slots.every((s) => s.estimatedDurationMs! > 0 && Date.parse(s.estimatedEndTime!) > now.getTime())).toBe(true);
    expect(Date.parse(slots.at(-1)!.estimatedEndTime!) - now.getTime()).toBeCloseTo(remaining, -1);
    // The running phase has half of its 0.1 left, each pending one its whole 0.1: 0.35 of the run in all.
    expect(slots[0]!.estimatedDurationMs).toBe(Math.round((remaining * 0.05) / 0.35));
    expect(slots[1]!.estimatedDurationMs).toBe(Math.round((remaining * 0.1) / 0.35));
    expect(upcomingBasis(op, remainingOf(op, now))).toMatch(/^remaining time from this run's measured rate \(65 % done in .+\), shared among the unfinished stages by each stage's median share of run time in 3 completed operations/);
  });

  it('has no slot times without an estimate, and says nothing is assumed', () => {
    const op = operation({ status: 'Initiated', startTime: undefined });
    const slots = scheduleOf(op, at(0));
    expect(slots).toHaveLength(5);
    expect(slots.every((s) => s.estimatedStartTime === null && s.estimatedEndTime === null && s.estimatedDurationMs === null && s.basedOn === null)).toBe(true);
    expect(upcomingBasis(op, remainingOf(op, at(0)))).toBeNull();
  });

  it("shows a pending phase's start, duration and basis in GET async/operation", () => {
    const op = operation({ status: 'Initiated', startTime: undefined, estimate: { durationMs: 100_000, lowMs: 90_000, highMs: 110_000, basedOnOperations: 3 }, phaseWeights: phaseWeightsFrom(history, ids) });
    const view = statusView(op, at(0));
    expect(view.phases[1]).toMatchObject({ status: 'Pending', estimatedStartTime: at(60_000).toISOString(), estimatedDuration: '10 seconds', estimatedDurationMs: 10_000, estimateBasedOn: { weights: 'history' } });
  });
});

describe('similar dataset size', () => {
  const runs = [completedRun([1, 0, 0, 0, 0], 10_000, 1_000), completedRun([1, 0, 0, 0, 0], 11_000, 1_900), completedRun([1, 0, 0, 0, 0], 12_000, 600), completedRun([1, 0, 0, 0, 0], 500_000, 50_000)];

  it('are the runs whose input is within a factor of 2 either way, when there are at least 3', () => {
    const { runs: similar, similarity } = similarRuns(runs, 1_000);
    expect(similar.map((r) => r.inputSizeBytes)).toEqual([1_000, 1_900, 600]);
    expect(similarity).toMatch(/input is 500–2000 bytes \(within 2× of this one's 1000\), 3 of the latest 4$/);
  });

  it('fall back to every run of the type, and say so, when fewer are similar or the size is unknown', () => {
    expect(similarRuns(runs, 40_000)).toMatchObject({ runs, similarity: expect.stringMatching(/fewer than 3 had an input within 2× of this one's 40000 bytes, so any size\)$/) });
    expect(similarRuns(runs, undefined)).toMatchObject({ runs, similarity: expect.stringMatching(/the input's size is not known/) });
  });

  it('decide the estimate and the phase weights a new operation is given', async () => {
    const big = [0, 1, 2].map(() => completedRun([0.9, 0.025, 0.025, 0.025, 0.025], 600_000, 100_000_000));
    const small = [0, 1, 2].map(() => completedRun([0.2, 0.2, 0.2, 0.2, 0.2], 10_000, 2_000_000));
    const operations = { list: async () => ({ items: [...big, ...small], hasMore: false }) } as unknown as OperationStore;
    const datasets = { get: async () => ({ sizeBytes: 3_000_000 }) } as unknown as DatasetService;
    const service = new OperationService(operations, datasets, {} as never, {} as never, {} as never, { now: () => at(0) }, {} as never, {} as never);
    const op = await service.withEstimate(operation({ status: 'Initiated', startTime: undefined, parameters: { datasetId: 'ds-1' } as never }));
    expect(op.inputSizeBytes).toBe(3_000_000);
    expect(op.estimate).toMatchObject({ durationMs: 10_000, basedOnOperations: 3, similarity: expect.stringContaining('within 2×') });
    expect(op.phaseWeights?.basedOnOperations).toBe(3);
    expect(op.phaseWeights?.weights.DataLoadingValidation).toBeCloseTo(0.2);
  });
});
