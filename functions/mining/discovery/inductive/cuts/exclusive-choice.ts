import { dfgOfBlocks, type InductiveDfg } from '../inductive-dfg.ts';
import { VariantLog } from '../variant-log.ts';
import { components, groupIndex, toCodes, undirected, vertexFlags, type Groups } from './groups.ts';

/** Exclusive-choice cut: the connected components of the DFG taken as undirected, when more than one. */
export function exclusiveChoiceCut(dfg: InductiveDfg): Groups | null {
  const k = dfg.acts.length;
  const { edges } = dfg;
  const groups = components(k, undirected(edges, k));
  return groups.length > 1 ? toCodes(dfg, groups) : null;
}

/**
 * Each trace goes to the group holding most of its events (ties to the later group, as
 * PM4Py sorts), keeping only that group's events. On the log's own DFG a trace lies in one
 * group; IMf's filtered DFG can cut through traces.
 */
export function projectExclusiveChoice(log: VariantLog, groups: Groups, alphabetSize: number, dfg: InductiveDfg, ownDfg: boolean): VariantLog[] {
  const index = groupIndex(groups, alphabetSize);
  const logs = groups.map(() => VariantLog.projectionOf(log, alphabetSize));
  if (ownDfg) vertexFlags(dfg, index, groups.length).forEach((flags, g) => (logs[g]!.knownDfg = dfgOfBlocks(dfg, flags)));
  const hits = new Int32Array(groups.length);
  const { codes, starts, ends, counts } = log;
  for (let t = 0; t < log.size; t++) {
    const from = starts[t]!;
    const to = ends[t]!;
    hits.fill(0);
    for (let i = from; i < to; i++) {
      const g = index[codes[i]!]!;
      if (g >= 0) hits[g]!++;
    }
    let best = groups.length - 1;
    for (let g = groups.length - 2; g >= 0; g--) if (hits[g]! > hits[best]!) best = g;
    const out = logs[best]!;
    let w = out.reserve(hits[best]!);
    const into = out.codes;
    for (let i = from; i < to; i++) if (index[codes[i]!] === best) into[w++] = codes[i]!;
    out.commit(w, counts[t]!);
  }
  return logs;
}
