import { NO_VALUE, type EventLog } from '../log/event-log.ts';
import { activityInstances, type ActivityInstances } from './activity-instances.ts';

export interface ResourceWorkload {
  resource: string;
  /** Events of the log carrying this resource (every lifecycle transition counts). */
  events: number;
  /** Distinct cases with at least one such event. */
  cases: number;
  /** Activity instances whose completion event carries this resource. */
  instances: number;
  /** Instances among those with a known service time. */
  serviceMeasured: number;
  /**
   * Seconds covered by the union of the service intervals [start, completion] of those
   * instances; overlapping work counts once. Null when no service time is known.
   */
  busySeconds: number | null;
  /**
   * From the resource's first event (or the earlier start of an instance it completed) to its
   * last event, seconds; null in a log without timestamps.
   */
  activeSpanSeconds: number | null;
  /**
   * busySeconds / activeSpanSeconds; null when busy time is unknown or the span is 0. A lower
   * bound of utilisation: without shift calendars the span counts nights, weekends and
   * holidays as available time, and work without recorded start times is not counted as busy.
   */
  utilisation: number | null;
}

export interface ResourceWorkloadReport {
  /** By events descending, ties in resource-table order. */
  resources: ResourceWorkload[];
  eventsWithoutResource: number;
}

/** Workload per resource: events, cases, busy time where service time is known, and utilisation. */
export function resourceWorkload(log: EventLog, instances: ActivityInstances = activityInstances(log)): ResourceWorkloadReport {
  const { caseOffsets, resourceCodes, timestamps, startTimestamps } = log;
  const resourceCount = log.resources.length;
  const events = new Uint32Array(resourceCount);
  const cases = new Uint32Array(resourceCount);
  const lastCase = new Int32Array(resourceCount).fill(-1);
  const first = new Float64Array(resourceCount).fill(Infinity);
  const last = new Float64Array(resourceCount).fill(-Infinity);
  let eventsWithoutResource = 0;

  for (let c = 0; c + 1 < caseOffsets.length; c++) {
    for (let e = caseOffsets[c]!; e < caseOffsets[c + 1]!; e++) {
      const r = resourceCodes[e]!;
      if (r === NO_VALUE) {
        eventsWithoutResource++;
        continue;
      }
      events[r]!++;
      if (lastCase[r] !== c) {
        lastCase[r] = c;
        cases[r]!++;
      }
      const start = startTimestamps === null ? NaN : startTimestamps[e]!;
      const earliest = Number.isNaN(start) ? timestamps[e]! : Math.min(start, timestamps[e]!);
      if (earliest < first[r]!) first[r] = earliest;
      if (timestamps[e]! > last[r]!) last[r] = timestamps[e]!;
    }
  }

  const instanceCount = new Uint32Array(resourceCount);
  const serviceMeasured = new Uint32Array(resourceCount);
  for (let i = 0; i < instances.events.length; i++) {
    const r = instances.resourceCodes[i]!;
    if (r === NO_VALUE) continue;
    instanceCount[r]!++;
    const start = instances.starts[i]!;
    if (!Number.isNaN(start) && start <= instances.completions[i]!) {
      serviceMeasured[r]!++;
      // A lifecycle start event may carry another resource; the work still began then.
      if (start < first[r]!) first[r] = start;
    }
  }
  // Each resource's service intervals, starts and completions apart, grouped by resource.
  const offsets = new Uint32Array(resourceCount + 1);
  for (let r = 0; r < resourceCount; r++) offsets[r + 1] = offsets[r]! + serviceMeasured[r]!;
  const starts = new Float64Array(offsets[resourceCount]!);
  const completions = new Float64Array(offsets[resourceCount]!);
  const cursor = offsets.slice(0, resourceCount);
  for (let i = 0; i < instances.events.length; i++) {
    const r = instances.resourceCodes[i]!;
    const start = instances.starts[i]!;
    if (r === NO_VALUE || Number.isNaN(start) || !(start <= instances.completions[i]!)) continue;
    const at = cursor[r]!++;
    starts[at] = start;
    completions[at] = instances.completions[i]!;
  }
  const busy = new Float64Array(resourceCount).fill(NaN);
  for (let r = 0; r < resourceCount; r++) {
    if (serviceMeasured[r] === 0) continue;
    busy[r] = unionSeconds(starts.subarray(offsets[r]!, offsets[r + 1]!), completions.subarray(offsets[r]!, offsets[r + 1]!));
  }

  const resources: ResourceWorkload[] = [];
  for (let r = 0; r < resourceCount; r++) {
    if (events[r] === 0) continue;
    // Infinite (never narrowed) in a log without timestamps: unknown.
    const measuredSpan = (last[r]! - first[r]!) / 1000;
    const span = Number.isFinite(measuredSpan) ? measuredSpan : null;
    const busySeconds = Number.isNaN(busy[r]!) ? null : busy[r]!;
    resources.push({
      resource: log.resources[r]!,
      events: events[r]!,
      cases: cases[r]!,
      instances: instanceCount[r]!,
      serviceMeasured: serviceMeasured[r]!,
      busySeconds,
      activeSpanSeconds: span,
      utilisation: busySeconds === null || span === null || span <= 0 ? null : busySeconds / span,
    });
  }
  resources.sort((x, y) => y.events - x.events);
  return { resources, eventsWithoutResource };
}

/**
 * Length of the union of intervals [starts[i], ends[i]] (each start <= its end), in seconds;
 * sorts both arrays in place. The union's runs are where coverage is positive, so starts and
 * ends can be sorted apart (natively, no comparator: sorting interval indices by a comparator
 * was most of this report's time on bpic2012) and swept together; a start at the very moment
 * a run ends extends that run, as touching intervals merge.
 */
function unionSeconds(starts: Float64Array, ends: Float64Array): number {
  starts.sort();
  ends.sort();
  const n = starts.length;
  let total = 0;
  let open = 0;
  let runStart = 0;
  let i = 0;
  let j = 0;
  while (j < n) {
    if (i < n && starts[i]! <= ends[j]!) {
      if (open++ === 0) runStart = starts[i]!;
      i++;
    } else {
      // The last run is added as the interval sweep this replaced did, for the same rounding.
      if (--open === 0) total = j === n - 1 ? total + ends[j]! - runStart : total + (ends[j]! - runStart);
      j++;
    }
  }
  return total / 1000;
}
