import type { InductiveDfg } from '../inductive-dfg.ts';
import { VariantLog } from '../variant-log.ts';
import { components, groupIndex, toCodes, type Groups } from './groups.ts';

/**
 * Concurrency cut as PM4Py finds it: activities not directly following each other both ways
 * belong together (PM4Py merges pairwise from the sorted alphabet, which ends in the
 * connected components of that relation, ordered by their first activity). Groups are then
 * sorted by size, and a group lacking a start or an end activity is merged into its
 * neighbour.
 */
export function concurrencyCut(dfg: InductiveDfg): Groups | null {
  const k = dfg.acts.length;
  if (k === 0) return null;
  const { edges } = dfg;
  // Joined unless they directly follow each other both ways.
  const joined = new Uint8Array(k * k);
  for (let i = 0; i < k; i++) for (let j = i + 1; j < k; j++) if (!(edges[i * k + j]! > 0 && edges[j * k + i]! > 0)) joined[i * k + j] = 1;
  const groups = components(k, joined).sort((a, b) => a.length - b.length);
  let i = 0;
  while (i < groups.length && groups.length > 1) {
    const group = groups[i]!;
    if (group.some((a) => dfg.start[a]! > 0) && group.some((a) => dfg.end[a]! > 0)) {
      i++;
      continue;
    }
    groups.splice(i, 1);
    const into = i === 0 ? 0 : i - 1;
    groups[into] = groups[into]!.concat(group);
  }
  return groups.length > 1 ? toCodes(dfg, groups) : null;
}

/**
 * Each group's log keeps the trace's events of that group. PM4Py assigns the count of a
 * projected trace instead of adding to it (`c[projection] = count`), so the last trace
 * projecting onto it sets its count; kept, since IMf's filter reads those counts.
 */
export function projectConcurrency(log: VariantLog, groups: Groups, alphabetSize: number): VariantLog[] {
  const index = groupIndex(groups, alphabetSize);
  const logs = groups.map(() => VariantLog.projectionOf(log, alphabetSize));
  const { codes, starts, ends, counts } = log;
  for (let t = 0; t < log.size; t++) {
    const from = starts[t]!;
    const to = ends[t]!;
    for (let g = 0; g < logs.length; g++) {
      const out = logs[g]!;
      let w = out.reserve(to - from);
      const into = out.codes;
      for (let i = from; i < to; i++) if (index[codes[i]!] === g) into[w++] = codes[i]!;
      out.commitSet(w, counts[t]!);
    }
  }
  return logs;
}
