import { concurrencyCut, projectConcurrency } from './cuts/concurrency.ts';
import { exclusiveChoiceCut, projectExclusiveChoice } from './cuts/exclusive-choice.ts';
import { cutPrechecks, type CutPrechecks } from './cuts/cut-prechecks.ts';
import type { Groups } from './cuts/groups.ts';
import { loopCut, projectLoop } from './cuts/loop.ts';
import { projectSequence, strictSequenceCut } from './cuts/sequence.ts';
import type { InductiveDfg } from './inductive-dfg.ts';
import type { TreeOperator } from './process-tree.ts';
import type { VariantLog } from './variant-log.ts';

export interface Cut {
  operator: TreeOperator;
  /** One sub-log per child, in the children's order. */
  logs: VariantLog[];
}

interface CutKind {
  operator: TreeOperator;
  /** Its pre-check in {@link CutPrechecks}: false means the cut is null. */
  possible: keyof CutPrechecks;
  detect: (dfg: InductiveDfg) => Groups | null;
  /** `ownDfg`: the groups were cut from the log's own DFG (rather than IMf's filtered one). */
  project: (log: VariantLog, groups: Groups, alphabetSize: number, dfg: InductiveDfg, ownDfg: boolean) => VariantLog[];
}

/** PM4Py's order of trial for IM and IMf. */
const CUTS: readonly CutKind[] = [
  { operator: 'X', possible: 'exclusiveChoice', detect: exclusiveChoiceCut, project: projectExclusiveChoice },
  { operator: '->', possible: 'sequence', detect: strictSequenceCut, project: projectSequence },
  { operator: '+', possible: 'concurrency', detect: concurrencyCut, project: projectConcurrency },
  { operator: '*', possible: 'loop', detect: loopCut, project: projectLoop },
];

/**
 * The first cut of the DFG that holds, with the log projected on its groups. `dfg` is the
 * log's own DFG or, in IMf's second attempt, its filtered version. A strict sequence cut whose
 * merges leave a single group is no cut here: PM4Py would recurse on the same log forever.
 */
export function findCut(log: VariantLog, dfg: InductiveDfg, alphabetSize: number, ownDfg = true): Cut | null {
  const possible = cutPrechecks(dfg);
  for (const cut of CUTS) {
    if (!possible[cut.possible]) continue;
    const groups = cut.detect(dfg);
    if (groups === null || groups.length < 2) continue;
    return { operator: cut.operator, logs: cut.project(log, groups, alphabetSize, dfg, ownDfg) };
  }
  return null;
}

/**
 * Whether any cut holds, as PM4Py's activity-concurrent fall-through asks it: here a strict
 * sequence cut reduced to one group does count.
 */
export function anyCutHolds(dfg: InductiveDfg): boolean {
  return anyCutHoldsGiven(cutPrechecks(dfg), () => dfg);
}

/** {@link anyCutHolds} from the DFG's pre-checks, building the DFG only when they leave a full test to run. */
export function anyCutHoldsGiven(possible: CutPrechecks, dfg: () => InductiveDfg): boolean {
  // The exclusive-choice pre-check is the cut; a strict sequence cut is never null once its
  // groups are more than one.
  if (possible.exclusiveChoice || possible.sequence) return true;
  if (!possible.concurrency && !possible.loop) return false;
  const full = dfg();
  return (possible.concurrency && concurrencyCut(full) !== null) || (possible.loop && loopCut(full) !== null);
}
