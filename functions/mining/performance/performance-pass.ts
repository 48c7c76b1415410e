import { NO_VALUE, hasTimestamps, type EventLog } from '../log/event-log.ts';
import { lifecycleRoles, INSTANCE, OTHER, START, type StartSource } from './activity-instances.ts';
import { KEY_GROUPS, SPAN } from './sort-keys.ts';

/** Series of {@link PerformancePass.durations}: group `series * activities + activity`. */
export const SERVICE = 0;
export const WAITING = 1;
export const SOJOURN = 2;

/**
 * Everything the performance analysis counts, from one walk over the events with no
 * per-instance columns in between. The separate functions (activityInstances,
 * activityPerformance, resourceWorkload, rework, caseDurationStats) stay as the plain
 * reference and the fallback. On a cold run every walk costs its interpretation while TurboFan
 * compiles it, and every column its page faults (about 0.4 ms per MB touched); those five
 * walks, their columns and a native sort per activity took 0.09 s of CPU on bpic2012.
 *
 * Durations and interval bounds are written as sort keys `group * 2^40 + milliseconds` (see
 * sort-keys.ts), exact for whole milliseconds below 2^40; {@link performancePass} returns null
 * for a log where that fails and the plain functions run instead.
 */
export interface PerformancePass {
  source: StartSource;
  timed: boolean;
  /** Instances per activity. */
  occurrences: Uint32Array;
  startAfterCompletion: number;
  /**
   * Keys of the durations: service, waiting and sojourn per activity (group
   * `series * activities + a`), then each case's duration (group `3 * activities`) when the log
   * has timestamps.
   */
  durations: Float64Array;
  durationCount: number;
  /** Sum of the case durations in seconds, in case order (activityPerformance's total). */
  totalCaseSeconds: number;
  resourceEvents: Uint32Array;
  resourceCases: Uint32Array;
  resourceInstances: Uint32Array;
  serviceMeasured: Uint32Array;
  resourceFirst: Float64Array;
  resourceLast: Float64Array;
  eventsWithoutResource: number;
  /** Keys of the service intervals' starts and completions, grouped by resource, as `time - base`. */
  intervalStarts: Float64Array;
  intervalEnds: Float64Array;
  intervalCount: number;
  /** The origin of the interval keys: 2^39 ms before the first event (whole, as every timestamp is here). */
  base: number;
  casesWithRework: number;
  casesWithRepetition: Uint32Array;
  repeatCount: Uint32Array;
  selfLoops: Uint32Array;
  totalSelfLoops: number;
  totalLengthTwo: number;
  /** Length-two loops a, b, a as pair codes `a * activities + b`, in order of first occurrence. */
  loopOrder: Int32Array;
  /** Occurrences and cases of each length-two loop, by pair code. */
  loopCount: Uint32Array;
  loopCases: Uint32Array;
}

/**
 * The figures of the performance analysis in one pass, or null when they do not fit its keys:
 * a timestamp with a fraction of a millisecond, a log without timestamps (nothing to sort),
 * spans of 2^39 ms (17 years) or more, or too many activities or resources.
 */
export function performancePass(log: EventLog): PerformancePass | null {
  // Keys hold 4,096 groups; the length-two loop tables are activities^2 entries.
  if (3 * log.activities.length + 1 > KEY_GROUPS || log.resources.length > KEY_GROUPS || log.activities.length > 1024) return null;
  const { role, source } = lifecycleRoles(log);
  return walk(log, role, source, hasTimestamps(log));
}

/**
 * The one walk: per event, resourceWorkload's counts; per activity instance (the rules of
 * activityInstances), its service, waiting and sojourn times (activityPerformance's walk), its
 * resource's service interval and rework's counts; per case, its duration. Three walks
 * (resources, instances, rework) each paid an interpreted start while TurboFan compiled them:
 * one walk pays it once. (Split again into three smaller walks, or two, each compiled sooner,
 * they took 3-7 ms more cold CPU on bpic2012.) Null when a value does not fit a key.
 */
function walk(log: EventLog, role: Uint8Array, source: StartSource, timed: boolean): PerformancePass | null {
  const { caseOffsets, activityCodes, resourceCodes, lifecycleCodes, timestamps, startTimestamps } = log;
  const activities = log.activities.length;
  const resourceCount = log.resources.length;
  const total = activityCodes.length;
  const cases = Math.max(caseOffsets.length - 1, 0);
  const sourceCode = source === 'interval' ? 1 : source === 'lifecycle' ? 2 : 0;
  const hasStarts = startTimestamps !== null;
  const eventStarts = startTimestamps ?? new Float64Array(1);
  // Interval keys are offsets from 2^39 ms (17 years) before the first event, so that no first
  // walk is needed to find the earliest time; a log spanning more falls back to the plain path.
  const base = total > 0 && timed ? timestamps[0]! - SPAN / 2 : 0;

  const resourceEvents = new Uint32Array(resourceCount);
  const resourceCases = new Uint32Array(resourceCount);
  const lastCase = new Int32Array(resourceCount).fill(-1);
  const resourceFirst = new Float64Array(resourceCount).fill(Infinity);
  const resourceLast = new Float64Array(resourceCount).fill(-Infinity);
  let eventsWithoutResource = 0;

  const occurrences = new Uint32Array(activities);
  const durations = new Float64Array(Math.max(3 * total + cases, 1));
  let durationCount = 0;
  let startAfterCompletion = 0;
  let totalCaseSeconds = 0;
  const caseKey = 3 * activities * SPAN;
  const sojournKey = SOJOURN * activities * SPAN;
  const waitingKey = WAITING * activities * SPAN;
  const resourceInstances = new Uint32Array(resourceCount);
  const serviceMeasured = new Uint32Array(resourceCount);
  const boundStarts = new Float64Array(Math.max(total, 1));
  const boundEnds = new Float64Array(Math.max(total, 1));
  let intervalCount = 0;
  // Unmatched lifecycle starts per activity in the current case, first in first out: a list
  // threaded through the events (slot `total` takes the link from an empty list), valid while
  // the activity's stamp is the current case. Written without rare branches: a branch the
  // first thousands of events never took deoptimised the compiled loop.
  const pendingNext = new Int32Array(sourceCode === 2 ? total + 1 : 1);
  const pendingHead = new Int32Array(activities);
  const pendingTail = new Int32Array(activities);
  const pendingCase = new Int32Array(activities).fill(-1);

  // Stamps are case + 1, so that the zeroed arrays need no fill.
  const seenInCase = new Int32Array(activities);
  const countInCase = new Uint32Array(activities);
  const casesWithRepetition = new Uint32Array(activities);
  const repeatCount = new Uint32Array(activities);
  const selfLoops = new Uint32Array(activities);
  // Length-two loops by pair code `a * activities + b` in dense tables, the codes in order of
  // first occurrence: a Map and growing arrays here made the compiled walk much larger (rework
  // was a third of its cold cost); untouched pages of the tables cost nothing.
  const pairs = activities * activities;
  const loopCount = new Uint32Array(pairs);
  const loopCases = new Uint32Array(pairs);
  const loopLastCase = new Int32Array(pairs);
  const loopOrder = new Int32Array(pairs);
  let loopPatterns = 0;
  let casesWithRework = 0;
  let totalSelfLoops = 0;
  let totalLengthTwo = 0;
  // Whole milliseconds everywhere and spans below 2^40 ms make every key exact. Checked with as
  // few tests as will do (a test per value made the compiled walk a third larger): every
  // timestamp whole; every case, hence every sojourn, waiting and lifecycle service time within
  // it, shorter than the span; interval starts whole and close enough; bounds within the span.
  let fits = timed;

  for (let c = 0; c < cases; c++) {
    const from = caseOffsets[c]!;
    const to = caseOffsets[c + 1]!;
    if (timed) {
      const ms = to > from ? timestamps[to - 1]! - timestamps[from]! : 0;
      totalCaseSeconds += to > from ? ms / 1000 : 0;
      fits = fits && ms < SPAN;
      durations[durationCount++] = caseKey + ms;
    }
    let previous = NaN;
    let first = true;
    let before = -1;
    let beforeThat = -1;
    let repeated = false;
    for (let e = from; e < to; e++) {
      const completion = timestamps[e]!;
      fits = fits && completion === Math.floor(completion);
      const r = resourceCodes[e]!;
      if (r === NO_VALUE) eventsWithoutResource++;
      else {
        resourceEvents[r]!++;
        if (lastCase[r] !== c) {
          lastCase[r] = c;
          resourceCases[r]!++;
        }
        const eventStart = hasStarts ? eventStarts[e]! : NaN;
        // NaN compares false: a missing start leaves the completion (Math.min would give NaN).
        // biome-ignore lint/complexity/useMathMinMax: NaN must not win
        const earliest = eventStart < completion ? eventStart : completion;
        if (earliest < resourceFirst[r]!) resourceFirst[r] = earliest;
        if (completion > resourceLast[r]!) resourceLast[r] = completion;
      }

      const lifecycle = lifecycleCodes[e]!;
      const kind = lifecycle === NO_VALUE ? INSTANCE : role[lifecycle]!;
      if (kind === OTHER) continue;
      const a = activityCodes[e]!;
      const current = pendingCase[a] === c;
      const head = pendingHead[a]!;
      if (kind === START) {
        const tail = pendingTail[a]!;
        const live = current && head >= 0;
        pendingNext[live ? tail : total] = e;
        pendingHead[a] = live ? head : e;
        pendingTail[a] = e;
        pendingNext[e] = -1;
        pendingCase[a] = c;
        continue;
      }
      let start = NaN;
      if (sourceCode === 1) {
        start = eventStarts[e]!;
        fits = fits && (Number.isNaN(start) || (start === Math.floor(start) && completion - start < SPAN));
      } else if (sourceCode === 2 && current && head >= 0) {
        start = timestamps[head]!;
        pendingHead[a] = pendingNext[head]!;
      }

      occurrences[a]!++;
      // NaN compares false both ways.
      if (start > completion) startAfterCompletion++;
      const validStart = start <= completion;
      const aKey = a * SPAN;
      if (validStart) durations[durationCount++] = aKey + (completion - start);
      // A log without timestamps has NaN completions: no sojourn (nor waiting) to measure.
      if (!first && !Number.isNaN(completion)) {
        durations[durationCount++] = sojournKey + aKey + (completion - previous);
        if (validStart) durations[durationCount++] = waitingKey + aKey + (start > previous ? start - previous : 0);
      }
      previous = completion;
      first = false;

      const count = seenInCase[a] === c + 1 ? countInCase[a]! + 1 : 1;
      seenInCase[a] = c + 1;
      countInCase[a] = count;
      if (count === 2) {
        casesWithRepetition[a]!++;
        repeated = true;
      }
      if (count >= 2) repeatCount[a]!++;
      if (before === a) {
        selfLoops[a]!++;
        totalSelfLoops++;
      } else if (beforeThat === a) {
        const pair = a * activities + before;
        if (loopCount[pair] === 0) loopOrder[loopPatterns++] = pair;
        loopCount[pair]!++;
        if (loopLastCase[pair] !== c + 1) {
          loopLastCase[pair] = c + 1;
          loopCases[pair]!++;
        }
        totalLengthTwo++;
      }
      beforeThat = before;
      before = a;

      if (r === NO_VALUE) continue;
      resourceInstances[r]!++;
      if (!validStart) continue;
      serviceMeasured[r]!++;
      // A lifecycle start event may carry another resource; the work still began then.
      if (start < resourceFirst[r]!) resourceFirst[r] = start;
      const rKey = r * SPAN;
      const startOffset = start - base;
      const endOffset = completion - base;
      fits = fits && startOffset >= 0 && endOffset < SPAN;
      boundStarts[intervalCount] = rKey + startOffset;
      boundEnds[intervalCount++] = rKey + endOffset;
    }
    if (repeated) casesWithRework++;
  }
  if (!fits) return null;
  return {
    source,
    timed,
    occurrences,
    startAfterCompletion,
    durations,
    durationCount,
    totalCaseSeconds,
    resourceEvents,
    resourceCases,
    resourceInstances,
    serviceMeasured,
    resourceFirst,
    resourceLast,
    eventsWithoutResource,
    intervalStarts: boundStarts,
    intervalEnds: boundEnds,
    intervalCount,
    base,
    casesWithRework,
    casesWithRepetition,
    repeatCount,
    selfLoops,
    totalSelfLoops,
    totalLengthTwo,
    loopOrder: loopOrder.subarray(0, loopPatterns),
    loopCount,
    loopCases,
  };
}
