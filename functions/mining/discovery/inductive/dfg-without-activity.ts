import { prechecksOfRows, type CutPrechecks } from './cuts/cut-prechecks.ts';
import { localIndex, type InductiveDfg } from './inductive-dfg.ts';
import type { VariantLog } from './variant-log.ts';

/** Up to this many activities the bridges over each activity are counted in a k·(k+1)² table. */
const BRIDGED_ALPHABET = 64;

/**
 * The DFGs of the log with each one activity removed (PM4Py's activity-concurrent
 * fall-through mines each such log's DFG), from the log's DFG and one pass over the traces:
 * removing a drops a's edges and joins what came before and after each maximal run of a's
 * (a new edge, or a new start or end where the run touches the trace's edge).
 */
export function dfgsWithoutEachActivity(
  log: VariantLog,
  dfg: InductiveDfg,
  alphabetSize: number,
  bridgedUpTo = BRIDGED_ALPHABET,
): (removed: number) => InductiveDfg {
  return withoutEachActivity(log, dfg, alphabetSize, bridgedUpTo).dfg;
}

/** The DFG without each activity, and the cut pre-checks on it (see cut-prechecks.ts). */
export interface WithoutEachActivity {
  dfg: (removed: number) => InductiveDfg;
  /**
   * Which cuts may hold on the DFG without `removed`: from the bridge table's bits where it
   * has one, without building that DFG (PM4Py tries every activity, and on bpic2012 none lets
   * a cut hold, so most DFGs built were only ever read by the pre-checks).
   */
  possibleCuts: (removed: number) => CutPrechecks | null;
}

export function withoutEachActivity(log: VariantLog, dfg: InductiveDfg, alphabetSize: number, bridgedUpTo = BRIDGED_ALPHABET): WithoutEachActivity {
  if (dfg.acts.length > bridgedUpTo) return { dfg: byRuns(log, dfg, alphabetSize), possibleCuts: () => null };
  const k = dfg.acts.length;
  const K = k + 1;
  const local = localIndex(dfg, alphabetSize);
  // Integer cells (case counts are whole numbers, below 2^32 in any log held in memory): a
  // Float64Array cell read and written by the not yet optimized walk is two heap numbers per
  // run (bpic2012, cold IM, sampled allocation in countBridges 0.45 -> 0.02 MB).
  const bridges = new Uint32Array(k * K * K);
  // Bit rows of the bridges where a row of K bits fits a word (see countBridges).
  const bits = K <= 32 ? new Int32Array(k * K) : null;
  countBridges(log.codes, log.starts, log.ends, log.counts, log.size, local, K, bridges, bits ?? EMPTY);
  const own = bits === null ? null : ownRows(dfg);
  return {
    dfg: bridged(dfg, local, bridges),
    possibleCuts: (removed) => {
      if (bits === null || own === null || k === 1) return null;
      const m = k - 1;
      const rows = new Int32Array(4 * m + 2);
      const hasEdges = rowsWithout(own, k, local[removed]!, bits, rows);
      return prechecksOfRows(rows, m, hasEdges);
    },
  };
}

const EMPTY = new Int32Array(0);

/** The DFG's own bit rows: successors of each vertex, then the start and the end vertices. */
function ownRows(dfg: InductiveDfg): Int32Array {
  const { edges, start, end } = dfg;
  const k = start.length;
  const rows = new Int32Array(k + 2);
  for (let x = 0; x < k; x++) {
    let row = 0;
    for (let y = 0; y < k; y++) if (edges[x * k + y]! > 0) row |= 1 << y;
    rows[x] = row;
    if (start[x]! > 0) rows[k]! |= 1 << x;
    if (end[x]! > 0) rows[k + 1]! |= 1 << x;
  }
  return rows;
}

/**
 * The bit rows (cut-prechecks.ts `fillRows`) of the DFG without vertex r, from its own rows
 * and r's bridge rows (bit `after` of `bits[r * K + before]`, 0 standing for the trace's
 * edge): an edge, start or end where either has one, vertices above r moved down one. Word
 * operations per vertex instead of reading k² cells of two tables per candidate. Whether any
 * edge is left.
 */
function rowsWithout(own: Int32Array, k: number, r: number, bits: Int32Array, rows: Int32Array): boolean {
  const K = k + 1;
  const m = k - 1;
  const base = r * K;
  const low = (1 << r) - 1;
  // Drops bit r of a row over k vertices, moving the bits above it down.
  const squeeze = (row: number) => (row & low) | ((row >>> 1) & ~low);
  let ends = 0;
  let any = 0;
  for (let x = 0; x < k; x++) {
    if (x === r) continue;
    const i = x < r ? x : x - 1;
    const bridged = bits[base + x + 1]!;
    const row = squeeze((own[x]! | (bridged >>> 1)) & ~(1 << r));
    rows[i] = row;
    any |= row;
    for (let left = row; left !== 0; left &= left - 1) rows[m + 31 - Math.clz32(left & -left)]! |= 1 << i;
    if ((own[k + 1]! & (1 << x)) !== 0 || (bridged & 1) !== 0) ends |= 1 << i;
  }
  rows[4 * m] = squeeze((own[k]! | (bits[base]! >>> 1)) & ~(1 << r));
  rows[4 * m + 1] = ends;
  return any !== 0;
}

/**
 * Counts, for every activity a and every (before, after) pair, the cases where a run of a's
 * sits between them: `bridges[(a * K + before) * K + after]` with K = k + 1 and 0 for the
 * trace's edge. One pass, and each removed activity's DFG then costs O(k²) whatever the log's
 * size (listing every run and walking a's runs per candidate was 30 ms of a cold IM on bpic2012).
 */
function bridged(dfg: InductiveDfg, local: Int32Array, bridges: Uint32Array): (removed: number) => InductiveDfg {
  const k = dfg.acts.length;
  const K = k + 1;
  return (removed) => {
    const r = local[removed]!;
    const m = k - 1;
    const edges = new Float64Array(m * m);
    const start = new Float64Array(m);
    const end = new Float64Array(m);
    const base = r * K * K;
    for (let i = 0, x = 0; x < k; x++) {
      if (x === r) continue;
      start[i] = dfg.start[x]! + bridges[base + x + 1]!;
      end[i] = dfg.end[x]! + bridges[base + (x + 1) * K]!;
      for (let j = 0, y = 0; y < k; y++) {
        if (y === r) continue;
        edges[i * m + j] = dfg.edges[x * k + y]! + bridges[base + (x + 1) * K + y + 1]!;
        j++;
      }
      i++;
    }
    return withoutVertex(dfg, r, edges, start, end);
  };
}

// The pass over the events is a function of its own with nothing after the loop, so that V8's
// on-the-fly compilation of its first long run is not thrown away when the loop ends.
function countBridges(
  codes: Uint16Array,
  starts: Int32Array,
  ends: Int32Array,
  counts: Float64Array,
  size: number,
  local: Int32Array,
  K: number,
  bridges: Uint32Array,
  bits: Int32Array,
): void {
  // Bit `after` of `bits[(a - 1) * K + before]` marks a counted bridge (when K <= 32).
  const marked = bits.length > 0;
  for (let t = 0; t < size; t++) {
    const to = ends[t]!;
    const count = counts[t]! >>> 0;
    let before = 0;
    for (let i = starts[t]!; i < to; ) {
      const code = codes[i]!;
      let j = i + 1;
      while (j < to && codes[j] === code) j++;
      const a = local[code]! + 1;
      const after = j < to ? local[codes[j]!]! + 1 : 0;
      bridges[((a - 1) * K + before) * K + after]! += count;
      if (marked && count > 0) bits[(a - 1) * K + before]! |= 1 << after;
      before = a;
      i = j;
    }
  }
}

/** The same from a list of every run (before, after, count), grouped by activity: memory linear in the log, for large alphabets. */
function byRuns(log: VariantLog, dfg: InductiveDfg, alphabetSize: number): (removed: number) => InductiveDfg {
  const k = dfg.acts.length;
  const local = localIndex(dfg, alphabetSize);
  const { codes, starts, ends, counts } = log;
  const runCounts = new Int32Array(k + 1);
  for (let t = 0; t < log.size; t++) {
    const to = ends[t]!;
    for (let i = starts[t]!; i < to; ) {
      const a = codes[i]!;
      let j = i + 1;
      while (j < to && codes[j] === a) j++;
      runCounts[local[a]! + 1]!++;
      i = j;
    }
  }
  for (let a = 0; a < k; a++) runCounts[a + 1]! += runCounts[a]!;
  const runStart = runCounts.slice(0, k);
  const runBefore = new Int32Array(runCounts[k]!);
  const runAfter = new Int32Array(runCounts[k]!);
  const runCount = new Float64Array(runCounts[k]!);
  for (let t = 0; t < log.size; t++) {
    const from = starts[t]!;
    const to = ends[t]!;
    const count = counts[t]!;
    for (let i = from; i < to; ) {
      const a = codes[i]!;
      let j = i + 1;
      while (j < to && codes[j] === a) j++;
      const at = runStart[local[a]!]!++;
      runBefore[at] = i > from ? local[codes[i - 1]!]! : -1;
      runAfter[at] = j < to ? local[codes[j]!]! : -1;
      runCount[at] = count;
      i = j;
    }
  }
  return (removed) => {
    const r = local[removed]!;
    const m = k - 1;
    // Vertex x keeps index x below r and x - 1 above it.
    const at = (x: number) => (x < r ? x : x - 1);
    const edges = new Float64Array(m * m);
    const start = new Float64Array(m);
    const end = new Float64Array(m);
    for (let x = 0; x < k; x++) {
      if (x === r) continue;
      start[at(x)] = dfg.start[x]!;
      end[at(x)] = dfg.end[x]!;
      for (let y = 0; y < k; y++) if (y !== r) edges[at(x) * m + at(y)] = dfg.edges[x * k + y]!;
    }
    for (let x = runCounts[r]!; x < runCounts[r + 1]!; x++) {
      const before = runBefore[x]!;
      const after = runAfter[x]!;
      const count = runCount[x]!;
      if (before >= 0 && after >= 0) edges[at(before) * m + at(after)]! += count;
      else if (after >= 0) start[at(after)]! += count;
      else if (before >= 0) end[at(before)]! += count;
    }
    return withoutVertex(dfg, r, edges, start, end);
  };
}

function withoutVertex(dfg: InductiveDfg, r: number, edges: Float64Array, start: Float64Array, end: Float64Array): InductiveDfg {
  let edgeCount = 0;
  for (let i = 0; i < edges.length; i++) if (edges[i]! > 0) edgeCount++;
  return { acts: dfg.acts.filter((_, x) => x !== r), edges, start, end, edgeCount };
}
