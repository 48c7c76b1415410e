import { describe, expect, it } from 'vitest';
import { costEstimateFrom, measuredUsageOf, transitionsBesidesPhases } from '../../../functions/domain/estimates.ts';
import { phasesByOperationType } from '../../../functions/domain/operation-types.ts';
import { allocationOf, choosePhaseSize, defaultPhaseMemoryMb, phaseSizesMb, vcpusOf } from '../../../functions/domain/phase-sizes.ts';
import { billedMs, costOf, formatUsd, pricesByRegion, pricesFor } from '../../../functions/domain/pricing.ts';
import type { OperationRecord, PhaseRecord } from '../../../functions/domain/records.ts';
import { resourcesAllocatedOf, resourcesReleasedOf } from '../../../functions/domain/views/resources-view.ts';
import { resourceAllocation } from '../../../functions/schemas/operation.ts';

const field = 'body.parameters.resourceAllocation';
const prices = pricesByRegion['us-east-1'];

describe('phase sizes', () => {
  it('are 2, 4, 8 and 10 GB with the vCPUs Lambda gives that memory (one per 1,769 MB, 6 at 10,240 MB)', () => {
    expect(phaseSizesMb).toEqual([2048, 4096, 8192, 10_240]);
    expect(phaseSizesMb.map(vcpusOf)).toEqual([2, 3, 5, 6]);
    expect(vcpusOf(1769)).toBe(1);
    expect(vcpusOf(1770)).toBe(2);
    expect(allocationOf(10_240)).toEqual({ cpuUnits: 6, memoryGB: 10, vcpuShare: 5.79 });
    expect(allocationOf(8192)).toEqual({ cpuUnits: 5, memoryGB: 8, vcpuShare: 4.63 });
  });

  it('runs on the default size when nothing is asked', () => {
    expect(defaultPhaseMemoryMb).toBe(4096);
    expect(choosePhaseSize(undefined, field)).toEqual({ memoryMb: 4096, warnings: [] });
    expect(choosePhaseSize({}, field)).toEqual({ memoryMb: 4096, warnings: [] });
  });

  it('chooses the smallest size that satisfies both the memory and the vCPUs', () => {
    expect(choosePhaseSize({ memoryGB: 1 }, field).memoryMb).toBe(2048);
    expect(choosePhaseSize({ memoryGB: 2 }, field).memoryMb).toBe(2048);
    expect(choosePhaseSize({ memoryGB: 2.5 }, field).memoryMb).toBe(4096);
    expect(choosePhaseSize({ memoryGB: 8 }, field).memoryMb).toBe(8192);
    expect(choosePhaseSize({ cpuUnits: 4 }, field).memoryMb).toBe(8192);
    expect(choosePhaseSize({ cpuUnits: 2, memoryGB: 3 }, field).memoryMb).toBe(4096);
    expect(choosePhaseSize({ cpuUnits: 6, memoryGB: 2 }, field)).toEqual({ memoryMb: 10_240, warnings: [] });
  });

  it('runs a request beyond the largest size on the largest and says so, naming the field and the maximum', () => {
    // The document's retry example: 6 vCPUs fit the 10 GB size, 12 GB does not exist in Lambda.
    const { memoryMb, warnings } = choosePhaseSize({ cpuUnits: 6, memoryGB: 12 }, 'body.updatedParameters.resourceAllocation');
    expect(memoryMb).toBe(10_240);
    expect(warnings).toEqual(['body.updatedParameters.resourceAllocation.memoryGB: 12 is above the largest size, 10 GB; the phases run with 10 GB']);
    expect(choosePhaseSize({ cpuUnits: 8 }, field).warnings).toEqual([`${field}.cpuUnits: 8 is above the largest size's 6 vCPUs; the phases run with 6`]);
  });

  it('refuses figures that are not sizes at all', () => {
    expect(resourceAllocation.safeParse({ memoryGB: 0 }).success).toBe(false);
    expect(resourceAllocation.safeParse({ cpuUnits: -1 }).success).toBe(false);
    expect(resourceAllocation.safeParse({ memoryGB: '8' }).success).toBe(false);
    expect(resourceAllocation.safeParse({ disk: 8 }).success).toBe(false);
    expect(resourceAllocation.safeParse({ cpuUnits: 6, memoryGB: 12 }).success).toBe(true);
  });
});

describe('pricing', () => {
  it('holds the published first-tier arm64 Lambda and Standard Workflows prices', () => {
    expect(prices.lambdaArmGbSecond).toBe(0.0000133334);
    expect(prices.lambdaRequest * 1_000_000).toBeCloseTo(0.2, 12);
    expect(prices.stateTransition * 1000).toBeCloseTo(0.025, 12);
    expect(pricesFor(undefined)).toBe(prices);
    expect(() => pricesFor('mars-1')).toThrow(/No prices for region mars-1/);
  });

  it('prices usage: GB-seconds, requests and transitions', () => {
    // 100 s on 8 GB = 800 GB-s; 7 requests; 10 transitions.
    const usd = costOf({ gbSeconds: 800, lambdaRequests: 7, stateTransitions: 10 }, prices);
    expect(usd).toBeCloseTo(800 * 0.0000133334 + 7 * 0.0000002 + 10 * 0.000025, 12);
    expect(formatUsd(usd)).toBe('$0.01092');
    expect(formatUsd(0)).toBe('$0');
    expect(billedMs(1.0001)).toBe(2);
    expect(billedMs(1200)).toBe(1200);
  });
});

const phase = (id: PhaseRecord['id'], durationMs: number, status: PhaseRecord['status'] = 'Completed'): PhaseRecord => ({
  id,
  name: id,
  status,
  startTime: '2026-01-01T00:00:00.000Z',
  durationMs,
});

const analysis = (durations: number[], extra: Partial<OperationRecord> = {}): OperationRecord =>
  ({
    tenantId: 't',
    projectId: 'p',
    operationId: 'op',
    jobId: 'j',
    operationType: 'ProcessMiningAnalysis',
    status: 'Completed',
    startTime: '2026-01-01T00:00:00.000Z',
    phases: phasesByOperationType.ProcessMiningAnalysis.map((p, i) => phase(p.id, durations[i]!)),
    ...extra,
  }) as OperationRecord;

describe('cost estimates from history', () => {
  const ids = phasesByOperationType.ProcessMiningAnalysis.map((p) => p.id);

  it('is null with fewer than three similar runs', () => {
    expect(costEstimateFrom([analysis([1, 1, 1, 1, 1]), analysis([1, 1, 1, 1, 1])], ids, 4096, prices)).toBeNull();
  });

  it('sums each phase median billed duration at the chosen size, with the state machine transitions', () => {
    const history = [analysis([1000, 200, 100, 300, 400.2]), analysis([3000, 400, 100, 300, 400]), analysis([2000, 300, 100, 300, 400])];
    const estimate = costEstimateFrom(history, ids, 8192, prices)!;
    // medians: 2000 + 300 + 100 + 300 + 400 = 3100 ms at 8 GB = 24.8 GB-s
    expect(estimate.gbSeconds).toBeCloseTo(24.8, 9);
    expect(estimate.stateTransitions).toBe(5 + transitionsBesidesPhases);
    expect(estimate.lambdaRequests).toBe(7);
    expect(estimate.usd).toBeCloseTo(24.8 * 0.0000133334 + 7 * 0.0000002 + 10 * 0.000025, 12);
    expect(estimate.basedOnOperations).toBe(3);
    // A resumed retry runs only its remaining phases (401 ms billed for 400.2 is not the median).
    expect(costEstimateFrom(history, ids.slice(3), 8192, prices)!.gbSeconds).toBeCloseTo(((300 + 400) / 1000) * 8, 9);
  });

  it('prefers runs on the same size when there are enough of them', () => {
    const small = [1, 2, 3].map(() => analysis([1000, 1000, 1000, 1000, 1000], { phaseMemoryMb: 2048 }));
    const large = [1, 2, 3].map(() => analysis([100, 100, 100, 100, 100], { phaseMemoryMb: 10_240 }));
    expect(costEstimateFrom([...small, ...large], ids, 10_240, prices)!.gbSeconds).toBeCloseTo(0.5 * 10, 9);
    expect(costEstimateFrom([...small, ...large], ids, 2048, prices)!.gbSeconds).toBeCloseTo(5 * 2, 9);
  });
});

describe('measured cost', () => {
  it('bills each phase this execution ran, rounded up to the millisecond, at its size', () => {
    const op = analysis([1000.4, 2000, 3000, 4000, 5000], { phaseMemoryMb: 8192 });
    const usage = measuredUsageOf(op, new Date('2026-01-01T01:00:00.000Z'));
    expect(usage.gbSeconds).toBeCloseTo((15_001 / 1000) * 8, 9);
    expect(usage).toMatchObject({ lambdaRequests: 7, stateTransitions: 10 });
  });

  it('leaves out the phases a resumed retry carried over and counts a running phase until the moment given', () => {
    const op = analysis([1000, 2000, 3000, 4000, 5000], {
      status: 'Cancelled',
      retry: { originalOperationId: 'op-0', retryNumber: 1, retryMode: 'resume', resumeFromPhase: 'PerformanceAnalysis', phasesPreserved: 2 },
    });
    op.phases[3] = { ...phase('MachineLearningAnalysis', 0, 'Running'), durationMs: undefined, startTime: '2026-01-01T00:00:00.000Z' } as PhaseRecord;
    op.phases[4] = { id: 'ReportGeneration', name: 'Report Generation', status: 'Pending' };
    const usage = measuredUsageOf(op, new Date('2026-01-01T00:00:01.500Z'));
    expect(usage.gbSeconds).toBeCloseTo(((3000 + 1500) / 1000) * 4, 9);
    // Started, Choose Phase Size, its Pass state, Resume Point, two phases; stopped before any recorder state.
    expect(usage.stateTransitions).toBe(6);
  });

  it('is nothing for an operation cancelled before its execution started', () => {
    const queued = analysis([0, 0, 0, 0, 0], { status: 'Cancelled', startTime: undefined });
    queued.phases = queued.phases.map((p) => ({ id: p.id, name: p.name, status: 'Pending' }));
    expect(measuredUsageOf(queued, new Date())).toEqual({ gbSeconds: 0, lambdaRequests: 0, stateTransitions: 0 });
  });

  it('reports what a cancellation saves against the estimate, and null without one', () => {
    const running = analysis([1000, 0, 0, 0, 0], { status: 'Running', phaseMemoryMb: 8192 });
    running.phases = running.phases.map((p, i) => (i === 0 ? p : { id: p.id, name: p.name, status: 'Pending' }));
    const at = new Date('2026-01-01T00:00:05.000Z');
    expect(resourcesReleasedOf(running, prices, at)).toMatchObject({ cpuUnits: 5, memoryGB: 8, costSaved: null, costSavedUsd: null });
    const estimated = { ...running, costEstimate: { usd: 0.01, gbSeconds: 700, stateTransitions: 10, lambdaRequests: 7, basedOnOperations: 3 } };
    const spent = 8 * 0.0000133334 + 2 * 0.0000002 + 5 * 0.000025;
    expect(resourcesReleasedOf(estimated, prices, at).costSavedUsd).toBeCloseTo(0.01 - spent, 6);
    expect(resourcesAllocatedOf(estimated)).toMatchObject({ cpuUnits: 5, memoryGB: 8, estimatedCost: '$0.01000', estimatedCostUsd: 0.01 });
    expect(resourcesAllocatedOf(running)).toMatchObject({ estimatedCost: null, estimatedCostUsd: null });
  });
});
