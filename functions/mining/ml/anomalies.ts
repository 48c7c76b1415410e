import { caseVariants } from '../log/case-variants.ts';
import { hasTimestamps, type EventLog } from '../log/event-log.ts';
import type { AlignmentDeviation } from '../conformance/align-log.ts';
import type { ReplayNet } from './replay-net.ts';
import { caseFitness, tokenReplay, type CaseFitness, type ReplayOptions, type ReplayResult } from './token-replay.ts';

export type AnomalySeverity = 'High' | 'Medium' | 'Low';
export type AnomalyRule = 'CycleTimeOutlier' | 'RareVariant' | 'LowReplayFitness' | 'ModelDeviation';

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
  const { durations, groups, pooled } = caseGroups(log, (options.baseline ?? 'variant') === 'variant' ? (options.minVariantCases ?? 20) : Infinity);
  const cases = durations.length;
  // Small variants are judged against every case of the log, not just the other small ones.
  const all = durations.slice().sort();

  const anomalies: Anomaly[] = [];
  const anomalyCase: number[] = [];
  // Each member's duration is one of `sorted`, its baseline's durations in order.
  const judge = (members: Uint32Array, sorted: Float64Array, ofVariant: boolean) => {
    const stats = centreOfSorted(sorted);
    if (stats.mad === 0) return;
    const { low, high } = outlierBounds(sorted, stats);
    // The baseline's part of every reason.
    const baseline = `the median ${Math.expm1(stats.median).toFixed(0)} s ${ofVariant ? `of the ${members.length} cases of its variant` : `of all ${cases} cases`}`;
    for (let i = 0; i < members.length; i++) {
      const c = members[i]!;
      const duration = durations[c]!;
      if (duration > low && duration < high) continue;
      const z = (0.6745 * (duration - stats.median)) / stats.mad;
      const severity: AnomalySeverity = Math.abs(z) > 2 * outlierZ ? 'High' : Math.abs(z) > 1.5 * outlierZ ? 'Medium' : 'Low';
      anomalyCase.push(c);
      anomalies.push({
        caseId: log.caseIds[c]!,
        rule: 'CycleTimeOutlier',
        reason: `duration ${caseSeconds(log, c).toFixed(0)} s is ${z > 0 ? 'above' : 'below'} ${baseline} (modified z ${z.toFixed(2)} on a log scale)`,
        score: Math.round(Math.abs(z) * 100) / 100,
        severity,
      });
    }
  };
  // A baseline of fewer than 3 cases has no median and MAD to speak of.
  for (const group of groups) if (group.members.length >= 3) judge(group.members, group.values.sort(), true);
  if (cases >= 3) judge(pooled, all, false);
  // Report in case order whatever the baseline (each case is judged once, so no ties).
  const order = Array.from(anomalies, (_, i) => i).sort((a, b) => anomalyCase[a]! - anomalyCase[b]!);
  return order.map((i) => anomalies[i]!);
}

// The loops over all cases sit in small functions of their own, so that the JIT compiles a
// small function for each long loop rather than the whole of cycleTimeOutliers.

/** Case c's duration in seconds, as caseDurations has it. */
function caseSeconds(log: EventLog, c: number): number {
  const from = log.caseOffsets[c]!;
  const to = log.caseOffsets[c + 1]!;
  return to > from ? (log.timestamps[to - 1]! - log.timestamps[from]!) / 1000 : 0;
}

interface VariantGroup {
  /** The cases of one variant, in case order. */
  members: Uint32Array;
  /** Their log durations, in the same order until sorted in place for the median. */
  values: Float64Array;
}

/**
 * ln(1 + duration in seconds) per case; the members of each variant with at least `minCases`
 * cases, with their durations, variants in order of first appearance; the cases of the others
 * pooled (every case when `minCases` is Infinity). Anomalies are sorted by case at the end, so
 * the pool's order does not matter: no array per small variant (4,366 on bpic2012). One loop
 * over the cases for all of it: each loop over all cases runs mostly uncompiled (~1 ms on
 * bpic2012), and the durations, the grouping and each group's values were three. With this,
 * the MAD by middleDistance and the judging by outlierBounds, cycleTimeOutliers on bpic2012 went
 * from 11.8-12.9 to 8.2-10.3 ms (CPU, cold, min of 10, three runs on a busy machine); right
 * after the token replay, as analyseBehaviour runs it, from 11.0 to 7.5 ms (min of 24).
 */
function caseGroups(log: EventLog, minCases: number): { durations: Float64Array; groups: VariantGroup[]; pooled: Uint32Array } {
  const { caseOffsets, timestamps } = log;
  const cases = Math.max(caseOffsets.length - 1, 0);
  const grouped = Number.isFinite(minCases) && cases > 0;
  const { ofCase, counts } = grouped ? caseVariants(log) : { ofCase: new Uint32Array(cases), counts: new Uint32Array(1) };
  const groupOf = new Int32Array(counts.length).fill(-1);
  const groups: VariantGroup[] = [];
  let pooledSize = cases;
  for (let v = 0; grouped && v < counts.length; v++) {
    if (counts[v]! < minCases) continue;
    groupOf[v] = groups.length;
    groups.push({ members: new Uint32Array(counts[v]!), values: new Float64Array(counts[v]!) });
    pooledSize -= counts[v]!;
  }
  const durations = new Float64Array(cases);
  const filled = new Uint32Array(groups.length);
  const pooled = new Uint32Array(pooledSize);
  let p = 0;
  for (let c = 0; c < cases; c++) {
    const from = caseOffsets[c]!;
    const to = caseOffsets[c + 1]!;
    const duration = Math.log1p(Math.max(0, to > from ? (timestamps[to - 1]! - timestamps[from]!) / 1000 : 0));
    durations[c] = duration;
    const g = groupOf[ofCase[c]!]!;
    if (g < 0) pooled[p++] = c;
    else {
      const at = filled[g]!++;
      groups[g]!.members[at] = c;
      groups[g]!.values[at] = duration;
    }
  }
  return { durations, groups, pooled };
}

/**
 * Median and MAD of ascending values (at least one). The distances from the median are two
 * ascending runs, down from the median and up from it: their middle is found by merging the
 * runs up to it, instead of sorting a copy of the distances (an array, a loop and a sort per
 * variant and for the log). The same distances are compared and averaged as median() of them
 * sorted would, so the MAD is the same to the bit (anomaly-fast-paths.test.ts).
 */
function centreOfSorted(sorted: Float64Array): { median: number; mad: number } {
  const m = median(sorted);
  return { median: m, mad: middleDistance(sorted, m) };
}

// The loops over a baseline's values are functions of their own: inline, the code the JIT
// compiled while the first loop ran lacked what follows it, and was compiled again for each
// variant (13 times on bpic2012).

/**
 * The outliers among ascending values by their median and MAD (MAD > 0): those up to `low`
 * and from `high` on (-Infinity and Infinity when there are none). The modified z grows with
 * the value (each step of its formula is monotone, rounding included), so the values beyond
 * the cut-off are the lowest and the highest, found by the z of those alone; a case is then
 * judged by comparing its duration with the two bounds instead of working out its z.
 */
export function outlierBounds(sorted: Float64Array, stats: { median: number; mad: number }): { low: number; high: number } {
  let low = -Infinity;
  for (let i = 0; i < sorted.length && (0.6745 * (sorted[i]! - stats.median)) / stats.mad < -outlierZ; i++) low = sorted[i]!;
  let high = Infinity;
  for (let i = sorted.length - 1; i >= 0 && (0.6745 * (sorted[i]! - stats.median)) / stats.mad > outlierZ; i--) high = sorted[i]!;
  return { low, high };
}

/** The median of |sorted[i] - m| over i, for ascending values and their median m. */
export function middleDistance(sorted: Float64Array, m: number): number {
  const n = sorted.length;
  // The first value not below m starts the upward run; the downward one starts before it.
  let low = 0;
  let high = n;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if (sorted[middle]! < m) low = middle + 1;
    else high = middle;
  }
  let down = low - 1;
  let up = low;
  let previous = 0;
  let distance = 0;
  // Each side's next distance worked out once, when that side moves (two reads, subtractions
  // and Math.abs calls per rank were boxed doubles each while interpreted). Values below m
  // give m - value, exactly Math.abs(value - m) (rounding is symmetric); the others value - m.
  let below = down >= 0 ? m - sorted[down]! : Infinity;
  let above = up < n ? sorted[up]! - m : Infinity;
  for (let rank = 0; rank <= n >> 1; rank++) {
    previous = distance;
    if (below <= above) {
      distance = below;
      down--;
      below = down >= 0 ? m - sorted[down]! : Infinity;
    } else {
      distance = above;
      up++;
      above = up < n ? sorted[up]! - m : Infinity;
    }
  }
  // Ranks n/2 - 1 and n/2 for an even count, as median() averages them.
  return n % 2 ? distance : (previous + distance) / 2;
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
  return (hasTimestamps(log) ? cycleTimeOutliers(log) : []).concat(rareVariantCases(log), net === undefined ? [] : modelDeviations(log, net, rest));
}

/** A variant's optimal alignment on a model, named by its first case (the checkpoint the discovery phase stores). */
export interface AlignedVariant {
  variant: number;
  firstCaseId: string;
  fitness: number;
  deviations: AlignmentDeviation[];
}

/** Deviations named in a reason at most; the others are counted. */
const deviationsNamed = 5;

const describeDeviation = (d: AlignmentDeviation): string =>
  d.kind === 'log'
    ? `log move '${d.activity}' at event ${d.event}`
    : `model move '${d.activity}' ${d.event === 0 ? 'before the first event' : `after event ${d.event}`}`;

/**
 * One `ModelDeviation` per case of each deviating variant, from its optimal alignment on the
 * Inductive net: the reason names the moves (a log move is an event the model cannot take there,
 * a model move an activity the model needed that the case skipped), the score is 1 - alignment
 * fitness, the severity as for token replay (High below 0.5, Medium below 0.7, else Low).
 * A variant whose first case is not the one named (a different log) is left out.
 */
export function alignmentDeviations(log: EventLog, aligned: readonly AlignedVariant[]): Anomaly[] {
  const { ofCase, firstCase } = caseVariants(log);
  const byVariant = new Map<number, Omit<Anomaly, 'caseId'>>();
  for (const a of aligned) {
    if (a.variant >= firstCase.length || log.caseIds[firstCase[a.variant]!] !== a.firstCaseId || a.deviations.length === 0) continue;
    const named = a.deviations.slice(0, deviationsNamed).map(describeDeviation);
    if (a.deviations.length > deviationsNamed) named.push(`${a.deviations.length - deviationsNamed} more`);
    byVariant.set(a.variant, {
      rule: 'ModelDeviation',
      reason: `alignment fitness ${a.fitness.toFixed(3)} on the Inductive Miner's net: ${named.join('; ')}`,
      score: Math.round((1 - a.fitness) * 10_000) / 10_000,
      severity: a.fitness < 0.5 ? 'High' : a.fitness < 0.7 ? 'Medium' : 'Low',
    });
  }
  const anomalies: Anomaly[] = [];
  if (byVariant.size === 0) return anomalies;
  for (let c = 0; c < ofCase.length; c++) {
    const deviation = byVariant.get(ofCase[c]!);
    if (deviation !== undefined) anomalies.push({ caseId: log.caseIds[c]!, ...deviation });
  }
  return anomalies;
}
