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
  const { codes, offsets } = log;
  for (let t = 0; t < log.size && left > 0; t++) {
    const from = offsets[t]!;
    const to = offsets[t + 1]!;
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
  const { codes, offsets, counts } = log;
  for (let t = 0; t < log.size; t++) {
    const from = offsets[t]!;
    const to = offsets[t + 1]!;
    let o = only.reserve(only.end, to - from);
    let r = rest.reserve(rest.end, to - from);
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
 * activity precedes it); null when no trace is cut.
 */
function tauLoop(log: VariantLog, dfg: InductiveDfg, strict: boolean, alphabetSize: number): FallThrough | null {
  // Flags by activity code rather than sets: one lookup per event of every trace.
  const starts = new Uint8Array(alphabetSize);
  const ends = new Uint8Array(alphabetSize);
  const k = dfg.acts.length;
  for (let i = 0; i < k; i++) {
    if (dfg.start[i]! > 0) starts[dfg.acts[i]!] = 1;
    if (dfg.end[i]! > 0) ends[dfg.acts[i]!] = 1;
  }
  const body = VariantLog.projectionOf(log, alphabetSize);
  if (!cutBeforeStarts(log, starts, ends, strict, body)) return null;
  const cuts = new Uint8Array(k * k);
  for (let a = 0; a < k; a++) for (let b = 0; b < k; b++) if (dfg.start[b]! > 0 && (!strict || dfg.end[a]! > 0)) cuts[a * k + b] = 1;
  body.knownDfg = dfgWithCuts(dfg, cuts);
  return { operator: '*', logs: [body, new VariantLog()] };
}

/**
 * Adds the pieces of the traces to `body`; whether any trace was cut. (A function of its own
 * so that V8's compiled form of its long first run is not deoptimized by what follows the
 * loop, as it was on every call.)
 */
function cutBeforeStarts(log: VariantLog, starts: Uint8Array, ends: Uint8Array, strict: boolean, body: VariantLog): boolean {
  const { codes, offsets, counts } = log;
  let cut = false;
  for (let t = 0; t < log.size; t++) {
    const count = counts[t]!;
    const to = offsets[t + 1]!;
    let from = offsets[t]!;
    if (from === to) body.commit(body.end, count);
    for (let i = from + 1; i <= to; i++) {
      if (i === to || (starts[codes[i]!] === 1 && (!strict || ends[codes[i - 1]!] === 1))) {
        body.appendBlock(codes, from, i, count);
        cut ||= i < to;
        from = i;
      }
    }
  }
  return cut;
}

/** `*( X( every activity ), tau )`. */
function flower(alphabet: number[]): FallThrough {
  const body = new VariantLog();
  for (const a of alphabet) body.add([a], 1);
  return { operator: '*', logs: [body, new VariantLog()] };
}
