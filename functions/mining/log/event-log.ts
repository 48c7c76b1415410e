/**
 * Columnar, in-memory event log. One row per event, stored column by column so that
 * a quarter of a million events cost a handful of typed arrays instead of as many objects.
 *
 * Events are grouped by case (cases in order of first appearance in the source) and,
 * within a case, ordered by `timestamps` ascending; ties keep source order (stable sort),
 * which PM4Py's reference figures depend on. A log without any timestamp keeps file order
 * (see {@link EventLog.untimed}).
 */
export interface EventLog {
  /** Case id of case i. */
  readonly caseIds: readonly string[];
  /** Length `caseIds.length + 1`; the events of case i are `[caseOffsets[i], caseOffsets[i + 1])`. */
  readonly caseOffsets: Uint32Array;
  /** Activity names; `activityCodes[e]` indexes this table. */
  readonly activities: readonly string[];
  readonly activityCodes: Uint32Array;
  /** Completion (or only) timestamp of each event, epoch milliseconds; never NaN once ingested. */
  readonly timestamps: Float64Array;
  /** Start timestamp per event (epoch ms, NaN when missing); null when the source has none. */
  readonly startTimestamps: Float64Array | null;
  /** Resource names; `resourceCodes[e]` is {@link NO_VALUE} when the event has none. */
  readonly resources: readonly string[];
  readonly resourceCodes: Uint32Array;
  /** Lifecycle transitions (e.g. `complete`); `lifecycleCodes[e]` is {@link NO_VALUE} when absent. */
  readonly lifecycles: readonly string[];
  readonly lifecycleCodes: Uint32Array;
  /**
   * True when the source had no timestamp at all: events are in file order within each case,
   * `timestamps` (and start timestamps) are all NaN, and nothing time-based can be computed.
   */
  readonly untimed?: boolean;
}

/** Code stored for an absent optional value (resource, lifecycle). */
export const NO_VALUE = 0xffffffff;

export function caseCount(log: EventLog): number {
  return log.caseIds.length;
}

export function eventCount(log: EventLog): number {
  return log.activityCodes.length;
}

/** Whether the log's events carry timestamps (false only for a source without any). */
export function hasTimestamps(log: EventLog): boolean {
  return log.untimed !== true;
}
