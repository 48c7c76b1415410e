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
  for (const trace of log.traces) for (let i = 0; i < trace.length; i++) present[trace.charCodeAt(i)] = 1;
  const acts: number[] = [];
  for (let a = 0; a < alphabetSize; a++) if (present[a] === 1) acts.push(a);
  return acts;
}

export function dfgOf(log: VariantLog, alphabetSize: number): InductiveDfg {
  const acts = alphabetOf(log, alphabetSize);
  const k = acts.length;
  const local = new Int32Array(alphabetSize);
  acts.forEach((code, i) => (local[code] = i));
  const edges = new Float64Array(k * k);
  const start = new Float64Array(k);
  const end = new Float64Array(k);
  const { traces, counts } = log;
  for (let t = 0; t < traces.length; t++) {
    const trace = traces[t]!;
    if (trace.length === 0) continue;
    const count = counts[t]!;
    let previous = local[trace.charCodeAt(0)]!;
    start[previous]! += count;
    for (let i = 1; i < trace.length; i++) {
      const current = local[trace.charCodeAt(i)]!;
      edges[previous * k + current]! += count;
      previous = current;
    }
    end[previous]! += count;
  }
  let edgeCount = 0;
  for (const f of edges) if (f > 0) edgeCount++;
  return { acts, edges, start, end, edgeCount };
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
