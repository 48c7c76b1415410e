import { concurrencyCut, projectConcurrency } from './cuts/concurrency.ts';
import { exclusiveChoiceCut, projectExclusiveChoice } from './cuts/exclusive-choice.ts';
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
  detect: (dfg: InductiveDfg) => Groups | null;
  /** `ownDfg`: the groups were cut from the log's own DFG (rather than IMf's filtered one). */
  project: (log: VariantLog, groups: Groups, alphabetSize: number, dfg: InductiveDfg, ownDfg: boolean) => VariantLog[];
}

/** PM4Py's order of trial for IM and IMf. */
const CUTS: readonly CutKind[] = [
  { operator: 'X', detect: exclusiveChoiceCut, project: projectExclusiveChoice },
  { operator: '->', detect: strictSequenceCut, project: projectSequence },
  { operator: '+', detect: concurrencyCut, project: projectConcurrency },
  { operator: '*', detect: loopCut, project: projectLoop },
];

/**
 * The first cut of the DFG that holds, with the log projected on its groups. `dfg` is the
 * log's own DFG or, in IMf's second attempt, its filtered version. A strict sequence cut whose
 * merges leave a single group is no cut here: PM4Py would recurse on the same log forever.
 */
export function findCut(log: VariantLog, dfg: InductiveDfg, alphabetSize: number, ownDfg = true): Cut | null {
  for (const cut of CUTS) {
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
  return CUTS.some((cut) => cut.detect(dfg) !== null);
}
