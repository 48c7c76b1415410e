import { caseDurations } from '../performance/case-duration-stats.ts';
import type { EventLog } from '../log/event-log.ts';

export type AnomalySeverity = 'High' | 'Medium' | 'Low';

export interface Anomaly {
  caseId: string;
  rule: 'CycleTimeOutlier' | 'RareVariant';
  reason: string;
  /** Rule-specific strength: the robust z-score for cycle times, 1 - variant share for rare variants. */
  score: number;
  severity: AnomalySeverity;
}

/** Iglewicz & Hoaglin's modified z-score cut-off for outliers. */
const outlierZ = 3.5;
/** A variant followed by fewer than this share of cases is rare. */
const rareVariantShare = 0.01;

function median(sorted: Float64Array): number {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/**
 * Cases whose duration is far from the typical one by the modified z-score
 * 0.6745 * (x - median) / MAD of x = ln(1 + duration in seconds). Median and MAD are not
 * distorted by the extremes they look for, and the logarithm fits cycle times, which are
 * heavily right-skewed (on receipt.csv a linear scale flags 44% of cases, the log scale a few).
 * Severity: High above 2x the cut-off, Medium above 1.5x, else Low.
 */
export function cycleTimeOutliers(log: EventLog): Anomaly[] {
  const seconds = caseDurations(log);
  const durations = Float64Array.from(seconds, (d) => Math.log1p(Math.max(0, d)));
  if (durations.length < 3) return [];
  const sorted = Float64Array.from(durations).sort();
  const m = median(sorted);
  const deviations = Float64Array.from(durations, (d) => Math.abs(d - m)).sort();
  const mad = median(deviations);
  if (mad === 0) return [];
  const anomalies: Anomaly[] = [];
  durations.forEach((d, i) => {
    const z = (0.6745 * (d - m)) / mad;
    if (Math.abs(z) <= outlierZ) return;
    const severity: AnomalySeverity = Math.abs(z) > 2 * outlierZ ? 'High' : Math.abs(z) > 1.5 * outlierZ ? 'Medium' : 'Low';
    anomalies.push({
      caseId: log.caseIds[i]!,
      rule: 'CycleTimeOutlier',
      reason: `duration ${seconds[i]!.toFixed(0)} s is ${z > 0 ? 'above' : 'below'} the median ${Math.expm1(m).toFixed(0)} s (modified z ${z.toFixed(2)} on a log scale)`,
      score: Math.round(Math.abs(z) * 100) / 100,
      severity,
    });
  });
  return anomalies;
}

/** Cases that follow a variant shared by under 1% of cases (Low severity; Medium when the variant is unique to the case). */
export function rareVariantCases(log: EventLog): Anomaly[] {
  const cases = log.caseIds.length;
  if (cases === 0) return [];
  const keys: string[] = new Array(cases);
  const counts = new Map<string, number>();
  for (let c = 0; c < cases; c += 1) {
    const key = log.activityCodes.subarray(log.caseOffsets[c]!, log.caseOffsets[c + 1]!).join(',');
    keys[c] = key;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  const anomalies: Anomaly[] = [];
  for (let c = 0; c < cases; c += 1) {
    const count = counts.get(keys[c]!)!;
    const share = count / cases;
    if (share >= rareVariantShare) continue;
    anomalies.push({
      caseId: log.caseIds[c]!,
      rule: 'RareVariant',
      reason: `its variant is followed by ${count} of ${cases} cases`,
      score: Math.round((1 - share) * 10_000) / 10_000,
      severity: count === 1 ? 'Medium' : 'Low',
    });
  }
  return anomalies;
}
