import { caseVariants } from '../log/case-variants.ts';
import { caseDurations } from '../performance/case-duration-stats.ts';
import { hasTimestamps, type EventLog } from '../log/event-log.ts';
import type { ReplayNet } from './replay-net.ts';
import { tokenReplay, type ReplayOptions, type ReplayResult } from './token-replay.ts';

export type AnomalySeverity = 'High' | 'Medium' | 'Low';
export type AnomalyRule = 'CycleTimeOutlier' | 'RareVariant' | 'LowReplayFitness';

export interface Anomaly {
  caseId: string;
  rule: AnomalyRule;
  reason: string;
  /**
   * Rule-specific strength, higher is more anomalous: |modified z| for cycle times, 1 - variant
   * share for rare variants, 1 - replay fitness for model deviations.
   */
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

export interface CycleTimeOutlierOptions {
  /**
   * What a case's duration is compared with. `variant` (default): the cases of the same
   * variant when it has at least `minVariantCases` cases, else all cases. `log`: all cases.
   */
  baseline?: 'variant' | 'log';
  /** Default 20: fewer cases give too unstable a median and MAD. */
  minVariantCases?: number;
}

/**
 * Cases whose duration is far from the typical one by the modified z-score
 * 0.6745 * (x - median) / MAD of x = ln(1 + duration in seconds), |z| > 3.5 (Iglewicz &
 * Hoaglin). Median and MAD are not distorted by the extremes they look for, and the logarithm
 * fits cycle times, which are heavily right-skewed (on receipt.csv a linear scale flags 44% of
 * cases). Against the whole log the statistic finds almost nothing on real logs, because their
 * durations are multimodal (quick rejections next to long full runs: the MAD spans the modes;
 * 0 cases on receipt, helpdesk and bpic2012). Compared with cases of the same variant, a case
 * stands out when it took far longer (or shorter) than cases doing the same steps, which is
 * the anomaly worth reporting. A baseline whose MAD is 0 flags nothing.
 * Severity: High above 2x the cut-off, Medium above 1.5x, else Low.
 */
export function cycleTimeOutliers(log: EventLog, options: CycleTimeOutlierOptions = {}): Anomaly[] {
  const seconds = caseDurations(log);
  const cases = seconds.length;
  const durations = new Float64Array(cases);
  for (let c = 0; c < cases; c++) durations[c] = Math.log1p(Math.max(0, seconds[c]!));
  const minVariantCases = options.minVariantCases ?? 20;
  const baselines: { members: Uint32Array; ofVariant: boolean }[] = [];
  let pooled: Uint32Array;
  if ((options.baseline ?? 'variant') === 'variant' && cases > 0) {
    // Members of each variant in case order, variants in order of first appearance.
    const { ofCase, counts } = caseVariants(log);
    const groups = Array.from(counts, (count) => new Uint32Array(count));
    const filled = new Uint32Array(counts.length);
    for (let c = 0; c < cases; c++) {
      const v = ofCase[c]!;
      groups[v]![filled[v]!++] = c;
    }
    let pooledSize = 0;
    for (const members of groups) if (members.length < minVariantCases) pooledSize += members.length;
    pooled = new Uint32Array(pooledSize);
    let p = 0;
    for (const members of groups) {
      if (members.length >= minVariantCases) baselines.push({ members, ofVariant: true });
      else {
        pooled.set(members, p);
        p += members.length;
      }
    }
  } else {
    pooled = new Uint32Array(cases);
    for (let c = 0; c < cases; c++) pooled[c] = c;
  }
  // Small variants are judged against every case of the log, not just the other small ones.
  const all = new Uint32Array(cases);
  for (let c = 0; c < cases; c++) all[c] = c;
  const globalStats = robustCentre(durations, all);

  const anomalies: Anomaly[] = [];
  const anomalyCase: number[] = [];
  const judge = (members: Uint32Array, stats: { median: number; mad: number } | null, ofVariant: boolean) => {
    if (stats === null || stats.mad === 0) return;
    for (const c of members) {
      const z = (0.6745 * (durations[c]! - stats.median)) / stats.mad;
      if (Math.abs(z) <= outlierZ) continue;
      const severity: AnomalySeverity = Math.abs(z) > 2 * outlierZ ? 'High' : Math.abs(z) > 1.5 * outlierZ ? 'Medium' : 'Low';
      const against = ofVariant ? `of the ${members.length} cases of its variant` : `of all ${cases} cases`;
      anomalyCase.push(c);
      anomalies.push({
        caseId: log.caseIds[c]!,
        rule: 'CycleTimeOutlier',
        reason: `duration ${seconds[c]!.toFixed(0)} s is ${z > 0 ? 'above' : 'below'} the median ${Math.expm1(stats.median).toFixed(0)} s ${against} (modified z ${z.toFixed(2)} on a log scale)`,
        score: Math.round(Math.abs(z) * 100) / 100,
        severity,
      });
    }
  };
  for (const b of baselines) judge(b.members, robustCentre(durations, b.members), b.ofVariant);
  judge(pooled, globalStats, false);
  // Report in case order whatever the baseline (each case is judged once, so no ties).
  const order = Array.from(anomalies, (_, i) => i).sort((a, b) => anomalyCase[a]! - anomalyCase[b]!);
  return order.map((i) => anomalies[i]!);
}

/** Median and median absolute deviation of the values of `members`; null for fewer than 3. */
function robustCentre(values: Float64Array, members: Uint32Array): { median: number; mad: number } | null {
  const n = members.length;
  if (n < 3) return null;
  const sorted = new Float64Array(n);
  for (let i = 0; i < n; i++) sorted[i] = values[members[i]!]!;
  sorted.sort();
  const m = median(sorted);
  const deviations = new Float64Array(n);
  for (let i = 0; i < n; i++) deviations[i] = Math.abs(sorted[i]! - m);
  deviations.sort();
  return { median: m, mad: median(deviations) };
}

/** Cases that follow a variant shared by under 1% of cases (Low severity; Medium when the variant is unique to the case). */
export function rareVariantCases(log: EventLog): Anomaly[] {
  const cases = log.caseIds.length;
  if (cases === 0) return [];
  const { ofCase, counts } = caseVariants(log);
  const anomalies: Anomaly[] = [];
  for (let c = 0; c < cases; c += 1) {
    const count = counts[ofCase[c]!]!;
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

/** A case whose replay fitness is below this is a deviation from the model. */
export const DEFAULT_FITNESS_THRESHOLD = 0.8;

export interface ModelDeviationOptions extends ReplayOptions {
  /** Default {@link DEFAULT_FITNESS_THRESHOLD}. */
  fitnessThreshold?: number;
  /** A replay of this log on this net already computed, to avoid replaying again. */
  replay?: ReplayResult;
}

/**
 * Cases that do not fit `net` by token-based replay (see tokenReplay): fitness below the
 * threshold, or events whose activity the net does not know (replay skips those, as PM4Py
 * does, so fitness alone would not show them). Severity by fitness: High below 0.5, Medium
 * below 0.7, else Low; at least Medium when activities are outside the model.
 */
export function modelDeviations(log: EventLog, net: ReplayNet, options: ModelDeviationOptions = {}): Anomaly[] {
  const threshold = options.fitnessThreshold ?? DEFAULT_FITNESS_THRESHOLD;
  const replay = options.replay ?? tokenReplay(log, net, options);
  const anomalies: Anomaly[] = [];
  for (const c of replay.cases) {
    const unknown = c.activitiesNotInModel > 0;
    if (c.fitness >= threshold && !unknown) continue;
    let severity: AnomalySeverity = c.fitness < 0.5 ? 'High' : c.fitness < 0.7 ? 'Medium' : 'Low';
    if (unknown && severity === 'Low') severity = 'Medium';
    const parts = [`replay fitness ${c.fitness.toFixed(3)}`];
    if (c.fitness < threshold) parts[0] += ` below ${threshold}`;
    parts.push(`${c.missing} missing of ${c.consumed} consumed, ${c.remaining} remaining of ${c.produced} produced tokens`);
    if (unknown) parts.push(`${c.activitiesNotInModel} events of activities not in the model`);
    anomalies.push({
      caseId: c.caseId,
      rule: 'LowReplayFitness',
      reason: parts.join('; '),
      score: Math.round((1 - c.fitness) * 10_000) / 10_000,
      severity,
    });
  }
  return anomalies;
}

/** Every rule: cycle-time outliers, rare variants, and model deviations when a net is given. */
export function detectAnomalies(log: EventLog, options: { net?: ReplayNet } & ModelDeviationOptions = {}): Anomaly[] {
  const { net, ...rest } = options;
  // Without timestamps there are no cycle times to be outliers.
  return [...(hasTimestamps(log) ? cycleTimeOutliers(log) : []), ...rareVariantCases(log), ...(net === undefined ? [] : modelDeviations(log, net, rest))];
}
