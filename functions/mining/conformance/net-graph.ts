import type { CompiledNet } from '../ml/replay-net.ts';

/** Markings of a net's reachability graph built at most; a net with more is not aligned (the alignment phase reports why). */
export const MAX_REACHABLE_MARKINGS = 200_000;

/**
 * Cells of the per-marking, per-label table (`silent`: markings × (labels + 1)) built at most:
 * 64 MB of doubles, and as many steps of its backward searches. The marking limit alone would
 * allow 1.6 GB on a net of 1,000 activities.
 */
export const MAX_GRAPH_CELLS = 1 << 23;

/** The most reachable markings a net with this many visible labels is aligned on. */
export function markingLimit(labels: number): number {
  return Math.min(MAX_REACHABLE_MARKINGS, Math.floor(MAX_GRAPH_CELLS / (labels + 1)));
}

/**
 * A net's reachability graph with what the alignment search's heuristic needs, computed once
 * per net and shared by every trace. Markings are numbered (0 the initial one); the search then
 * moves over integer ids instead of firing transitions and hashing markings, and its bounds are
 * table look-ups:
 * - `silent[m·(L+1) + b]`: the fewest silent steps from marking m to one enabling a transition
 *   labelled b, firing nothing visible (column L: to the final marking); Infinity when none.
 * - `completion[m]`: the fewest silent steps on any path from m to the final marking, visible
 *   steps being free: every alignment still makes at least these.
 * - `between[a·(L+1) + b]`: the fewest silent steps between firing an a and enabling a b with
 *   nothing visible in between, over every marking the net can be in right after an a.
 */
export interface NetGraph {
  markings: number;
  finalId: number;
  /** Steps out of marking m: `target/transition[start[m] .. start[m + 1])`. */
  start: Int32Array;
  target: Int32Array;
  transition: Int32Array;
  /** Visible labels numbered; L of them. */
  labelIds: Map<string, number>;
  /** Label id of each transition, -1 when silent. */
  labelOf: Int32Array;
  silent: Float64Array;
  completion: Float64Array;
  between: Float64Array;
  /** Silent steps into marking m: from `silentSource[silentStart[m] .. silentStart[m + 1])`. */
  silentStart: Int32Array;
  silentSource: Int32Array;
  /** Visible steps by label b: from `labelSource[i]` to `labelTarget[i]`, i in `labelStart[b] .. labelStart[b + 1]`. */
  labelStart: Int32Array;
  labelSource: Int32Array;
  labelTarget: Int32Array;
}

/** Pairs grouped by key in `0 .. keys`, as flat arrays. */
function grouped(keys: number, pairs: [key: number, a: number, b: number][]): { start: Int32Array; a: Int32Array; b: Int32Array } {
  const start = new Int32Array(keys + 1);
  for (const [k] of pairs) start[k + 1]!++;
  for (let k = 0; k < keys; k++) start[k + 1]! += start[k]!;
  const fill = start.slice(0, keys);
  const a = new Int32Array(pairs.length);
  const b = new Int32Array(pairs.length);
  for (const [k, x, y] of pairs) {
    const i = fill[k]!++;
    a[i] = x;
    b[i] = y;
  }
  return { start, a, b };
}

function enabled(net: CompiledNet, m: Uint16Array, t: number): boolean {
  const inputs = net.inputs[t]!;
  for (let i = 0; i < inputs.length; i += 2) if (m[inputs[i]!]! < inputs[i + 1]!) return false;
  return true;
}

function fired(net: CompiledNet, m: Uint16Array, t: number): Uint16Array {
  const next = m.slice();
  const inputs = net.inputs[t]!;
  const outputs = net.outputs[t]!;
  for (let i = 0; i < inputs.length; i += 2) next[inputs[i]!]! -= inputs[i + 1]!;
  for (let i = 0; i < outputs.length; i += 2) next[outputs[i]!]! += outputs[i + 1]!;
  return next;
}

/** Breadth-first distances back from `sources` along steps whose cost `stepCost` gives (0 or 1; -1: not a step). */
function backwardDistances(markings: number, predecessors: number[][], sources: number[], stepCost: (edge: number) => number): Float64Array {
  const distance = new Float64Array(markings).fill(Infinity);
  let current: number[] = [];
  for (const s of sources) {
    distance[s] = 0;
    current.push(s);
  }
  for (let d = 0; current.length > 0; d++) {
    const next: number[] = [];
    while (current.length > 0) {
      const j = current.pop()!;
      if (distance[j]! < d) continue;
      for (const edge of predecessors[j]!) {
        const cost = stepCost(edge);
        if (cost < 0) continue;
        const i = Math.floor(edge / 2);
        const via = d + cost;
        if (via >= distance[i]!) continue;
        distance[i] = via;
        (cost === 0 ? current : next).push(i);
      }
    }
    current = next;
  }
  return distance;
}

/**
 * The graph of the net; null when it has more than `maxMarkings` markings, more than
 * {@link MAX_GRAPH_CELLS} markings × (labels + 1), or the final marking is unreachable.
 */
export function netGraph(net: CompiledNet, maxMarkings = MAX_REACHABLE_MARKINGS): NetGraph | null {
  const labelIds = new Map([...net.byLabel.keys()].map((label, i) => [label, i]));
  const L = labelIds.size;
  const markingsAtMost = Math.min(maxMarkings, markingLimit(L));
  const labelOf = new Int32Array(net.transitionIds.length).fill(-1);
  for (const [label, transitions] of net.byLabel) for (const t of transitions) labelOf[t] = labelIds.get(label)!;
  const ids = new Map<string, number>();
  const markings: Uint16Array[] = [];
  const add = (m: Uint16Array) => {
    const key = String.fromCharCode(...m);
    let id = ids.get(key);
    if (id === undefined) {
      id = markings.length;
      ids.set(key, id);
      markings.push(m);
    }
    return id;
  };
  // Markings hold at most 65,535 tokens per place: one UTF-16 unit each in their keys.
  add(Uint16Array.from(net.initial));
  const start = [0];
  const target: number[] = [];
  const transition: number[] = [];
  // Into each marking: 2·source + (1 when the step is silent).
  const predecessors: number[][] = [[]];
  for (let i = 0; i < markings.length; i++) {
    const m = markings[i]!;
    for (let t = 0; t < labelOf.length; t++) {
      if (!enabled(net, m, t)) continue;
      const j = add(fired(net, m, t));
      if (markings.length > markingsAtMost) return null;
      if (j === predecessors.length) predecessors.push([]);
      predecessors[j]!.push(2 * i + (labelOf[t]! < 0 ? 1 : 0));
      target.push(j);
      transition.push(t);
    }
    start.push(target.length);
  }
  const finalId = ids.get(String.fromCharCode(...Uint16Array.from(net.final)));
  if (finalId === undefined) return null;
  const M = markings.length;
  const W = L + 1;
  const silent = new Float64Array(M * W);
  for (let b = 0; b <= L; b++) {
    const sources: number[] = [];
    if (b === L) sources.push(finalId);
    else
      for (let m = 0; m < M; m++)
        for (let k = start[m]!; k < start[m + 1]!; k++)
          if (labelOf[transition[k]!] === b) {
            sources.push(m);
            break;
          }
    const d = backwardDistances(M, predecessors, sources, (edge) => (edge % 2 === 1 ? 1 : -1));
    for (let m = 0; m < M; m++) silent[m * W + b] = d[m]!;
  }
  const completion = backwardDistances(M, predecessors, [finalId], (edge) => edge % 2);
  const between = new Float64Array(L * W).fill(Infinity);
  for (let m = 0; m < M; m++) {
    for (let k = start[m]!; k < start[m + 1]!; k++) {
      const a = labelOf[transition[k]!]!;
      if (a < 0) continue;
      const after = target[k]!;
      for (let b = 0; b <= L; b++) if (silent[after * W + b]! < between[a * W + b]!) between[a * W + b] = silent[after * W + b]!;
    }
  }
  const silentSteps: [number, number, number][] = [];
  const labelSteps: [number, number, number][] = [];
  for (let m = 0; m < M; m++) {
    for (let k = start[m]!; k < start[m + 1]!; k++) {
      const a = labelOf[transition[k]!]!;
      if (a < 0) silentSteps.push([target[k]!, m, 0]);
      else labelSteps.push([a, m, target[k]!]);
    }
  }
  const silentIn = grouped(M, silentSteps);
  const byLabel = grouped(L, labelSteps);
  return {
    markings: M,
    finalId,
    start: Int32Array.from(start),
    target: Int32Array.from(target),
    transition: Int32Array.from(transition),
    labelIds,
    labelOf,
    silent,
    completion,
    between,
    silentStart: silentIn.start,
    silentSource: silentIn.a,
    labelStart: byLabel.start,
    labelSource: byLabel.a,
    labelTarget: byLabel.b,
  };
}
