import type { EventLog } from '../log/event-log.ts';
import type { ActivityPerformance, ActivityPerformanceReport } from './activity-performance.ts';
import { quantile, type CaseDurationStats } from './case-duration-stats.ts';
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

/** The pass's duration keys sorted: by series and activity, then the case durations, each ascending. */
export function sortedDurations(log: EventLog, pass: PerformancePass): SortedKeys {
  return sortKeys(pass.durations, pass.durationCount, 3 * log.activities.length + 1);
}

export function activityReport(log: EventLog, pass: PerformancePass, sorted: SortedKeys): ActivityPerformanceReport {
  const activityCount = log.activities.length;
  const totals = groupTotals(sorted, 3 * activityCount);
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
function summary(sorted: SortedKeys, totals: Float64Array, group: number): DurationSummary | null {
  const from = sorted.offsets[group]!;
  const n = sorted.offsets[group + 1]! - from;
  if (n === 0) return null;
  const total = totals[group]!;
  return { count: n, totalSeconds: total, meanSeconds: total / n, medianSeconds: (sorted.keys[from + Math.floor(n / 2)]! - group * SPAN) / 1000 };
}

/**
 * The sum of each group's values in seconds, in ascending order, as summarizeDurations adds
 * them. In one call rather than one per group, so the loop is compiled once, not on-stack and
 * then again as a function.
 */
function groupTotals(sorted: SortedKeys, groupCount: number): Float64Array {
  const { keys, offsets } = sorted;
  const totals = new Float64Array(groupCount);
  for (let g = 0; g < groupCount; g++) {
    const shift = g * SPAN;
    let total = 0;
    for (let i = offsets[g]!; i < offsets[g + 1]!; i++) total += (keys[i]! - shift) / 1000;
    totals[g] = total;
  }
  return totals;
}

/** caseDurationStats from the sorted case durations; null without cases or timestamps. */
export function caseDurationReport(log: EventLog, pass: PerformancePass, sorted: SortedKeys): CaseDurationStats | null {
  if (log.caseIds.length === 0 || !pass.timed) return null;
  const group = 3 * log.activities.length;
  const from = sorted.offsets[group]!;
  const n = sorted.offsets[group + 1]! - from;
  const shift = group * SPAN;
  const seconds = new Float64Array(n);
  let sum = 0;
  for (let i = 0; i < n; i++) sum += seconds[i] = (sorted.keys[from + i]! - shift) / 1000;
  return { min: seconds[0]!, median: seconds[Math.floor(n / 2)]!, mean: sum / n, p90: quantile(seconds, 0.9), max: seconds[n - 1]! };
}

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
    while (j < to) {
      if (i < to && s[i]! <= e[j]!) {
        if (open++ === 0) runStart = s[i]!;
        i++;
      } else {
        if (--open === 0) total = j === to - 1 ? total + (e[j]! - shift + base) - (runStart - shift + base) : total + (e[j]! - runStart);
        j++;
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
