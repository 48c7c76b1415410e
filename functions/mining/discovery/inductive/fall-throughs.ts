import { anyCutHolds } from './find-cut.ts';
import { localIndex, type InductiveDfg } from './inductive-dfg.ts';
import type { TreeOperator } from './process-tree.ts';
import { TraceBuffer, VariantLog } from './variant-log.ts';

/** A fall-through's operator and the sub-logs its children are mined from. */
export interface FallThrough {
  operator: TreeOperator;
  logs: VariantLog[];
}

/**
 * PM4Py's fall-throughs for IM and IMf, tried in its order: empty traces, an activity once
 * per trace, an activity whose removal lets a cut hold, strict tau loop, tau loop, flower.
 * Candidate activities are tried in name order, as PM4Py does.
 */
export function fallThrough(log: VariantLog, dfg: InductiveDfg, alphabetSize: number): FallThrough {
  if (log.has('')) return { operator: 'X', logs: [new VariantLog(), log.withoutEmptyTrace()] };
  const alphabet = dfg.acts;
  const once = activityOncePerTrace(log, alphabet, alphabetSize);
  if (once !== null) return splitOff(log, once);
  const without = dfgsWithoutEachActivity(log, dfg, alphabetSize);
  for (const candidate of alphabet) {
    if (anyCutHolds(without(candidate))) return splitOff(log, candidate);
  }
  return tauLoop(log, true, alphabetSize) ?? tauLoop(log, false, alphabetSize) ?? flower(alphabet);
}

/** The first activity (by name) occurring exactly once in every trace. */
function activityOncePerTrace(log: VariantLog, alphabet: number[], alphabetSize: number): number | null {
  const candidate = new Uint8Array(alphabetSize);
  for (const a of alphabet) candidate[a] = 1;
  let left = alphabet.length;
  const seen = new Uint32Array(alphabetSize);
  for (const trace of log.traces) {
    for (let i = 0; i < trace.length; i++) seen[trace.charCodeAt(i)]!++;
    for (const a of alphabet) {
      if (candidate[a] === 1 && seen[a] !== 1) {
        candidate[a] = 0;
        left--;
      }
    }
    for (let i = 0; i < trace.length; i++) seen[trace.charCodeAt(i)] = 0;
    if (left === 0) return null;
  }
  return alphabet.find((a) => candidate[a] === 1) ?? null;
}

/** `+( a, rest )`: the activity's own events, and the traces without it. */
function splitOff(log: VariantLog, a: number): FallThrough {
  const only = new VariantLog();
  const rest = new VariantLog();
  const mine = new TraceBuffer();
  const other = new TraceBuffer();
  log.traces.forEach((trace, t) => {
    for (let i = 0; i < trace.length; i++) {
      const code = trace.charCodeAt(i);
      if (code === a) mine.push(code);
      else other.push(code);
    }
    only.add(mine.take(), log.counts[t]!);
    rest.add(other.take(), log.counts[t]!);
  });
  return { operator: '+', logs: [only, rest] };
}

/**
 * The DFGs of the log with each one activity removed, from the log's DFG and one pass over
 * the traces: removing a drops a's edges and joins what came before and after each run of
 * a's. (Rebuilding each from the traces was most of IM's time on bpic2012.)
 */
function dfgsWithoutEachActivity(log: VariantLog, dfg: InductiveDfg, alphabetSize: number): (removed: number) => InductiveDfg {
  const k = dfg.acts.length;
  const local = localIndex(dfg, alphabetSize);
  // Per activity: (before, after, count) of each run of it, -1 at a trace's edge; counted
  // first, then written into flat typed arrays (arrays of arrays grown by push were a third of
  // IM's time on bpic2012).
  const { traces, counts } = log;
  const runCounts = new Int32Array(k + 1);
  for (let t = 0; t < traces.length; t++) {
    const trace = traces[t]!;
    for (let i = 0; i < trace.length; ) {
      const a = trace.charCodeAt(i);
      let j = i + 1;
      while (j < trace.length && trace.charCodeAt(j) === a) j++;
      runCounts[local[a]! + 1]!++;
      i = j;
    }
  }
  for (let a = 0; a < k; a++) runCounts[a + 1]! += runCounts[a]!;
  const runStart = runCounts.slice(0, k);
  const runBefore = new Int32Array(runCounts[k]!);
  const runAfter = new Int32Array(runCounts[k]!);
  const runCount = new Float64Array(runCounts[k]!);
  for (let t = 0; t < traces.length; t++) {
    const trace = traces[t]!;
    const count = counts[t]!;
    for (let i = 0; i < trace.length; ) {
      const a = trace.charCodeAt(i);
      let j = i + 1;
      while (j < trace.length && trace.charCodeAt(j) === a) j++;
      const at = runStart[local[a]!]!++;
      runBefore[at] = i > 0 ? local[trace.charCodeAt(i - 1)]! : -1;
      runAfter[at] = j < trace.length ? local[trace.charCodeAt(j)]! : -1;
      runCount[at] = count;
      i = j;
    }
  }
  return (removed) => {
    const r = local[removed]!;
    const keep: number[] = [];
    for (let a = 0; a < k; a++) if (a !== r) keep.push(a);
    const m = keep.length;
    const position = new Int32Array(k).fill(-1);
    keep.forEach((a, i) => (position[a] = i));
    const edges = new Float64Array(m * m);
    for (let i = 0; i < m; i++) for (let j = 0; j < m; j++) edges[i * m + j] = dfg.edges[keep[i]! * k + keep[j]!]!;
    const start = Float64Array.from(keep, (a) => dfg.start[a]!);
    const end = Float64Array.from(keep, (a) => dfg.end[a]!);
    for (let x = runCounts[r]!; x < runCounts[r + 1]!; x++) {
      const before = runBefore[x]!;
      const after = runAfter[x]!;
      const count = runCount[x]!;
      if (before >= 0 && after >= 0) edges[position[before]! * m + position[after]!]! += count;
      else if (after >= 0) start[position[after]!]! += count;
      else if (before >= 0) end[position[before]!]! += count;
    }
    let edgeCount = 0;
    for (const f of edges) if (f > 0) edgeCount++;
    return { acts: keep.map((a) => dfg.acts[a]!), edges, start, end, edgeCount };
  };
}

/**
 * `*( body, tau )`, cutting traces before each start activity (strict: only where an end
 * activity precedes it); null when no trace is cut.
 */
function tauLoop(log: VariantLog, strict: boolean, alphabetSize: number): FallThrough | null {
  // Flags by activity code rather than sets: one lookup per event of every trace.
  const starts = new Uint8Array(alphabetSize);
  const ends = new Uint8Array(alphabetSize);
  for (const trace of log.traces) {
    if (trace.length === 0) continue;
    starts[trace.charCodeAt(0)] = 1;
    ends[trace.charCodeAt(trace.length - 1)] = 1;
  }
  const body = new VariantLog();
  let cut = false;
  log.traces.forEach((trace, t) => {
    const count = log.counts[t]!;
    let from = 0;
    for (let i = 1; i < trace.length; i++) {
      if (starts[trace.charCodeAt(i)] === 1 && (!strict || ends[trace.charCodeAt(i - 1)] === 1)) {
        body.add(trace.slice(from, i), count);
        from = i;
        cut = true;
      }
    }
    body.add(trace.slice(from), count);
  });
  return cut ? { operator: '*', logs: [body, new VariantLog()] } : null;
}

/** `*( X( every activity ), tau )`. */
function flower(alphabet: number[]): FallThrough {
  const body = new VariantLog();
  for (const a of alphabet) body.add(String.fromCharCode(a), 1);
  return { operator: '*', logs: [body, new VariantLog()] };
}
