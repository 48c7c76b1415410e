import type { EventLog } from '../log/event-log.ts';

/** Case durations in seconds. */
export interface CaseDurationStats {
  min: number;
  /** Upper of the two middle values for an even number of cases, as PM4Py reports it. */
  median: number;
  mean: number;
  /** 90th percentile by linear interpolation between closest ranks (numpy's default). */
  p90: number;
  max: number;
}

/**
 * Duration of each case in seconds: last minus first (completion) timestamp. Start
 * timestamps are not used, matching PM4Py's default case duration.
 */
export function caseDurations(log: EventLog): Float64Array {
  const { caseOffsets, timestamps } = log;
  const cases = caseOffsets.length - 1;
  const durations = new Float64Array(Math.max(cases, 0));
  for (let c = 0; c < cases; c++) {
    const from = caseOffsets[c]!;
    const to = caseOffsets[c + 1]!;
    durations[c] = to > from ? (timestamps[to - 1]! - timestamps[from]!) / 1000 : 0;
  }
  return durations;
}

/** Summary statistics of case durations; all zero for a log without cases. */
export function caseDurationStats(log: EventLog): CaseDurationStats {
  const sorted = caseDurations(log).sort();
  const n = sorted.length;
  if (n === 0) return { min: 0, median: 0, mean: 0, p90: 0, max: 0 };
  let sum = 0;
  for (let i = 0; i < n; i++) sum += sorted[i]!;
  return {
    min: sorted[0]!,
    median: sorted[Math.floor(n / 2)]!,
    mean: sum / n,
    p90: quantile(sorted, 0.9),
    max: sorted[n - 1]!,
  };
}

/** numpy's default ("linear") quantile of an ascending, non-empty array. */
export function quantile(sorted: Float64Array, q: number): number {
  const position = q * (sorted.length - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, sorted.length - 1);
  const fraction = position - lower;
  return sorted[lower]! + (sorted[upper]! - sorted[lower]!) * fraction;
}
