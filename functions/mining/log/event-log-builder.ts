import { NO_VALUE, type EventLog } from './event-log.ts';
import { StringTable } from './string-table.ts';
import { parseTimestamp } from '../ingest/timestamp.ts';
import { dataQualityScore, type ValidationErrorCount, type ValidationReport } from '../ingest/validation-report.ts';

export interface TimeWindow {
  /** Epoch ms, inclusive. */
  start?: number;
  /** Epoch ms, inclusive. */
  end?: number;
}

export interface EventLogBuilderOptions {
  hasStartTimestamps: boolean;
  /** Keeps only events whose (completion) timestamp lies in the window; the filter is per event. */
  timeWindow?: TimeWindow;
  onProgress?: (recordsRead: number) => void;
}

const INITIAL_CAPACITY = 1 << 14;
const PROGRESS_EVERY = 1 << 16;

/**
 * Collects events record by record (in source order), validates them, and builds the
 * columnar {@link EventLog}. Readers hand it raw strings, '' standing for "absent".
 */
export class EventLogBuilder {
  private readonly caseIndex = new Map<string, number>();
  private readonly caseIds: string[] = [];
  /** Timestamp of the latest record of each case in source order, for inference. */
  private caseLastTimestamp: Float64Array = new Float64Array(1024);
  private lastCaseId: string | undefined;
  private lastCaseIndex = 0;

  private readonly activities = new StringTable();
  private readonly resources = new StringTable();
  private readonly lifecycles = new StringTable();

  private size = 0;
  private capacity = INITIAL_CAPACITY;
  private eventCase: Uint32Array = new Uint32Array(INITIAL_CAPACITY);
  private eventActivity: Uint32Array = new Uint32Array(INITIAL_CAPACITY);
  private eventResource: Uint32Array = new Uint32Array(INITIAL_CAPACITY);
  private eventLifecycle: Uint32Array = new Uint32Array(INITIAL_CAPACITY);
  private eventTimestamp: Float64Array = new Float64Array(INITIAL_CAPACITY);
  private eventStart: Float64Array | null;

  private readonly windowStart: number;
  private readonly windowEnd: number;
  private readonly onProgress: ((recordsRead: number) => void) | undefined;

  private recordsRead = 0;
  private missingCaseId = 0;
  private missingActivity = 0;
  private missingTimestampInferred = 0;
  private missingTimestampDropped = 0;
  private unparsableTimestampInferred = 0;
  private unparsableTimestampDropped = 0;
  private outsideTimeWindow = 0;

  constructor(options: EventLogBuilderOptions) {
    this.eventStart = options.hasStartTimestamps ? new Float64Array(INITIAL_CAPACITY) : null;
    this.windowStart = options.timeWindow?.start ?? -Infinity;
    this.windowEnd = options.timeWindow?.end ?? Infinity;
    this.onProgress = options.onProgress;
  }

  /** Adds one source record; every argument is the raw text, '' when absent. */
  add(caseId: string, activity: string, timestamp: string, startTimestamp: string, resource: string, lifecycle: string): void {
    const recordsRead = ++this.recordsRead;
    if (this.onProgress !== undefined && recordsRead % PROGRESS_EVERY === 0) this.onProgress(recordsRead);
    if (caseId === '') {
      this.missingCaseId++;
      return;
    }
    if (activity === '') {
      this.missingActivity++;
      return;
    }

    let caseIndex: number | undefined;
    if (caseId === this.lastCaseId) caseIndex = this.lastCaseIndex;
    else caseIndex = this.caseIndex.get(caseId);

    let ts = timestamp === '' ? NaN : parseTimestamp(timestamp);
    if (Number.isNaN(ts)) {
      // Inference uses the latest earlier record of the same case in source order: the
      // only neighbour a streaming reader knows for sure.
      const inferred = caseIndex === undefined ? NaN : this.caseLastTimestamp[caseIndex]!;
      const missing = timestamp === '';
      if (Number.isNaN(inferred)) {
        if (missing) this.missingTimestampDropped++;
        else this.unparsableTimestampDropped++;
        return;
      }
      if (missing) this.missingTimestampInferred++;
      else this.unparsableTimestampInferred++;
      ts = inferred;
    }

    if (caseIndex === undefined) caseIndex = this.registerCase(caseId);
    this.lastCaseId = caseId;
    this.lastCaseIndex = caseIndex;
    this.caseLastTimestamp[caseIndex] = ts;

    if (ts < this.windowStart || ts > this.windowEnd) {
      this.outsideTimeWindow++;
      return;
    }

    if (this.size === this.capacity) this.grow();
    const e = this.size++;
    this.eventCase[e] = caseIndex;
    this.eventActivity[e] = this.activities.intern(activity);
    this.eventResource[e] = resource === '' ? NO_VALUE : this.resources.intern(resource);
    this.eventLifecycle[e] = lifecycle === '' ? NO_VALUE : this.lifecycles.intern(lifecycle);
    this.eventTimestamp[e] = ts;
    if (this.eventStart !== null) this.eventStart[e] = startTimestamp === '' ? NaN : parseTimestamp(startTimestamp);
  }

  build(): { log: EventLog; validation: ValidationReport } {
    if (this.onProgress !== undefined && this.recordsRead % PROGRESS_EVERY !== 0) this.onProgress(this.recordsRead);
    const log = this.buildLog();
    const duplicates = countDuplicates(log);
    return { log, validation: this.report(duplicates) };
  }

  private registerCase(caseId: string): number {
    const index = this.caseIds.length;
    this.caseIds.push(caseId);
    this.caseIndex.set(caseId, index);
    if (index === this.caseLastTimestamp.length) {
      const grown = new Float64Array(index * 2);
      grown.set(this.caseLastTimestamp);
      this.caseLastTimestamp = grown;
    }
    return index;
  }

  private grow(): void {
    const capacity = this.capacity * 2;
    this.eventCase = growUint32(this.eventCase, capacity);
    this.eventActivity = growUint32(this.eventActivity, capacity);
    this.eventResource = growUint32(this.eventResource, capacity);
    this.eventLifecycle = growUint32(this.eventLifecycle, capacity);
    this.eventTimestamp = growFloat64(this.eventTimestamp, capacity);
    if (this.eventStart !== null) this.eventStart = growFloat64(this.eventStart, capacity);
    this.capacity = capacity;
  }

  private buildLog(): EventLog {
    const n = this.size;
    const registeredCases = this.caseIds.length;
    const eventCase = this.eventCase;
    const ts = this.eventTimestamp;

    // Cases whose every record fell outside the time window have no events: leave them out.
    const counts = new Uint32Array(registeredCases);
    for (let e = 0; e < n; e++) counts[eventCase[e]!]!++;
    const newIndex = new Uint32Array(registeredCases);
    const caseIds: string[] = [];
    for (let c = 0; c < registeredCases; c++) {
      if (counts[c]! > 0) {
        newIndex[c] = caseIds.length;
        caseIds.push(this.caseIds[c]!);
      }
    }
    const cases = caseIds.length;
    const caseOffsets = new Uint32Array(cases + 1);
    for (let c = 0; c < registeredCases; c++) {
      if (counts[c]! > 0) caseOffsets[newIndex[c]! + 1] = counts[c]!;
    }
    for (let c = 0; c < cases; c++) caseOffsets[c + 1]! += caseOffsets[c]!;

    // Counting sort by case keeps source order within each case.
    const order = new Uint32Array(n);
    const cursor = caseOffsets.slice(0, cases);
    for (let e = 0; e < n; e++) {
      const c = newIndex[eventCase[e]!]!;
      order[cursor[c]!++] = e;
    }

    for (let c = 0; c < cases; c++) {
      const from = caseOffsets[c]!;
      const to = caseOffsets[c + 1]!;
      let sorted = true;
      for (let i = from + 1; i < to; i++) {
        if (ts[order[i]!]! < ts[order[i - 1]!]!) {
          sorted = false;
          break;
        }
      }
      if (!sorted) {
        // Array.prototype.sort is stable (ES2019), so ties keep source order.
        const segment = Array.from(order.subarray(from, to));
        segment.sort((a, b) => ts[a]! - ts[b]!);
        order.set(segment, from);
      }
    }

    const start = this.eventStart;
    return {
      caseIds,
      caseOffsets,
      activities: this.activities.values,
      activityCodes: gatherUint32(this.eventActivity, order),
      timestamps: gatherFloat64(ts, order),
      startTimestamps: start === null ? null : gatherFloat64(start, order),
      resources: this.resources.values,
      resourceCodes: gatherUint32(this.eventResource, order),
      lifecycles: this.lifecycles.values,
      lifecycleCodes: gatherUint32(this.eventLifecycle, order),
    };
  }

  private report(duplicates: number): ValidationReport {
    const inferred = this.missingTimestampInferred + this.unparsableTimestampInferred;
    const errorRecords =
      this.missingCaseId +
      this.missingActivity +
      inferred +
      this.missingTimestampDropped +
      this.unparsableTimestampDropped;
    const validRecords = this.recordsRead - errorRecords;
    const errorsByType: ValidationErrorCount[] = [];
    const push = (type: ValidationErrorCount['type'], count: number, resolved: boolean) => {
      if (count > 0) errorsByType.push({ type, count, resolved });
    };
    push('MissingCaseId', this.missingCaseId, false);
    push('MissingActivity', this.missingActivity, false);
    push('MissingTimestamp', this.missingTimestampInferred, true);
    push('MissingTimestamp', this.missingTimestampDropped, false);
    push('UnparsableTimestamp', this.unparsableTimestampInferred, true);
    push('UnparsableTimestamp', this.unparsableTimestampDropped, false);
    push('DuplicateEvent', duplicates, false);
    return {
      recordsLoaded: this.recordsRead,
      validRecords,
      errorRecords,
      errorsByType,
      inferredTimestamps: inferred,
      outsideTimeWindow: this.outsideTimeWindow,
      dataQualityScore: dataQualityScore(this.recordsRead, validRecords, inferred),
    };
  }
}

/**
 * Events identical in case, activity, timestamp, resource and lifecycle to an earlier event;
 * the first of each group is not counted. Equal timestamps are adjacent after sorting, so
 * only runs of equal timestamps within a case need comparing.
 */
function countDuplicates(log: EventLog): number {
  const { caseOffsets, timestamps, activityCodes, resourceCodes, lifecycleCodes } = log;
  let duplicates = 0;
  for (let c = 0; c + 1 < caseOffsets.length; c++) {
    const to = caseOffsets[c + 1]!;
    let runStart = caseOffsets[c]!;
    while (runStart < to) {
      let runEnd = runStart + 1;
      while (runEnd < to && timestamps[runEnd] === timestamps[runStart]) runEnd++;
      if (runEnd - runStart > 32) {
        // Long runs of simultaneous events (bulk imports) would make pairwise checks quadratic.
        const seen = new Set<string>();
        for (let i = runStart; i < runEnd; i++) {
          const key = `${activityCodes[i]},${resourceCodes[i]},${lifecycleCodes[i]}`;
          if (seen.has(key)) duplicates++;
          else seen.add(key);
        }
        runStart = runEnd;
        continue;
      }
      for (let i = runStart + 1; i < runEnd; i++) {
        for (let j = runStart; j < i; j++) {
          if (
            activityCodes[i] === activityCodes[j] &&
            resourceCodes[i] === resourceCodes[j] &&
            lifecycleCodes[i] === lifecycleCodes[j]
          ) {
            duplicates++;
            break;
          }
        }
      }
      runStart = runEnd;
    }
  }
  return duplicates;
}

function growUint32(array: Uint32Array, capacity: number): Uint32Array {
  const grown = new Uint32Array(capacity);
  grown.set(array);
  return grown;
}

function growFloat64(array: Float64Array, capacity: number): Float64Array {
  const grown = new Float64Array(capacity);
  grown.set(array);
  return grown;
}

function gatherUint32(source: Uint32Array, order: Uint32Array): Uint32Array {
  const out = new Uint32Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = source[order[i]!]!;
  return out;
}

function gatherFloat64(source: Float64Array, order: Uint32Array): Float64Array {
  const out = new Float64Array(order.length);
  for (let i = 0; i < order.length; i++) out[i] = source[order[i]!]!;
  return out;
}
