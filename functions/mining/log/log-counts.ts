import type { EventLog } from './event-log.ts';
import { VariantTable, type CaseVariants } from './variant-table.ts';

/**
 * What discovery counts over the events, gathered in one walk: activity, start and end counts,
 * the directly-follows counts with their summed transition times, the a-b-a triples of the
 * Heuristics Miner, and each case's variant. The directly-follows graph, the variants, the
 * activity counts, the Alpha and the Heuristics Miner each walked the log again (the Alpha
 * Miner twice); on a cold run each walk costs its interpretation and compilation. Pair arrays
 * are dense, `from * activities + to`. The arrays are shared by every caller: read, never write.
 */
export interface LogCounts {
  activities: number;
  occurrences: Uint32Array;
  /** Cases starting (ending) with each activity; empty cases count for none. */
  starts: Uint32Array;
  ends: Uint32Array;
  follows: Uint32Array;
  /** Sum of `to`'s timestamp minus `from`'s over the pair's occurrences, in event order (NaN without timestamps). */
  followsMs: Float64Array;
  /** Occurrences of a, b, a (a != b) as three consecutive events, at `a * activities + b`. */
  triples: Uint32Array;
  variants: CaseVariants;
}

/**
 * Dense pair arrays up to this many cells: 256 activities, 1 MB kept with the log. Larger
 * alphabets are counted by each step as before, so that megabytes of pair counts are not kept.
 */
const DENSE_CELLS = 1 << 16;

// The log is immutable once built.
const cache = new WeakMap<EventLog, LogCounts>();

/** The counts of a log, or null when its alphabet is too large for dense pair arrays (callers count their own way). */
export function logCounts(log: EventLog): LogCounts | null {
  const n = log.activities.length;
  if (n * n > DENSE_CELLS) return null;
  const hit = cache.get(log);
  if (hit !== undefined) return hit;
  const counts = countLog(log, n);
  cache.set(log, counts);
  return counts;
}

function countLog(log: EventLog, n: number): LogCounts {
  const { caseOffsets, activityCodes, timestamps } = log;
  const cases = Math.max(caseOffsets.length - 1, 0);
  // Integer counts: a Float64Array element is a heap number each time the interpreter (the
  // first thousands of events of a cold run) reads it.
  const occurrences = new Uint32Array(n);
  const starts = new Uint32Array(n);
  const ends = new Uint32Array(n);
  const follows = new Uint32Array(n * n);
  const followsMs = new Float64Array(n * n);
  const triples = new Uint32Array(n * n);
  const table = new VariantTable(log, cases);
  for (let c = 0; c < cases; c++) {
    const from = caseOffsets[c]!;
    const to = caseOffsets[c + 1]!;
    // The variant hash of caseVariants, FNV-1a over the codes.
    let hash = (0x811c9dc5 ^ (to - from)) | 0;
    if (to > from) {
      const first = activityCodes[from]!;
      starts[first]!++;
      ends[activityCodes[to - 1]!]!++;
      hash = Math.imul(hash ^ first, 0x01000193);
      let previous = first;
      let beforeThat = -1;
      let time = timestamps[from]!;
      for (let e = from + 1; e < to; e++) {
        const code = activityCodes[e]!;
        const now = timestamps[e]!;
        hash = Math.imul(hash ^ code, 0x01000193);
        const pair = previous * n + code;
        follows[pair]!++;
        followsMs[pair]! += now - time;
        if (beforeThat === code && previous !== code) triples[code * n + previous]!++;
        beforeThat = previous;
        previous = code;
        time = now;
      }
    }
    table.add(c, hash, from, to);
  }
  // Each event starts a case or follows another event: fewer operations in the walk.
  for (let a = 0; a < n; a++) occurrences[a] = starts[a]!;
  for (let pair = 0; pair < n * n; pair++) occurrences[pair % n]! += follows[pair]!;
  return { activities: n, occurrences, starts, ends, follows, followsMs, triples, variants: table.result() };
}
