import { measuredUsageOf } from '../estimates.ts';
import { allocationOf, defaultPhaseMemoryMb } from '../phase-sizes.ts';
import { costOf, formatUsd, type RegionPrices } from '../pricing.ts';
import type { OperationRecord } from '../records.ts';

const roundUsd = (usd: number): number => Number(usd.toPrecision(4));

/** What the phases run with, and what the run is expected to cost (null without history: see estimates.ts). */
export function resourcesAllocatedOf(op: OperationRecord) {
  const estimate = op.costEstimate;
  return {
    ...allocationOf(op.phaseMemoryMb ?? defaultPhaseMemoryMb),
    estimatedCost: estimate ? formatUsd(estimate.usd) : null,
    estimatedCostUsd: estimate ? roundUsd(estimate.usd) : null,
    ...(estimate ? { costBasis: { completedOperations: estimate.basedOnOperations, gbSeconds: Math.round(estimate.gbSeconds * 1000) / 1000, stateTransitions: estimate.stateTransitions } } : {}),
  };
}

/** The measured cost of the operation's own execution so far (results' `totalCost`). */
export function measuredCostOf(op: OperationRecord, prices: RegionPrices, until: Date) {
  const usage = measuredUsageOf(op, until);
  const usd = costOf(usage, prices);
  return { totalCost: formatUsd(usd), totalCostUsd: roundUsd(usd), billedGbSeconds: Math.round(usage.gbSeconds * 1000) / 1000, stateTransitions: usage.stateTransitions };
}

/**
 * What a cancellation frees: the size the phases held, and the cost not spent, the estimate
 * less what the execution had consumed when it was stopped (null without an estimate).
 */
export function resourcesReleasedOf(op: OperationRecord, prices: RegionPrices, at: Date) {
  const incurred = costOf(measuredUsageOf(op, at), prices);
  const saved = op.costEstimate ? Math.max(0, op.costEstimate.usd - incurred) : null;
  return {
    ...allocationOf(op.phaseMemoryMb ?? defaultPhaseMemoryMb),
    costSaved: saved === null ? null : formatUsd(saved),
    costSavedUsd: saved === null ? null : roundUsd(saved),
    costIncurred: formatUsd(incurred),
  };
}
