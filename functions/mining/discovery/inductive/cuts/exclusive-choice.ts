import type { InductiveDfg } from '../inductive-dfg.ts';
import { TraceBuffer, VariantLog } from '../variant-log.ts';
import { components, groupIndex, toCodes, type Groups } from './groups.ts';

/** Exclusive-choice cut: the connected components of the DFG taken as undirected, when more than one. */
export function exclusiveChoiceCut(dfg: InductiveDfg): Groups | null {
  const k = dfg.acts.length;
  const { edges } = dfg;
  const groups = components(k, (i, j) => edges[i * k + j]! > 0 || edges[j * k + i]! > 0);
  return groups.length > 1 ? toCodes(dfg, groups) : null;
}

/**
 * Each trace goes to the group holding most of its events (ties to the later group, as
 * PM4Py sorts), keeping only that group's events. On the log's own DFG a trace lies in one
 * group; IMf's filtered DFG can cut through traces.
 */
export function projectExclusiveChoice(log: VariantLog, groups: Groups, alphabetSize: number): VariantLog[] {
  const index = groupIndex(groups, alphabetSize);
  const logs = groups.map(() => new VariantLog());
  const hits = new Int32Array(groups.length);
  const part = new TraceBuffer();
  log.traces.forEach((trace, t) => {
    hits.fill(0);
    for (let i = 0; i < trace.length; i++) {
      const g = index[trace.charCodeAt(i)]!;
      if (g >= 0) hits[g]!++;
    }
    let best = groups.length - 1;
    for (let g = groups.length - 2; g >= 0; g--) if (hits[g]! > hits[best]!) best = g;
    let kept = trace;
    if (hits[best] !== trace.length) {
      for (let i = 0; i < trace.length; i++) {
        const code = trace.charCodeAt(i);
        if (index[code] === best) part.push(code);
      }
      kept = part.take();
    }
    logs[best]!.add(kept, log.counts[t]!);
  });
  return logs;
}
