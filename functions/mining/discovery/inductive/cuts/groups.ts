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

/** Local vertex indexes to activity codes, each group ascending. */
export function toCodes(dfg: InductiveDfg, groups: number[][]): Groups {
  return groups.map((group) => group.map((i) => dfg.acts[i]!).sort((a, b) => a - b));
}

/**
 * Connected components of an undirected graph over k vertices given as a predicate, ordered
 * by their smallest vertex (PM4Py takes networkx's order, which follows Python's set order of
 * the activity names and so changes between runs; by the smallest name is the stable choice).
 */
export function components(k: number, joined: (i: number, j: number) => boolean): number[][] {
  const parent = Int32Array.from({ length: k }, (_, i) => i);
  const find = (i: number): number => {
    while (parent[i] !== i) {
      parent[i] = parent[parent[i]!]!;
      i = parent[i]!;
    }
    return i;
  };
  for (let i = 0; i < k; i++) {
    for (let j = i + 1; j < k; j++) {
      if (!joined(i, j)) continue;
      const a = find(i);
      const b = find(j);
      if (a !== b) parent[Math.max(a, b)] = Math.min(a, b);
    }
  }
  const byRoot = new Map<number, number[]>();
  for (let i = 0; i < k; i++) {
    const root = find(i);
    const group = byRoot.get(root);
    if (group === undefined) byRoot.set(root, [i]);
    else group.push(i);
  }
  return [...byRoot.values()];
}
