import { blockKey, projectBlocks } from './cuts/blocks.ts';
import { cutPrechecks } from './cuts/cut-prechecks.ts';
import { anyCutHoldsGiven } from './find-cut.ts';
import { withoutEachActivity } from './dfg-without-activity.ts';
import { dfgWithCuts, type InductiveDfg } from './inductive-dfg.ts';
import type { TreeOperator } from './process-tree.ts';
import { VariantLog } from './variant-log.ts';

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
  if (log.emptyTrace >= 0) return { operator: 'X', logs: [new VariantLog(), log.withoutEmptyTrace()] };
  const alphabet = dfg.acts;
  const once = activityOncePerTrace(log, alphabet, alphabetSize);
  if (once !== null) return splitOff(log, once, alphabetSize);
  const without = withoutEachActivity(log, dfg, alphabetSize);
  for (const candidate of alphabet) {
    let rest: InductiveDfg | null = null;
    const restDfg = () => (rest ??= without.dfg(candidate));
    const possible = without.possibleCuts(candidate) ?? cutPrechecks(restDfg());
    if (anyCutHoldsGiven(possible, restDfg)) return splitOff(log, candidate, alphabetSize, restDfg());
  }
  return tauLoop(log, dfg, true, alphabetSize) ?? tauLoop(log, dfg, false, alphabetSize) ?? flower(alphabet);
}

/** The first activity (by name) occurring exactly once in every trace. */
function activityOncePerTrace(log: VariantLog, alphabet: number[], alphabetSize: number): number | null {
  // Occurrences in the current trace; candidates still standing, in name order (usually none after a few traces).
  const seen = new Int32Array(alphabetSize);
  const candidates = Int32Array.from(alphabet);
  let left = candidates.length;
  const { codes, starts, ends } = log;
  for (let t = 0; t < log.size && left > 0; t++) {
    const from = starts[t]!;
    const to = ends[t]!;
    for (let i = from; i < to; i++) seen[codes[i]!]!++;
    let kept = 0;
    for (let c = 0; c < left; c++) {
      const a = candidates[c]!;
      if (seen[a] === 1) candidates[kept++] = a;
    }
    left = kept;
    for (let i = from; i < to; i++) seen[codes[i]!] = 0;
  }
  return left > 0 ? candidates[0]! : null;
}

/** `+( a, rest )`: the activity's own events, and the traces without it. */
function splitOff(log: VariantLog, a: number, alphabetSize: number, restDfg: InductiveDfg | null = null): FallThrough {
  const only = new VariantLog(alphabetSize, 64, log.size);
  const rest = VariantLog.projectionOf(log, alphabetSize);
  rest.knownDfg = restDfg;
  splitTraces(log, a, only, rest);
  return { operator: '+', logs: [only, rest] };
}

/**
 * The pass over the events, a function of its own: V8 compiles its long first run on the fly,
 * and deoptimized that compiled form on every call where the loop was followed by more code.
 */
function splitTraces(log: VariantLog, a: number, only: VariantLog, rest: VariantLog): void {
  const { codes, starts, ends, counts } = log;
  for (let t = 0; t < log.size; t++) {
    const from = starts[t]!;
    const to = ends[t]!;
    let o = only.reserve(to - from);
    let r = rest.reserve(to - from);
    const mine = only.codes;
    const other = rest.codes;
    for (let i = from; i < to; i++) {
      const code = codes[i]!;
      if (code === a) mine[o++] = code;
      else other[r++] = code;
    }
    only.commit(o, counts[t]!);
    rest.commit(r, counts[t]!);
  }
}

/**
 * `*( body, tau )`, cutting traces before each start activity (strict: only where an end
 * activity precedes it); null when no trace is cut, which the DFG tells: a cut is an edge
 * from an end (any activity when not strict) to a start.
 */
function tauLoop(log: VariantLog, dfg: InductiveDfg, strict: boolean, alphabetSize: number): FallThrough | null {
  const k = dfg.acts.length;
  const cuts = new Uint8Array(k * k);
  let cut = false;
  for (let a = 0; a < k; a++) {
    for (let b = 0; b < k; b++) {
      if (!(dfg.start[b]! > 0 && (!strict || dfg.end[a]! > 0))) continue;
      cuts[a * k + b] = 1;
      cut ||= dfg.edges[a * k + b]! > 0;
    }
  }
  if (!cut) return null;
  // Keys by activity code rather than sets: one lookup per event of every trace.
  const keys = new Int32Array(alphabetSize).fill(blockKey(0, false, !strict));
  for (let i = 0; i < k; i++) keys[dfg.acts[i]!] = blockKey(0, dfg.start[i]! > 0, !strict || dfg.end[i]! > 0);
  const body = VariantLog.viewOf(log, alphabetSize);
  projectBlocks(log, keys, [body]);
  body.knownDfg = dfgWithCuts(dfg, cuts);
  return { operator: '*', logs: [body, new VariantLog()] };
}

/** `*( X( every activity ), tau )`. */
function flower(alphabet: number[]): FallThrough {
  const body = new VariantLog();
  for (const a of alphabet) body.add([a], 1);
  return { operator: '*', logs: [body, new VariantLog()] };
}
