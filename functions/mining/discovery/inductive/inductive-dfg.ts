import type { VariantLog } from './variant-log.ts';

/**
 * The directly-follows graph of a variant log (PM4Py's `discover_dfg_uvcl`), dense over the
 * log's own activities: activity alphabets are small, and every cut reads most pairs.
 */
export interface InductiveDfg {
  /** Activity codes of the vertices, ascending (so in Python's name order). */
  acts: number[];
  /** Edge frequencies, `edges[i * k + j]` for vertices i, j (local indexes into `acts`); 0 when absent. */
  edges: Float64Array;
  start: Float64Array;
  end: Float64Array;
  edgeCount: number;
}

/** Activities with the local index of each (code -> index, -1 when absent). */
export function localIndex(dfg: InductiveDfg, alphabetSize: number): Int32Array {
  const local = new Int32Array(alphabetSize).fill(-1);
  dfg.acts.forEach((code, i) => (local[code] = i));
  return local;
}

/** Distinct activity codes of a log, ascending. */
export function alphabetOf(log: VariantLog, alphabetSize: number): number[] {
  const present = new Uint8Array(alphabetSize);
  markPresent(log, present);
  const acts: number[] = [];
  for (let a = 0; a < alphabetSize; a++) if (present[a] === 1) acts.push(a);
  return acts;
}

export function dfgOf(log: VariantLog, alphabetSize: number): InductiveDfg {
  if (log.knownDfg !== null) return log.knownDfg;
  if (log.dfg !== null && log.alphabetSize === alphabetSize) return counted(log.dfg, alphabetSize);
  const acts = alphabetOf(log, alphabetSize);
  const k = acts.length;
  const local = new Int32Array(alphabetSize);
  for (let i = 0; i < k; i++) local[acts[i]!] = i;
  const edges = new Float64Array(k * k);
  const start = new Float64Array(k);
  const end = new Float64Array(k);
  countDirectlyFollows(log.codes, log.starts, log.ends, log.counts, log.size, local, k, edges, start, end);
  return { acts, edges, start, end, edgeCount: countPositive(edges) };
}

/**
 * The DFG over the log's own activities from the counts the log kept by activity code. An
 * activity occurs iff it starts a trace or follows an event (counts are positive).
 */
function counted(dfg: NonNullable<VariantLog['dfg']>, size: number): InductiveDfg {
  const acts: number[] = [];
  for (let b = 0; b < size; b++) {
    let present = dfg.start[b]! > 0;
    for (let a = 0; a < size && !present; a++) present = dfg.edges[a * size + b]! > 0;
    if (present) acts.push(b);
  }
  const k = acts.length;
  const edges = new Float64Array(k * k);
  let edgeCount = 0;
  for (let i = 0; i < k; i++) {
    for (let j = 0; j < k; j++) {
      const f = dfg.edges[acts[i]! * size + acts[j]!]!;
      edges[i * k + j] = f;
      if (f > 0) edgeCount++;
    }
  }
  return { acts, edges, start: Float64Array.from(acts, (a) => dfg.start[a]!), end: Float64Array.from(acts, (a) => dfg.end[a]!), edgeCount };
}

// The passes over the events are functions of their own with nothing after the loop: V8
// compiles a long first run on the fly (on-stack replacement), and code after the loop that
// had never run then deoptimizes it again on every call (measured: once per sub-log on bpic2012).

function markPresent(log: VariantLog, present: Uint8Array): void {
  const { codes, starts, ends } = log;
  for (let t = 0; t < log.size; t++) {
    const to = ends[t]!;
    for (let i = starts[t]!; i < to; i++) present[codes[i]!] = 1;
  }
}

function countDirectlyFollows(
  codes: Uint16Array,
  starts: Int32Array,
  ends: Int32Array,
  counts: Float64Array,
  size: number,
  local: Int32Array,
  k: number,
  edges: Float64Array,
  start: Float64Array,
  end: Float64Array,
): void {
  for (let t = 0; t < size; t++) {
    const from = starts[t]!;
    const to = ends[t]!;
    if (from === to) continue;
    const count = counts[t]!;
    let previous = local[codes[from]!]!;
    start[previous]! += count;
    for (let i = from + 1; i < to; i++) {
      const current = local[codes[i]!]!;
      edges[previous * k + current]! += count;
      previous = current;
    }
    end[previous]! += count;
  }
}

function countPositive(values: Float64Array): number {
  let n = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > 0) n++;
  return n;
}

/**
 * The DFG of a sub-log made of the maximal runs of the `kept` vertices' events of each trace
 * (`kept[i]` for local vertex i), without reading it: the edges among kept vertices stay, and
 * a run starts where its trace does or where an edge comes in from another vertex, and ends
 * likewise. This is the sequence projection of traces that visit the groups in order, the
 * exclusive-choice and loop projections on the log's own DFG, where every event of a kept
 * vertex lands in one such run.
 */
export function dfgOfBlocks(dfg: InductiveDfg, kept: Uint8Array): InductiveDfg {
  const k = dfg.acts.length;
  const keep: number[] = [];
  for (let i = 0; i < k; i++) if (kept[i] === 1) keep.push(i);
  const m = keep.length;
  const edges = new Float64Array(m * m);
  const start = new Float64Array(m);
  const end = new Float64Array(m);
  let edgeCount = 0;
  for (let x = 0; x < m; x++) {
    const i = keep[x]!;
    let from = dfg.start[i]!;
    let to = dfg.end[i]!;
    for (let j = 0; j < k; j++) {
      if (kept[j] === 1) continue;
      from += dfg.edges[j * k + i]!;
      to += dfg.edges[i * k + j]!;
    }
    start[x] = from;
    end[x] = to;
    for (let y = 0; y < m; y++) {
      const f = dfg.edges[i * k + keep[y]!]!;
      edges[x * m + y] = f;
      if (f > 0) edgeCount++;
    }
  }
  return { acts: keep.map((i) => dfg.acts[i]!), edges, start, end, edgeCount };
}

/**
 * The DFG of the log cut before every event b that follows an a with `cut[a * k + b]` (the
 * tau loops): those edges become an end of a and a start of b.
 */
export function dfgWithCuts(dfg: InductiveDfg, cut: Uint8Array): InductiveDfg {
  const k = dfg.acts.length;
  const edges = Float64Array.from(dfg.edges);
  const start = Float64Array.from(dfg.start);
  const end = Float64Array.from(dfg.end);
  let edgeCount = dfg.edgeCount;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      const f = edges[a * k + b]!;
      if (cut[a * k + b] === 0 || f === 0) continue;
      edges[a * k + b] = 0;
      edgeCount--;
      end[a]! += f;
      start[b]! += f;
    }
  }
  return { acts: dfg.acts, edges, start, end, edgeCount };
}

/**
 * IMf's filter (PM4Py `__filter_dfg_noise`): an edge a→b stays when its frequency exceeds
 * `threshold` times the strongest way out of a (its most frequent outgoing edge, or the
 * cases ending in a when more). Start and end activities are kept as they are.
 */
export function filterDfgNoise(dfg: InductiveDfg, threshold: number): InductiveDfg {
  const k = dfg.acts.length;
  const edges = new Float64Array(k * k);
  for (let a = 0; a < k; a++) {
    let max = 0;
    let outgoing = false;
    for (let b = 0; b < k; b++) {
      const f = dfg.edges[a * k + b]!;
      if (f > 0) {
        outgoing = true;
        if (f > max) max = f;
      }
    }
    if (!outgoing) continue;
    if (dfg.end[a]! > max) max = dfg.end[a]!;
    for (let b = 0; b < k; b++) {
      const f = dfg.edges[a * k + b]!;
      if (f > 0 && f > threshold * max) edges[a * k + b] = f;
    }
  }
  // Vertices are what the filtered graph still mentions (PM4Py's get_vertices).
  const keep: number[] = [];
  for (let a = 0; a < k; a++) {
    let used = dfg.start[a]! > 0 || dfg.end[a]! > 0;
    for (let b = 0; b < k && !used; b++) used = edges[a * k + b]! > 0 || edges[b * k + a]! > 0;
    if (used) keep.push(a);
  }
  const m = keep.length;
  const out: InductiveDfg = {
    acts: keep.map((a) => dfg.acts[a]!),
    edges: new Float64Array(m * m),
    start: Float64Array.from(keep, (a) => dfg.start[a]!),
    end: Float64Array.from(keep, (a) => dfg.end[a]!),
    edgeCount: 0,
  };
  for (let i = 0; i < m; i++) {
    for (let j = 0; j < m; j++) {
      const f = edges[keep[i]! * k + keep[j]!]!;
      out.edges[i * m + j] = f;
      if (f > 0) out.edgeCount++;
    }
  }
  return out;
}
