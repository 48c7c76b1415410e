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
  const measured: number[] = [];
  for (let i = 0; i < instances.events.length; i++) {
    const r = instances.resourceCodes[i]!;
    if (r === NO_VALUE) continue;
    instanceCount[r]!++;
    const start = instances.starts[i]!;
    if (!Number.isNaN(start) && start <= instances.completions[i]!) {
      measured.push(i);
      // A lifecycle start event may carry another resource; the work still began then.
      if (start < first[r]!) first[r] = start;
    }
  }
  // Sorting by resource, then start, lets one sweep merge each resource's overlapping intervals.
  measured.sort((x, y) => instances.resourceCodes[x]! - instances.resourceCodes[y]! || instances.starts[x]! - instances.starts[y]!);
  const busy = new Float64Array(resourceCount).fill(NaN);
  const serviceMeasured = new Uint32Array(resourceCount);
  let k = 0;
  while (k < measured.length) {
    const r = instances.resourceCodes[measured[k]!]!;
    let total = 0;
    let runStart = instances.starts[measured[k]!]!;
    let runEnd = instances.completions[measured[k]!]!;
    for (; k < measured.length && instances.resourceCodes[measured[k]!] === r; k++) {
      const i = measured[k]!;
      serviceMeasured[r]!++;
      if (instances.starts[i]! > runEnd) {
        total += runEnd - runStart;
        runStart = instances.starts[i]!;
        runEnd = instances.completions[i]!;
      } else if (instances.completions[i]! > runEnd) runEnd = instances.completions[i]!;
    }
    busy[r] = (total + runEnd - runStart) / 1000;
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
