import { caseVariants } from '../../log/case-variants.ts';
import type { EventLog } from '../../log/event-log.ts';
import { logCounts, type LogCounts } from '../../log/log-counts.ts';
import { compareCodePoints } from '../code-point-order.ts';
import type { InductiveDfg } from './inductive-dfg.ts';

/** Events a projection makes room for before it knows how many it gets (see `projectionOf`). */
const PRESIZED_EVENTS = 1 << 20;
/** Traces a log's hash table makes room for before it knows how many it gets. */
const PRESIZED_TRACES = 1 << 13;

/** Alphabets up to this size have the whole log's DFG counted while its variants are copied (S² cells). */
const COUNTED_ALPHABET = 64;

/**
 * A variant log (PM4Py's "UVCL"): distinct traces with their number of cases, in insertion
 * order. Traces are integer-coded in one typed array: trace t is `codes[starts[t] .. ends[t])`.
 * A projection that cuts traces into blocks (sequence, tau loop) shares its parent's `codes`
 * and records each block's range (see {@link viewOf}); the others write a trace's events
 * after `reserve` and close it with a commit. Either way a commit finds an equal trace by a
 * hash of its codes (strings per trace as map keys were a third of IM's time on bpic2012).
 *
 * A log's DFG comes with it where it is known without reading its events: counted while the
 * log's variants are copied (`dfg`), or derived by the projection that built it (`knownDfg`).
 *
 * Activity codes are ranks in Python's string order of the activity names, so that sorting
 * codes sorts names the way PM4Py's `sorted(alphabet)` does.
 */
export class VariantLog {
  /** Events of the traces; a log may share it with the log it was projected from. */
  codes: Uint16Array;
  /** Trace t is `codes[starts[t] .. ends[t])`; only `[0, size)` is meaningful. */
  starts: Int32Array;
  ends: Int32Array;
  /** Cases of each trace; only `[0, size)` is meaningful. */
  counts: Float64Array;
  size = 0;
  /** Index of the empty trace, -1 when there is none. */
  emptyTrace = -1;
  /**
   * The directly-follows counts by activity code (`edges[a * alphabetSize + b]`, start and end
   * counts) of a log built by {@link variantLogOf}; null otherwise.
   */
  dfg: { edges: Float64Array; start: Float64Array; end: Float64Array } | null = null;
  /**
   * The log's DFG once known: derived by the projection that built it from its parent's (see
   * `dfgOfBlocks`), or counted by the miner, which reads it more than once (IMf).
   */
  knownDfg: InductiveDfg | null = null;
  /**
   * Events of the distinct traces; in a log that writes its own events, also where the next
   * trace's events start (`codes[end ..]`).
   */
  end = 0;
  // Open-addressing table of trace indexes by hash; built on the first commit that needs it.
  #hashes: Int32Array | null = null;
  #slots: Int32Array | null = null;
  // A log sharing another's events (views, withoutEmptyTrace) copies its own before it writes any.
  #shared = false;

  /**
   * `alphabetSize`: activity codes are below it (0 when unknown); room for `capacity` events
   * and `traces` traces before the arrays grow.
   */
  constructor(
    readonly alphabetSize = 0,
    capacity = 64,
    traces = 16,
  ) {
    this.codes = new Uint16Array(Math.max(capacity, 16));
    this.starts = new Int32Array(Math.max(traces, 16));
    this.ends = new Int32Array(Math.max(traces, 16));
    this.counts = new Float64Array(Math.max(traces, 16));
  }

  /**
   * A log for a projection of `parent` that writes its own events, with room for as many
   * events (up to a bound) and traces as it has: growing from the default size, the copies and
   * the hash table's rehashes were a tenth of a cold IM on bpic2012. Pages never written cost
   * no memory; the bound keeps what each sub-log reserves at 2 MB on large logs.
   */
  static projectionOf(parent: VariantLog, alphabetSize: number): VariantLog {
    return new VariantLog(alphabetSize, Math.min(parent.end, PRESIZED_EVENTS), parent.size);
  }

  /**
   * A log for a projection of `parent` whose traces are blocks of the parent's traces
   * ({@link commitRange}): it shares the parent's events instead of copying them (the copy
   * loop was 4-5 ms of a cold IM's CPU profile on bpic2012, and each sub-log's array an
   * allocation of up to its parent's size).
   */
  static viewOf(parent: VariantLog, alphabetSize: number): VariantLog {
    const view = new VariantLog(alphabetSize, 0, parent.size);
    view.codes = parent.codes;
    view.#shared = true;
    return view;
  }

  /**
   * Makes room for `n` events of the next trace and returns where they go (`end`). Writers
   * store events straight into `codes` (re-read after this call, which may replace it) and
   * close the trace with a commit at its end index: no call per event.
   */
  reserve(n: number): number {
    if (this.#shared) this.#unshare(n);
    else if (this.end + n > this.codes.length) {
      const codes = new Uint16Array(Math.max(this.end + n, this.codes.length * 2));
      codes.set(this.codes.subarray(0, this.end));
      this.codes = codes;
    }
    return this.end;
  }

  /**
   * Closes the next trace, `codes[end .. to)`, adding `count` cases (Python's `Counter.update`),
   * or with `replace` setting its count (`counter[trace] = count`; see {@link commitSet}).
   */
  commit(to: number, count: number, replace = false): void {
    this.commitRange(this.end, to, count, replace);
  }

  /**
   * Adds `count` cases of the trace `codes[from .. to)`: events this log wrote (`from` is
   * `end`) or a block of the events it shares. Hashing, lookup and appending in one method: a
   * commit per projected trace was, through its helpers, a quarter of a cold IM on bpic2012.
   * With `distinct` the caller knows the trace is new (see {@link commitDistinct}).
   */
  commitRange(from: number, to: number, count: number, replace = false, distinct = false): void {
    if (distinct) {
      this.commitDistinct(from, to, count);
      return;
    }
    if (this.#slots === null) this.#index();
    const codes = this.codes;
    const n = to - from;
    // FNV-1a with the length mixed in, then MurmurHash3's finalizer: FNV's low bits depend
    // only on the codes' low bits, and the table indexes by the low bits (without it, traces
    // over a few small codes crowded into few slots; rehashing alone was 9% of a cold IM).
    let hash = (HASH_SEED ^ n) | 0;
    for (let i = from; i < to; i++) hash = Math.imul(hash ^ codes[i]!, HASH_PRIME);
    hash = mix(hash);
    const { starts, ends } = this;
    const slots = this.#slots!;
    const mask = slots.length - 1;
    let slot = hash & mask;
    for (let t = slots[slot]!; t >= 0; t = slots[slot]!) {
      const start = starts[t]!;
      if (this.#hashes![t] === hash && ends[t]! - start === n) {
        let i = 0;
        while (i < n && codes[start + i] === codes[from + i]) i++;
        if (i === n) {
          if (replace) this.counts[t] = count;
          else this.counts[t]! += count;
          return;
        }
      }
      slot = (slot + 1) & mask;
    }
    const t = this.size;
    if (t + 1 > starts.length) this.#growTraces();
    this.starts[t] = from;
    this.ends[t] = to;
    this.counts[t] = count;
    this.#hashes![t] = hash;
    if (n === 0 && this.emptyTrace < 0) this.emptyTrace = t;
    this.size = t + 1;
    this.end += n;
    if (this.size * 2 > slots.length) this.#rehash(slots.length * 2);
    else slots[slot] = t;
  }

  /**
   * Closes the next trace replacing its count (Python's `counter[trace] = count`). PM4Py's
   * concurrency projection assigns rather than adds, so a projected trace keeps the count of
   * the last trace projecting onto it; IMf's frequencies depend on it.
   */
  commitSet(to: number, count: number): void {
    this.commitRange(this.end, to, count, true);
  }

  /**
   * Adds the trace `codes[from .. to)` as a new one (`from` is `end` for events this log
   * wrote), without looking for an equal trace: for a caller that knows its traces are
   * distinct (the log's variants, or blocks that alone tell their parent traces apart).
   */
  commitDistinct(from: number, to: number, count: number): void {
    this.#hashes = null;
    this.#slots = null;
    const t = this.size;
    if (t + 1 > this.starts.length) this.#growTraces();
    this.starts[t] = from;
    this.ends[t] = to;
    this.counts[t] = count;
    if (to === from && this.emptyTrace < 0) this.emptyTrace = t;
    this.size = t + 1;
    this.end += to - from;
  }

  /** Adds cases of a trace given whole (as codes, or a string of one UTF-16 unit per event). */
  add(trace: string | ArrayLike<number>, count: number): void {
    const from = this.reserve(trace.length);
    const codes = this.codes;
    if (typeof trace === 'string') for (let i = 0; i < trace.length; i++) codes[from + i] = trace.charCodeAt(i);
    else for (let i = 0; i < trace.length; i++) codes[from + i] = trace[i]!;
    this.commit(from + trace.length, count);
  }

  traceLength(t: number): number {
    return this.ends[t]! - this.starts[t]!;
  }

  /** Trace t's events. */
  trace(t: number): Uint16Array {
    return this.codes.subarray(this.starts[t]!, this.ends[t]!);
  }

  /** The traces as strings of one UTF-16 unit per event (for tests and debugging, not hot paths). */
  get traces(): string[] {
    const out: string[] = [];
    for (let t = 0; t < this.size; t++) out.push(traceOf(this.trace(t)));
    return out;
  }

  totalCases(): number {
    let sum = 0;
    for (let t = 0; t < this.size; t++) sum += this.counts[t]!;
    return sum;
  }

  /**
   * The same log without the empty trace; shares this log's events, which the empty trace has
   * none of, and its DFG, to which it added nothing.
   */
  withoutEmptyTrace(): VariantLog {
    const e = this.emptyTrace;
    if (e < 0) return this;
    const n = this.size - 1;
    const copy = new VariantLog(0, 0, n);
    copy.codes = this.codes;
    const without = (from: Int32Array | Float64Array, to: Int32Array | Float64Array) => {
      to.set(from.subarray(0, e));
      to.set(from.subarray(e + 1, n + 1), e);
    };
    without(this.starts, copy.starts);
    without(this.ends, copy.ends);
    without(this.counts, copy.counts);
    copy.size = n;
    copy.end = this.end;
    copy.dfg = this.dfg;
    copy.knownDfg = this.knownDfg;
    (copy as { alphabetSize: number }).alphabetSize = this.alphabetSize;
    copy.#shared = true;
    return copy;
  }

  /** Copies the traces' events into an array of this log's own, end to end, with room for `n` more. */
  #unshare(n: number): void {
    this.#shared = false;
    const codes = new Uint16Array(Math.max(this.end + n, 16));
    let w = 0;
    for (let t = 0; t < this.size; t++) {
      const from = this.starts[t]!;
      codes.set(this.codes.subarray(from, this.ends[t]!), w);
      this.starts[t] = w;
      w += this.ends[t]! - from;
      this.ends[t] = w;
    }
    this.codes = codes;
    this.end = w;
  }

  #growTraces(): void {
    const length = this.starts.length * 2;
    const grown = <T extends Int32Array | Float64Array>(from: T, to: T): T => (to.set(from), to);
    this.starts = grown(this.starts, new Int32Array(length));
    this.ends = grown(this.ends, new Int32Array(length));
    this.counts = grown(this.counts, new Float64Array(length));
    if (this.#hashes !== null) this.#hashes = grown(this.#hashes, new Int32Array(length));
  }

  /** Builds the table from the traces already there (they may have been committed as distinct). */
  #index(): void {
    const hashes = new Int32Array(this.starts.length);
    const { codes, starts, ends } = this;
    for (let t = 0; t < this.size; t++) hashes[t] = hashOf(codes, starts[t]!, ends[t]!);
    this.#hashes = hashes;
    let slots = 64;
    // Room for the traces the log was sized for, up to a bound: the table is filled when made,
    // and a projection's log is sized for its parent's traces, which may be many more.
    while (slots < Math.max(this.size, Math.min(this.starts.length, PRESIZED_TRACES)) * 2 + 2) slots *= 2;
    this.#rehash(slots);
  }

  #rehash(size: number): void {
    this.#slots = new Int32Array(size).fill(-1);
    for (let t = 0; t < this.size; t++) this.#place(t);
  }

  #place(t: number): void {
    const slots = this.#slots!;
    const mask = slots.length - 1;
    let slot = this.#hashes![t]! & mask;
    while (slots[slot]! >= 0) slot = (slot + 1) & mask;
    slots[slot] = t;
  }
}

let primed = false;

/**
 * Runs every path of {@link VariantLog.commit} once on a small log (new and equal traces,
 * empty ones, replaced counts, growing arrays and table), so that the form V8 compiles while
 * the first large projection runs already covers them all: compiled without them, commit was
 * deoptimized and recompiled three times in a cold IM on bpic2012.
 */
export function primeVariantLogs(): void {
  if (primed) return;
  primed = true;
  // Twice: V8 gives a function its feedback vector only after its first calls, so the paths
  // that only the first log's first traces take (an empty trace) were recorded by neither
  // and commit was deoptimized at the first empty trace of a cold IM on bpic2012.
  for (let round = 0; round < 2; round++) {
    // An empty trace and 40 distinct ones (past the first growth of every array and of the
    // table), each added, then replaced.
    const log = new VariantLog(8);
    for (let i = 0; i < 82; i++) {
      const v = i % 41;
      const n = v === 0 ? 0 : 2 + (v & 1);
      const w = log.reserve(n);
      if (n > 0) {
        log.codes[w] = v & 7;
        log.codes[w + 1] = v >> 3;
        if (n === 3) log.codes[w + 2] = 1;
      }
      log.commit(w + n, 1, i >= 41);
    }
    // A block known to be new (the sequence cut's distinct group).
    log.commitRange(0, 2, 1, false, true);
  }
}

const HASH_SEED = 0x811c9dc5;
const HASH_PRIME = 0x01000193;

/** The hash {@link VariantLog.commit} computes for events a log wrote. */
function hashOf(codes: Uint16Array, from: number, to: number): number {
  let hash = (HASH_SEED ^ (to - from)) | 0;
  for (let i = from; i < to; i++) hash = Math.imul(hash ^ codes[i]!, HASH_PRIME);
  return mix(hash);
}

/** MurmurHash3's finalizer. */
function mix(value: number): number {
  let hash = Math.imul(value ^ (value >>> 16), 0x85ebca6b);
  hash = Math.imul(hash ^ (hash >>> 13), 0xc2b2ae35);
  return hash ^ (hash >>> 16);
}

/** Activity names by code, and the variant log over those codes. */
export interface VariantLogOfEvents {
  names: string[];
  log: VariantLog;
}

export class TooManyActivitiesError extends Error {
  override readonly name = 'TooManyActivitiesError';
}

/** Codes are 16-bit: room for 65,536 activities, far beyond any process tree a person could read. */
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
  const order = variantOrder(caseIds, grouped.ofCase, grouped.counts.length);
  const first = grouped.firstCase;
  const log = new VariantLog(activities.length, caseOffsetsSpan(caseOffsets, first), order.length);
  const size = activities.length <= COUNTED_ALPHABET ? activities.length : 0;
  const counts = size > 0 ? logCounts(events) : null;
  if (counts !== null) {
    // The log's walk for discovery counted the same pairs by activity code (variants weighted
    // by their cases add up to the cases): only the copy is left to do here.
    copyVariants(activityCodes, caseOffsets, rank, order, first, grouped.counts, log);
    log.dfg = rankedDfg(counts, rank, size);
  } else {
    // The DFG is counted while copying (one pass over the variants' events).
    const dfg = { edges: new Float64Array(size * size), start: new Float64Array(size), end: new Float64Array(size) };
    const { edges, start, end } = dfg;
    const codes = log.codes;
    let w = 0;
    for (let i = 0; i < order.length; i++) {
      const v = order[i]!;
      const c = first[v]!;
      const from = caseOffsets[c]!;
      const to = caseOffsets[c + 1]!;
      const count = grouped.counts[v]!;
      if (from < to && size > 0) {
        let previous = rank[activityCodes[from]!]!;
        codes[w++] = previous;
        start[previous]! += count;
        for (let e = from + 1; e < to; e++) {
          const current = rank[activityCodes[e]!]!;
          codes[w++] = current;
          edges[previous * size + current]! += count;
          previous = current;
        }
        end[previous]! += count;
      } else for (let e = from; e < to; e++) codes[w++] = rank[activityCodes[e]!]!;
      log.commitDistinct(log.end, w, count);
    }
    if (size > 0) log.dfg = dfg;
  }
  return { names, log };
}

/** Each variant's first case, its codes mapped to ranks, one trace per variant in `order`. */
function copyVariants(activityCodes: Uint32Array, caseOffsets: Uint32Array, rank: Uint16Array, order: Uint32Array, first: Uint32Array, cases: Uint32Array, log: VariantLog): void {
  const codes = log.codes;
  let w = 0;
  for (let i = 0; i < order.length; i++) {
    const v = order[i]!;
    const c = first[v]!;
    const to = caseOffsets[c + 1]!;
    for (let e = caseOffsets[c]!; e < to; e++) codes[w++] = rank[activityCodes[e]!]!;
    log.commitDistinct(log.end, w, cases[v]!);
  }
}

/** The counts of log-counts.ts by activity rank. */
function rankedDfg(counts: LogCounts, rank: Uint16Array, size: number): NonNullable<VariantLog['dfg']> {
  const n = counts.activities;
  const edges = new Float64Array(size * size);
  const start = new Float64Array(size);
  const end = new Float64Array(size);
  for (let a = 0; a < n; a++) {
    start[rank[a]!] = counts.starts[a]!;
    end[rank[a]!] = counts.ends[a]!;
    for (let b = 0; b < n; b++) edges[rank[a]! * size + rank[b]!] = counts.follows[a * n + b]!;
  }
  return { edges, start, end };
}

/**
 * Variants in the order of their smallest case id. Logs usually list their cases in id order
 * already, and then that is the order of first appearance (one pass of comparisons instead of
 * a sort).
 */
function variantOrder(caseIds: readonly string[], ofCase: Uint32Array, variants: number): Uint32Array {
  const surrogates = SURROGATE.test(caseIds.join(''));
  const compare = surrogates ? compareCodePoints : compareUnits;
  let sorted = true;
  // Without surrogates JavaScript's order is Python's: compared in place, not by a call per
  // pair (a cold loop over every case id).
  if (surrogates) for (let c = 1; c < caseIds.length && sorted; c++) sorted = compare(caseIds[c - 1]!, caseIds[c]!) <= 0;
  else for (let c = 1; c < caseIds.length && sorted; c++) sorted = caseIds[c - 1]! <= caseIds[c]!;
  // caseVariants numbers variants in order of first appearance. (A loop: Uint32Array.from with
  // a callback was half a millisecond of a cold run on bpic2012.)
  if (sorted) {
    const identity = new Uint32Array(variants);
    for (let v = 0; v < variants; v++) identity[v] = v;
    return identity;
  }
  // A variant comes first where its smallest case id does: finding each variant's smallest id
  // and sorting the variants by it compares far fewer strings than sorting all cases.
  const smallest = new Int32Array(variants).fill(-1);
  for (let c = 0; c < caseIds.length; c++) {
    const v = ofCase[c]!;
    const s = smallest[v]!;
    if (s < 0 || compare(caseIds[c]!, caseIds[s]!) < 0) smallest[v] = c;
  }
  return Uint32Array.from(Array.from({ length: variants }, (_, v) => v).sort((a, b) => compare(caseIds[smallest[a]!]!, caseIds[smallest[b]!]!) || smallest[a]! - smallest[b]!));
}

/** Events in the given cases. */
function caseOffsetsSpan(caseOffsets: Uint32Array, cases: Uint32Array): number {
  let n = 0;
  for (let i = 0; i < cases.length; i++) n += caseOffsets[cases[i]! + 1]! - caseOffsets[cases[i]!]!;
  return n;
}

const SURROGATE = /[\ud800-\udfff]/;

/** JavaScript's order (UTF-16 units): Python's string order unless a surrogate is involved. */
function compareUnits(a: string, b: string): number {
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
