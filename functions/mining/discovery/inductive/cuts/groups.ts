import type { InductiveDfg } from '../inductive-dfg.ts';

/** Groups of activity codes a cut splits the alphabet into, in the cut's order. */
export type Groups = number[][];

/** Group index of each activity code (-1 for none). */
export function groupIndex(groups: Groups, alphabetSize: number): Int32Array {
  const index = new Int32Array(alphabetSize).fill(-1);
  groups.forEach((group, g) => {
    for (const code of group) index[code] = g;
  });
  return index;
}

/**
 * Per group, its local vertices of `dfg` as flags (for `dfgOfBlocks`): the sub-logs of a cut
 * on the log's own DFG get their DFGs from it rather than from counting their events.
 */
export function vertexFlags(dfg: InductiveDfg, index: Int32Array, groups: number): Uint8Array[] {
  const k = dfg.acts.length;
  return Array.from({ length: groups }, (_, g) => {
    const flags = new Uint8Array(k);
    for (let i = 0; i < k; i++) if (index[dfg.acts[i]!] === g) flags[i] = 1;
    return flags;
  });
}

/** Local vertex indexes to activity codes, each group ascending. */
export function toCodes(dfg: InductiveDfg, groups: number[][]): Groups {
  return groups.map((group) => group.map((i) => dfg.acts[i]!).sort((a, b) => a - b));
}

/**
 * Connected components of an undirected graph over k vertices, `joined[i * k + j]` (i < j)
 * set for an edge, ordered by their smallest vertex (PM4Py takes networkx's order, which
 * follows Python's set order of the activity names and so changes between runs; by the
 * smallest name is the stable choice). A matrix rather than a predicate: the cuts are tried
 * on every sub-log and on every candidate of the fall-throughs, mostly before V8 compiles
 * them, and a closure call per pair was most of their cost.
 */
export function components(k: number, joined: Uint8Array): number[][] {
  const parent = new Int32Array(k);
  for (let i = 0; i < k; i++) parent[i] = i;
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      if (joined[i * k + j] === 0) continue;
      let a = i;
      while (parent[a] !== a) a = parent[a] = parent[parent[a]!]!;
      let b = j;
      while (parent[b] !== b) b = parent[b] = parent[parent[b]!]!;
      if (a < b) parent[b] = a;
      else if (b < a) parent[a] = b;
    }
  }
  const slot = new Int32Array(k).fill(-1);
  const groups: number[][] = [];
  for (let i = 0; i < k; i++) {
    let root = i;
    while (parent[root] !== root) root = parent[root]!;
    if (slot[root]! < 0) {
      slot[root] = groups.length;
      groups.push([i]);
    } else groups[slot[root]!]!.push(i);
  }
  return groups;
}

/** `joined` for {@link components}: i and j joined when an edge goes either way. */
export function undirected(edges: Float64Array, k: number): Uint8Array {
  const joined = new Uint8Array(k * k);
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) if (edges[i * k + j]! > 0 || edges[j * k + i]! > 0) joined[i * k + j] = 1;
  return joined;
}
