import { caseVariants } from '../log/case-variants.ts';
import { hasTimestamps, type EventLog } from '../log/event-log.ts';
import type { ReplayNet } from './replay-net.ts';
import { caseFitness, tokenReplay, type CaseFitness, type ReplayOptions, type ReplayResult } from './token-replay.ts';

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
  const durations = logDurations(log);
  const cases = durations.length;
  const minVariantCases = options.minVariantCases ?? 20;
  const baselines: { members: Uint32Array; ofVariant: boolean }[] = [];
  let pooled: Uint32Array;
  if ((options.baseline ?? 'variant') === 'variant' && cases > 0) {
    const grouped = variantGroups(log, minVariantCases);
    pooled = grouped.pooled;
    for (const members of grouped.groups) baselines.push({ members, ofVariant: true });
  } else pooled = allCases(cases);
  // Small variants are judged against every case of the log, not just the other small ones.
  const globalStats = cases < 3 ? null : centreOfSorted(durations.slice().sort());

  const anomalies: Anomaly[] = [];
  const anomalyCase: number[] = [];
  const judge = (members: Uint32Array, stats: { median: number; mad: number } | null, ofVariant: boolean) => {
    if (stats === null || stats.mad === 0) return;
    for (let i = 0; i < members.length; i++) {
      const c = members[i]!;
      const z = (0.6745 * (durations[c]! - stats.median)) / stats.mad;
      if (Math.abs(z) <= outlierZ) continue;
      const severity: AnomalySeverity = Math.abs(z) > 2 * outlierZ ? 'High' : Math.abs(z) > 1.5 * outlierZ ? 'Medium' : 'Low';
      const against = ofVariant ? `of the ${members.length} cases of its variant` : `of all ${cases} cases`;
      anomalyCase.push(c);
      anomalies.push({
        caseId: log.caseIds[c]!,
        rule: 'CycleTimeOutlier',
        reason: `duration ${caseSeconds(log, c).toFixed(0)} s is ${z > 0 ? 'above' : 'below'} the median ${Math.expm1(stats.median).toFixed(0)} s ${against} (modified z ${z.toFixed(2)} on a log scale)`,
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

// The loops over all cases sit in small functions of their own, so that the JIT compiles a
// small function for each long loop rather than the whole of cycleTimeOutliers.

/** ln(1 + duration in seconds) per case, in one loop (each loop over all cases runs mostly uncompiled, ~1 ms on bpic2012). */
function logDurations(log: EventLog): Float64Array {
  const { caseOffsets, timestamps } = log;
  const durations = new Float64Array(Math.max(caseOffsets.length - 1, 0));
  for (let c = 0; c < durations.length; c++) {
    const from = caseOffsets[c]!;
    const to = caseOffsets[c + 1]!;
    durations[c] = Math.log1p(Math.max(0, to > from ? (timestamps[to - 1]! - timestamps[from]!) / 1000 : 0));
  }
  return durations;
}

/** Case c's duration in seconds, as caseDurations has it. */
function caseSeconds(log: EventLog, c: number): number {
  const from = log.caseOffsets[c]!;
  const to = log.caseOffsets[c + 1]!;
  return to > from ? (log.timestamps[to - 1]! - log.timestamps[from]!) / 1000 : 0;
}

function allCases(cases: number): Uint32Array {
  const all = new Uint32Array(cases);
  for (let c = 0; c < cases; c++) all[c] = c;
  return all;
}

/**
 * Members of each variant with at least `minCases` cases, in case order, variants in order of
 * first appearance; the cases of the others pooled. Anomalies are sorted by case at the end, so
 * the pool's order does not matter: no array per small variant (4,366 on bpic2012).
 */
function variantGroups(log: EventLog, minCases: number): { groups: Uint32Array[]; pooled: Uint32Array } {
  const { ofCase, counts } = caseVariants(log);
  const groupOf = new Int32Array(counts.length).fill(-1);
  const groups: Uint32Array[] = [];
  let pooledSize = ofCase.length;
  for (let v = 0; v < counts.length; v++) {
    if (counts[v]! < minCases) continue;
    groupOf[v] = groups.length;
    groups.push(new Uint32Array(counts[v]!));
    pooledSize -= counts[v]!;
  }
  const filled = new Uint32Array(groups.length);
  const pooled = new Uint32Array(pooledSize);
  let p = 0;
  for (let c = 0; c < ofCase.length; c++) {
    const g = groupOf[ofCase[c]!]!;
    if (g < 0) pooled[p++] = c;
    else groups[g]![filled[g]!++] = c;
  }
  return { groups, pooled };
}

/** Median and median absolute deviation of the values of `members`; null for fewer than 3. */
function robustCentre(values: Float64Array, members: Uint32Array): { median: number; mad: number } | null {
  if (members.length < 3) return null;
  return centreOfSorted(picked(values, members).sort());
}

/** Median and MAD of ascending values (at least one). */
function centreOfSorted(sorted: Float64Array): { median: number; mad: number } {
  const m = median(sorted);
  return { median: m, mad: median(distances(sorted, m).sort()) };
}

// Loops in functions of their own: with them inline, the code the JIT compiled while the first
// loop ran lacked what follows it, and robustCentre was compiled again for each variant (13
// times on bpic2012).

function picked(values: Float64Array, members: Uint32Array): Float64Array {
  const out = new Float64Array(members.length);
  for (let i = 0; i < members.length; i++) out[i] = values[members[i]!]!;
  return out;
}

function distances(values: Float64Array, from: number): Float64Array {
  const out = new Float64Array(values.length);
  for (let i = 0; i < values.length; i++) out[i] = Math.abs(values[i]! - from);
  return out;
}

/** Cases that follow a variant shared by under 1% of cases (Low severity; Medium when the variant is unique to the case). */
export function rareVariantCases(log: EventLog): Anomaly[] {
  const cases = log.caseIds.length;
  if (cases === 0) return [];
  const { ofCase, counts } = caseVariants(log);
  const anomalies: Anomaly[] = [];
  // Every case of a variant gets the same reason and score: worked out once per variant.
  const reasons: (string | undefined)[] = [];
  for (let c = 0; c < cases; c += 1) {
    const v = ofCase[c]!;
    const count = counts[v]!;
    const share = count / cases;
    if (share >= rareVariantShare) continue;
    anomalies.push({
      caseId: log.caseIds[c]!,
      rule: 'RareVariant',
      reason: (reasons[v] ??= `its variant is followed by ${count} of ${cases} cases`),
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
  const { caseIds, variantOf, byVariant } = replay;
  const anomalies: Anomaly[] = [];
  // Cases of one variant replay alike: the deviation is worked out once per variant.
  const deviations: (Omit<Anomaly, 'caseId'> | null)[] = [];
  for (let v = 0; v < byVariant.fitness.length; v++) {
    const fits = byVariant.fitness[v]! >= threshold && byVariant.activitiesNotInModel[v] === 0;
    deviations.push(fits ? null : deviationOf(caseFitness('', byVariant, v), threshold));
  }
  for (let c = 0; c < variantOf.length; c++) {
    const deviation = deviations[variantOf[c]!]!;
    if (deviation !== null)
      anomalies.push({ caseId: caseIds[c]!, rule: deviation.rule, reason: deviation.reason, score: deviation.score, severity: deviation.severity });
  }
  return anomalies;
}

function deviationOf(c: CaseFitness, threshold: number): Omit<Anomaly, 'caseId'> | null {
  const unknown = c.activitiesNotInModel > 0;
  if (c.fitness >= threshold && !unknown) return null;
  let severity: AnomalySeverity = c.fitness < 0.5 ? 'High' : c.fitness < 0.7 ? 'Medium' : 'Low';
  if (unknown && severity === 'Low') severity = 'Medium';
  const parts = [`replay fitness ${c.fitness.toFixed(3)}`];
  if (c.fitness < threshold) parts[0] += ` below ${threshold}`;
  parts.push(`${c.missing} missing of ${c.consumed} consumed, ${c.remaining} remaining of ${c.produced} produced tokens`);
  if (unknown) parts.push(`${c.activitiesNotInModel} events of activities not in the model`);
  return { rule: 'LowReplayFitness', reason: parts.join('; '), score: Math.round((1 - c.fitness) * 10_000) / 10_000, severity };
}

/** Every rule: cycle-time outliers, rare variants, and model deviations when a net is given. */
export function detectAnomalies(log: EventLog, options: { net?: ReplayNet } & ModelDeviationOptions = {}): Anomaly[] {
  const { net, ...rest } = options;
  // Without timestamps there are no cycle times to be outliers.
  return [...(hasTimestamps(log) ? cycleTimeOutliers(log) : []), ...rareVariantCases(log), ...(net === undefined ? [] : modelDeviations(log, net, rest))];
}
