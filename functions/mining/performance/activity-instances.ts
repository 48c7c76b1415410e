import { NO_VALUE, type EventLog } from '../log/event-log.ts';

/**
 * Where an activity instance's start time comes from:
 * - `interval`: the log's `startTimestamps` column (one row per instance, e.g. interval_event_log.csv);
 * - `lifecycle`: `lifecycle:transition` start events paired with complete events (e.g. bpic2012);
 * - `none`: no start information, so only completion times are known.
 */
export type StartSource = 'interval' | 'lifecycle' | 'none';

/**
 * One row per activity instance (an activity's execution in a case), ordered like the log:
 * by completion time within a case. Columnar like {@link EventLog}.
 */
export interface ActivityInstances {
  source: StartSource;
  /** Length `cases + 1`; the instances of case c are `[caseOffsets[c], caseOffsets[c + 1])`. */
  caseOffsets: Uint32Array;
  /** Index of the completion event in the log (its resource, activity and timestamp). */
  events: Uint32Array;
  activityCodes: Uint32Array;
  resourceCodes: Uint32Array;
  /** Start, epoch ms; NaN when unknown (no start information, or no start event paired). */
  starts: Float64Array;
  /** Completion, epoch ms. */
  completions: Float64Array;
}

/**
 * Groups events into activity instances.
 *
 * Which events are instances: when the log has any `complete` lifecycle transition
 * (case-insensitive), the events whose transition is `complete` or absent; the others
 * (`start`, `schedule`, `suspend`, ...) only mark moments of an instance. Otherwise every
 * event is an instance, so logs with custom or missing lifecycle values lose nothing.
 *
 * Start times: from `startTimestamps` when the log has at least one; else, when it has both
 * `start` and `complete` transitions, each complete event is paired with the earliest
 * unmatched start event of the same activity in the same case that precedes it (first in,
 * first out), and complete events without one have an unknown start.
 */
export function activityInstances(log: EventLog): ActivityInstances {
  const { caseOffsets, activityCodes, resourceCodes, lifecycleCodes, timestamps, startTimestamps } = log;
  const completeCodes = lifecycleCodesNamed(log, 'complete');
  const startCodes = lifecycleCodesNamed(log, 'start');
  const hasIntervals = startTimestamps !== null && startTimestamps.some((t) => !Number.isNaN(t));
  const source: StartSource = hasIntervals
    ? 'interval'
    : startCodes.size > 0 && completeCodes.size > 0
      ? 'lifecycle'
      : 'none';

  const filterByLifecycle = completeCodes.size > 0;
  const isInstance = (e: number): boolean => {
    if (!filterByLifecycle) return true;
    const code = lifecycleCodes[e]!;
    return code === NO_VALUE || completeCodes.has(code);
  };

  const total = activityCodes.length;
  let count = total;
  if (filterByLifecycle) {
    count = 0;
    for (let e = 0; e < total; e++) if (isInstance(e)) count++;
  }

  const cases = caseOffsets.length - 1;
  const offsets = new Uint32Array(Math.max(cases, 0) + 1);
  const events = new Uint32Array(count);
  const starts = new Float64Array(count).fill(NaN);
  // Unmatched start times per activity in the current case, consumed first in, first out.
  const pending = new Map<number, { times: number[]; head: number }>();
  let i = 0;
  for (let c = 0; c < cases; c++) {
    offsets[c] = i;
    pending.clear();
    for (let e = caseOffsets[c]!; e < caseOffsets[c + 1]!; e++) {
      if (source === 'lifecycle' && startCodes.has(lifecycleCodes[e]!)) {
        const queue = pending.get(activityCodes[e]!);
        if (queue === undefined) pending.set(activityCodes[e]!, { times: [timestamps[e]!], head: 0 });
        else queue.times.push(timestamps[e]!);
        continue;
      }
      if (!isInstance(e)) continue;
      events[i] = e;
      if (source === 'interval') starts[i] = startTimestamps![e]!;
      else if (source === 'lifecycle') {
        const queue = pending.get(activityCodes[e]!);
        if (queue !== undefined && queue.head < queue.times.length) starts[i] = queue.times[queue.head++]!;
      }
      i++;
    }
  }
  offsets[Math.max(cases, 0)] = i;

  // Plain loops: TypedArray map/from with a callback per element cost ~100 ms on 2M events.
  const instanceActivities = new Uint32Array(count);
  const instanceResources = new Uint32Array(count);
  const completions = new Float64Array(count);
  for (let k = 0; k < count; k++) {
    const e = events[k]!;
    instanceActivities[k] = activityCodes[e]!;
    instanceResources[k] = resourceCodes[e]!;
    completions[k] = timestamps[e]!;
  }
  return {
    source,
    caseOffsets: offsets,
    events,
    activityCodes: instanceActivities,
    resourceCodes: instanceResources,
    starts,
    completions,
  };
}

/** Lifecycle roles: neither instance nor start, a start marker paired with a later instance, an instance. */
export const OTHER = 0;
export const START = 1;
export const INSTANCE = 2;

/**
 * The source of start times and the role of each lifecycle code, by the rules of
 * {@link activityInstances}, for walks that look a role up once per event (performance-pass.ts)
 * instead of Set lookups and a closure.
 */
export function lifecycleRoles(log: EventLog): { role: Uint8Array; source: StartSource } {
  const completeCodes = lifecycleCodesNamed(log, 'complete');
  const startCodes = lifecycleCodesNamed(log, 'start');
  const { startTimestamps } = log;
  let hasIntervals = false;
  if (startTimestamps !== null) for (let e = 0; e < startTimestamps.length && !hasIntervals; e++) hasIntervals = !Number.isNaN(startTimestamps[e]!);
  const source: StartSource = hasIntervals ? 'interval' : startCodes.size > 0 && completeCodes.size > 0 ? 'lifecycle' : 'none';
  const filterByLifecycle = completeCodes.size > 0;
  const role = new Uint8Array(log.lifecycles.length);
  for (let code = 0; code < role.length; code++) {
    role[code] = !filterByLifecycle || completeCodes.has(code) ? INSTANCE : source === 'lifecycle' && startCodes.has(code) ? START : OTHER;
  }
  return { role, source };
}

/** Codes of the lifecycle values equal to `name`, ignoring case and surrounding blanks. */
function lifecycleCodesNamed(log: EventLog, name: string): Set<number> {
  const named = new Set<number>();
  log.lifecycles.forEach((value, code) => {
    if (value.trim().toLowerCase() === name) named.add(code);
  });
  return named;
}
