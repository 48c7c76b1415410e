import { caseVariants } from '../../log/case-variants.ts';
import type { EventLog } from '../../log/event-log.ts';
import { compareCodePoints } from '../code-point-order.ts';

/**
 * A variant log (PM4Py's "UVCL"): distinct traces with their number of cases, in insertion
 * order. A trace is a string with one UTF-16 unit per event holding the activity's code, so
 * that projecting, slicing, hashing and comparing traces are string operations.
 *
 * Activity codes are ranks in Python's string order of the activity names, so that sorting
 * codes sorts names the way PM4Py's `sorted(alphabet)` does.
 */
export class VariantLog {
  readonly traces: string[] = [];
  readonly counts: number[] = [];
  readonly #index = new Map<string, number>();

  get size(): number {
    return this.traces.length;
  }

  /** Adds cases (Python's `Counter.update`). */
  add(trace: string, count: number): void {
    const at = this.#index.get(trace);
    if (at === undefined) {
      this.#index.set(trace, this.traces.length);
      this.traces.push(trace);
      this.counts.push(count);
    } else this.counts[at]! += count;
  }

  /**
   * Replaces the count of a trace (Python's `counter[trace] = count`). PM4Py's concurrency
   * projection assigns rather than adds, so a projected trace keeps the count of the last
   * trace projecting onto it; IMf's frequencies depend on it.
   */
  set(trace: string, count: number): void {
    const at = this.#index.get(trace);
    if (at === undefined) {
      this.#index.set(trace, this.traces.length);
      this.traces.push(trace);
      this.counts.push(count);
    } else this.counts[at] = count;
  }

  has(trace: string): boolean {
    return this.#index.has(trace);
  }

  totalCases(): number {
    let sum = 0;
    for (const c of this.counts) sum += c;
    return sum;
  }

  /** The same log without the empty trace. */
  withoutEmptyTrace(): VariantLog {
    const copy = new VariantLog();
    this.traces.forEach((t, i) => {
      if (t.length > 0) copy.add(t, this.counts[i]!);
    });
    return copy;
  }
}

/** Activity names by code, and the variant log over those codes. */
export interface VariantLogOfEvents {
  names: string[];
  log: VariantLog;
}

export class TooManyActivitiesError extends Error {
  override readonly name = 'TooManyActivitiesError';
}

/** One UTF-16 unit per activity: room for 65,536 activities, far beyond any process tree a person could read. */
export const MAX_ACTIVITIES = 0x10000;

/**
 * The log's variants as PM4Py's Inductive Miner reads a dataframe: cases sorted by case id
 * (as strings), events in the log's order within each case, variants in order of first
 * appearance. The order only matters where PM4Py's projections depend on it (IMf).
 */
export function variantLogOf(events: EventLog): VariantLogOfEvents {
  const { activities, caseIds, caseOffsets, activityCodes } = events;
  if (activities.length > MAX_ACTIVITIES) throw new TooManyActivitiesError(`${activities.length} activities: at most ${MAX_ACTIVITIES} are supported`);
  const byName = activities.map((_, code) => code).sort((a, b) => compareCodePoints(activities[a]!, activities[b]!));
  const rank = new Uint16Array(activities.length);
  byName.forEach((code, r) => (rank[code] = r));
  const names = byName.map((code) => activities[code]!);

  const grouped = caseVariants(events);
  const cases = caseIds.map((_, c) => c).sort((a, b) => compareCaseIds(caseIds[a]!, caseIds[b]!));
  const log = new VariantLog();
  const seen = new Uint8Array(grouped.counts.length);
  const buffer = new Uint16Array(1024);
  for (const c of cases) {
    const v = grouped.ofCase[c]!;
    if (seen[v] === 1) continue;
    seen[v] = 1;
    const first = grouped.firstCase[v]!;
    log.add(traceString(activityCodes, caseOffsets[first]!, caseOffsets[first + 1]!, rank, buffer), grouped.counts[v]!);
  }
  return { names, log };
}

function traceString(codes: Uint32Array, from: number, to: number, rank: Uint16Array, buffer: Uint16Array): string {
  let out = '';
  for (let start = from; start < to; start += buffer.length) {
    const end = Math.min(to, start + buffer.length);
    for (let e = start; e < end; e++) buffer[e - start] = rank[codes[e]!]!;
    out += String.fromCharCode.apply(null, buffer.subarray(0, end - start) as unknown as number[]);
  }
  return out;
}

const SURROGATE = /[\ud800-\udfff]/;

/** Python's string order; JavaScript's `<` agrees with it unless a surrogate is involved. */
function compareCaseIds(a: string, b: string): number {
  if (SURROGATE.test(a) || SURROGATE.test(b)) return compareCodePoints(a, b);
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Builds a trace string from codes. */
export function traceOf(codes: ArrayLike<number>): string {
  let out = '';
  for (let i = 0; i < codes.length; i += 4096) {
    out += String.fromCharCode.apply(null, Array.prototype.slice.call(codes, i, i + 4096) as number[]);
  }
  return out;
}

/**
 * Collects one trace's projected events and returns them as a flat string: cheaper than
 * `+=` per event, whose rope strings V8 must flatten before hashing them as map keys.
 */
export class TraceBuffer {
  #codes = new Uint16Array(256);
  #length = 0;

  push(code: number): void {
    if (this.#length === this.#codes.length) {
      const grown = new Uint16Array(this.#codes.length * 2);
      grown.set(this.#codes);
      this.#codes = grown;
    }
    this.#codes[this.#length++] = code;
  }

  get length(): number {
    return this.#length;
  }

  /** The collected trace; the buffer is empty afterwards. */
  take(): string {
    const n = this.#length;
    this.#length = 0;
    if (n === 0) return '';
    if (n <= 4096) return String.fromCharCode.apply(null, this.#codes.subarray(0, n) as unknown as number[]);
    return traceOf(this.#codes.subarray(0, n));
  }
}
