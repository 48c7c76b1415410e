import type { EventLog } from '../log/event-log.ts';
import type { ActivityPerformance, ActivityPerformanceReport } from './activity-performance.ts';
import type { CaseDurationStats } from './case-duration-stats.ts';
import type { DurationSummary } from './duration-summary.ts';
import { SERVICE, SOJOURN, WAITING, type PerformancePass } from './performance-pass.ts';
import type { ResourceWorkload, ResourceWorkloadReport } from './resource-workload.ts';
import type { ActivityRework, ReworkReport } from './rework.ts';
import { SPAN, sortKeys, type SortedKeys } from './sort-keys.ts';

/*
 * The reports of activityPerformance, caseDurationStats, resourceWorkload and rework from a
 * {@link PerformancePass}, with the same figures bit for bit: sums run over the sorted values in
 * the same order, and a duration in seconds is its milliseconds / 1000 as before (sorting the
 * milliseconds sorts the seconds, the division being monotone).
 */

/** The pass's duration keys sorted, with each group's total in seconds. */
export interface SortedDurations extends SortedKeys {
  /** By group: summarizeDurations' total for the activities' series, caseDurationStats' sum for the cases. */
  totals: Float64Array;
}

/** The pass's duration keys sorted: by series and activity, then the case durations, each ascending. */
export function sortedDurations(log: EventLog, pass: PerformancePass): SortedDurations {
  const groupCount = 3 * log.activities.length + 1;
  const sorted = sortKeys(pass.durations, pass.durationCount, groupCount);
  return { keys: sorted.keys, offsets: sorted.offsets, totals: groupTotals(sorted, groupCount) };
}

export function activityReport(log: EventLog, pass: PerformancePass, sorted: SortedDurations): ActivityPerformanceReport {
  const activityCount = log.activities.length;
  const { totals } = sorted;
  const activities: ActivityPerformance[] = [];
  for (let a = 0; a < activityCount; a++) {
    if (pass.occurrences[a] === 0) continue;
    activities.push({
      activity: log.activities[a]!,
      occurrences: pass.occurrences[a]!,
      service: summary(sorted, totals, SERVICE * activityCount + a),
      waiting: summary(sorted, totals, WAITING * activityCount + a),
      sojourn: summary(sorted, totals, SOJOURN * activityCount + a),
    });
  }
  activities.sort((x, y) => y.occurrences - x.occurrences);
  return {
    startSource: pass.source,
    activities,
    totalCaseSeconds: pass.timed ? pass.totalCaseSeconds : null,
    startAfterCompletion: pass.startAfterCompletion,
  };
}

/** summarizeDurations of one group. */
function summary(sorted: SortedDurations, totals: Float64Array, group: number): DurationSummary | null {
  const from = sorted.offsets[group]!;
  const n = sorted.offsets[group + 1]! - from;
  if (n === 0) return null;
  const total = totals[group]!;
  return { count: n, totalSeconds: total, meanSeconds: total / n, medianSeconds: (sorted.keys[from + Math.floor(n / 2)]! - group * SPAN) / 1000 };
}

/**
 * The sum of each group's values in seconds, in ascending order, as summarizeDurations and
 * caseDurationStats add them (a group's first addition is to 0, as there). With the case
 * figures read off the keys, the activity and case reports took 4-7 ms of cold CPU on bpic2012
 * and now 0.5 (the loop, in sortedDurations, 1-2).
 */
function groupTotals(sorted: SortedKeys, groupCount: number): Float64Array {
  const { keys, offsets } = sorted;
  const totals = new Float64Array(groupCount);
  for (let group = 0; group < groupCount; group++) totals[group] = groupTotal(keys, offsets[group]!, offsets[group + 1]!, group * SPAN);
  return totals;
}

/**
 * One group's total, in a function of its own called per group: a loop per group inline was
 * compiled on stack and deoptimised when its first group ended, and one flat loop reading the
 * group off each key spent a scaling, a Math.floor and two reads more per key (boxed doubles
 * each while interpreted). sortedDurations on bpic2012: 12.8-14.0 to 11.3-11.8 ms (CPU, cold,
 * min of 13-15, three runs).
 */
function groupTotal(keys: Float64Array, from: number, to: number, shift: number): number {
  let total = 0;
  for (let i = from; i < to; i++) total = total + (keys[i]! - shift) / 1000;
  return total;
}

/**
 * caseDurationStats from the sorted case durations and their total, read off the keys with
 * the same arithmetic (quantile's included), without a copy in seconds or a loop of its own;
 * null without cases or timestamps.
 */
export function caseDurationReport(log: EventLog, pass: PerformancePass, sorted: SortedDurations): CaseDurationStats | null {
  if (log.caseIds.length === 0 || !pass.timed) return null;
  const group = 3 * log.activities.length;
  const from = sorted.offsets[group]!;
  const n = sorted.offsets[group + 1]! - from;
  const shift = group * SPAN;
  const seconds = (i: number): number => (sorted.keys[from + i]! - shift) / 1000;
  // quantile(seconds, 0.9) (case-duration-stats.ts), step for step.
  const position = 0.9 * (n - 1);
  const lower = Math.floor(position);
  const upper = Math.min(lower + 1, n - 1);
  const p90 = seconds(lower) + (seconds(upper) - seconds(lower)) * (position - lower);
  return { min: seconds(0), median: seconds(Math.floor(n / 2)), mean: sorted.totals[group]! / n, p90, max: seconds(n - 1) };
}

/**
 * Sorting the interval bounds with the durations, in one sort (bounds as `2 * offset`, plus one
 * for an end), measured no faster: the radix sort costs the same per key however it is called.
 */
export function workloadReport(log: EventLog, pass: PerformancePass): ResourceWorkloadReport {
  const resourceCount = log.resources.length;
  const starts = sortKeys(pass.intervalStarts, pass.intervalCount, resourceCount);
  const ends = sortKeys(pass.intervalEnds, pass.intervalCount, resourceCount);
  const busy = busyTimes(starts, ends, resourceCount, pass.base);
  const resources: ResourceWorkload[] = [];
  for (let r = 0; r < resourceCount; r++) {
    if (pass.resourceEvents[r] === 0) continue;
    const busySeconds = pass.serviceMeasured[r]! > 0 ? busy[r]! : null;
    // Infinite (never narrowed) in a log without timestamps: unknown.
    const measuredSpan = (pass.resourceLast[r]! - pass.resourceFirst[r]!) / 1000;
    const span = Number.isFinite(measuredSpan) ? measuredSpan : null;
    resources.push({
      resource: log.resources[r]!,
      events: pass.resourceEvents[r]!,
      cases: pass.resourceCases[r]!,
      instances: pass.resourceInstances[r]!,
      serviceMeasured: pass.serviceMeasured[r]!,
      busySeconds,
      activeSpanSeconds: span,
      utilisation: busySeconds === null || span === null || span <= 0 ? null : busySeconds / span,
    });
  }
  resources.sort((x, y) => y.events - x.events);
  return { resources, eventsWithoutResource: pass.eventsWithoutResource };
}

/**
 * unionSeconds (resource-workload.ts) of each resource's intervals, from the keys: keys compare
 * and subtract as the times do (whole offsets from `base`), and the last run, added to the
 * total with the times themselves there, gets them back exactly. In one call for every
 * resource, so the loop is compiled once.
 */
function busyTimes(starts: SortedKeys, ends: SortedKeys, resourceCount: number, base: number): Float64Array {
  const s = starts.keys;
  const e = ends.keys;
  const busy = new Float64Array(resourceCount);
  for (let r = 0; r < resourceCount; r++) {
    const from = starts.offsets[r]!;
    const to = starts.offsets[r + 1]!;
    const shift = r * SPAN;
    let total = 0;
    let open = 0;
    let runStart = 0;
    let i = from;
    let j = from;
    // Each key read once into a local: the reads were a boxed double each while interpreted
    // (workloadReport on bpic2012: 5.4-6.2 to 4.7-5.0 ms, CPU, cold, min of 13, in two runs of
    // three; even in the third).
    let start = i < to ? s[i]! : 0;
    let end = j < to ? e[j]! : 0;
    while (j < to) {
      if (i < to && start <= end) {
        if (open++ === 0) runStart = start;
        i++;
        if (i < to) start = s[i]!;
      } else {
        if (--open === 0) total = j === to - 1 ? total + (end - shift + base) - (runStart - shift + base) : total + (end - runStart);
        j++;
        if (j < to) end = e[j]!;
      }
    }
    busy[r] = total / 1000;
  }
  return busy;
}

export function reworkReport(log: EventLog, pass: PerformancePass): ReworkReport {
  const activities: ActivityRework[] = [];
  for (let a = 0; a < log.activities.length; a++) {
    if (pass.repeatCount[a] === 0) continue;
    activities.push({
      activity: log.activities[a]!,
      casesWithRepetition: pass.casesWithRepetition[a]!,
      repeatCount: pass.repeatCount[a]!,
      selfLoops: pass.selfLoops[a]!,
    });
  }
  activities.sort((x, y) => y.repeatCount - x.repeatCount);
  // Stable: ties keep the order of first occurrence.
  const order = Array.from(pass.loopOrder).sort((x, y) => pass.loopCount[y]! - pass.loopCount[x]!);
  const cases = log.caseIds.length;
  return {
    casesWithRework: pass.casesWithRework,
    reworkShare: cases > 0 ? pass.casesWithRework / cases : null,
    activities,
    selfLoops: pass.totalSelfLoops,
    lengthTwoLoops: pass.totalLengthTwo,
    lengthTwoLoopPatterns: order.map((pair) => ({
      activity: log.activities[Math.floor(pair / log.activities.length)]!,
      via: log.activities[pair % log.activities.length]!,
      count: pass.loopCount[pair]!,
      cases: pass.loopCases[pair]!,
    })),
  };
}
