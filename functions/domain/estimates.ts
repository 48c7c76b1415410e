import type { DurationEstimate, OperationRecord } from './records.ts';

/** Fewer finished runs than this say too little to estimate from. */
export const minimumHistory = 3;

const quantile = (sorted: number[], q: number): number => {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
};

/**
 * Expected run time from completed runs: their median, with the interquartile range as its
 * spread. Null without enough history, because an invented figure would be worse than none.
 */
export function estimateFrom(completed: readonly OperationRecord[]): DurationEstimate | null {
  const durations = completed
    .filter((op) => op.startTime && op.endTime)
    .map((op) => Date.parse(op.endTime!) - Date.parse(op.startTime!))
    .sort((a, b) => a - b);
  if (durations.length < minimumHistory) return null;
  return {
    durationMs: Math.round(quantile(durations, 0.5)),
    lowMs: Math.round(quantile(durations, 0.25)),
    highMs: Math.round(quantile(durations, 0.75)),
    basedOnOperations: durations.length,
  };
}
