import { caseVariants } from '../log/case-variants.ts';
import type { EventLog } from '../log/event-log.ts';
import { compileNet, type ReplayNet } from './replay-net.ts';
import { Replayer } from './replayer.ts';

/** Token counts of one case's replay, as PM4Py's token-based replay defines them. */
export interface CaseFitness {
  caseId: string;
  /** 1/2 (1 - missing/consumed) + 1/2 (1 - remaining/produced); a term is 1 when its denominator is 0. */
  fitness: number;
  missing: number;
  consumed: number;
  remaining: number;
  produced: number;
  /** Events whose activity no visible transition carries: skipped, as PM4Py does, and counted here. */
  activitiesNotInModel: number;
}

export interface ReplayResult {
  /** Per case, in log order (built on first access from the per-variant figures). */
  readonly cases: CaseFitness[];
  /** PM4Py's log fitness: the formula over the token counts summed over all cases. */
  logFitness: number;
  /** Mean of the case fitness values (PM4Py's `average_trace_fitness`). */
  averageFitness: number;
  /** Cases without missing or remaining tokens and without activities outside the model. */
  fittingCases: number;
  /** The same figures without an object per case: case c (`caseIds[c]`) has those of variant `variantOf[c]`. */
  caseIds: readonly string[];
  variantOf: Uint32Array;
  byVariant: { [K in Exclude<keyof CaseFitness, 'caseId'>]: Float64Array };
}

export interface ReplayOptions {
  /**
   * Markings a search for silent firings may expand before it gives up (default 1,000), so
   * that unbounded nets or long silent cycles cannot stall replay.
   */
  maxSilentExpansions?: number;
}

/**
 * Token-based replay of every case on `net`.
 *
 * Per event, a transition with the event's activity as label fires: an enabled one if there is
 * one; else one that a shortest sequence of silent transitions enables (breadth-first over
 * markings, so duplicate labels and silent transitions are handled); else the first one,
 * forced, counting the tokens it lacked as missing. At the end, silent transitions fire when
 * they lead to exactly the final marking (or else to one covering it); then the final marking
 * is consumed, counting absent tokens as missing, and whatever is left is remaining. The
 * initial marking counts as produced and the final one as consumed. On nets without silent
 * transitions and duplicate labels this is PM4Py's replay; with them, PM4Py looks for silent
 * paths on the net's graph rather than its markings, so figures can differ slightly.
 *
 * Cases with the same activity sequence replay identically, so each variant replays once, and
 * the per-case objects are built only when `cases` is read (discovery reads only the sums).
 */
export function tokenReplay(log: EventLog, net: ReplayNet, options: ReplayOptions = {}): ReplayResult {
  const replayer = new Replayer(compileNet(net), log.activities, options.maxSilentExpansions ?? 1000);
  const { ofCase, firstCase, counts: casesOf } = caseVariants(log);
  const variantCount = firstCase.length;
  // Small integers in a plain array: read back before the JIT has compiled `spread`, numbers
  // from a Float64Array were a heap number each (1.4 MB of them on bpic2012).
  const figures: number[] = new Array(variantCount * 5).fill(0);
  replayer.replayAll(log.caseOffsets, log.activityCodes, firstCase, figures);
  const byVariant: ReplayResult['byVariant'] = {
    fitness: new Float64Array(variantCount),
    missing: new Float64Array(variantCount),
    consumed: new Float64Array(variantCount),
    remaining: new Float64Array(variantCount),
    produced: new Float64Array(variantCount),
    activitiesNotInModel: new Float64Array(variantCount),
  };
  const totals = spread(figures, casesOf, byVariant);
  const fitnessSum = sumInCaseOrder(ofCase, byVariant.fitness);
  let cases: CaseFitness[] | undefined;
  const caseIds = log.caseIds;
  return {
    get cases(): CaseFitness[] {
      cases ??= Array.from(ofCase, (v, c) => caseFitness(caseIds[c]!, byVariant, v));
      return cases;
    },
    logFitness: fitnessOf(totals[0]!, totals[1]!, totals[2]!, totals[3]!),
    averageFitness: ofCase.length > 0 ? fitnessSum / ofCase.length : 1,
    fittingCases: totals[4]!,
    caseIds,
    variantOf: ofCase,
    byVariant,
  };
}

/**
 * Copies the per-variant figures (5 per variant) into the columns with each variant's fitness,
 * and returns the log's missing, consumed, remaining and produced tokens and its fitting cases.
 * Loops over variants and cases sit in small functions of their own: the JIT compiles a long
 * loop where it runs, and compiling the whole of tokenReplay for it cost 3-5 ms.
 */
function spread(figures: number[], casesOf: Uint32Array, byVariant: ReplayResult['byVariant']): number[] {
  const { missing: missingOf, consumed: consumedOf, remaining: remainingOf, produced: producedOf, activitiesNotInModel: notInModelOf, fitness } = byVariant;
  let missingTotal = 0;
  let consumedTotal = 0;
  let remainingTotal = 0;
  let producedTotal = 0;
  let fitting = 0;
  for (let v = 0, variants = casesOf.length; v < variants; v++) {
    const o = v * 5;
    const n = casesOf[v]!;
    const missing = figures[o]!;
    const consumed = figures[o + 1]!;
    const remaining = figures[o + 2]!;
    const produced = figures[o + 3]!;
    const notInModel = figures[o + 4]!;
    missingOf[v] = missing;
    consumedOf[v] = consumed;
    remainingOf[v] = remaining;
    producedOf[v] = produced;
    notInModelOf[v] = notInModel;
    fitness[v] = fitnessOf(missing, consumed, remaining, produced);
    // Token counts are integers: summing them per variant times its cases is exact.
    missingTotal += missing * n;
    consumedTotal += consumed * n;
    remainingTotal += remaining * n;
    producedTotal += produced * n;
    if (missing === 0 && remaining === 0 && notInModel === 0) fitting += n;
  }
  return [missingTotal, consumedTotal, remainingTotal, producedTotal, fitting];
}

/** Fitness values are not integers: summed case by case, in case order, as before. */
function sumInCaseOrder(ofCase: Uint32Array, fitness: Float64Array): number {
  let sum = 0;
  for (let c = 0, cases = ofCase.length; c < cases; c++) sum += fitness[ofCase[c]!]!;
  return sum;
}

/** Case figures from the per-variant columns. */
export function caseFitness(caseId: string, byVariant: ReplayResult['byVariant'], v: number): CaseFitness {
  return {
    caseId,
    fitness: byVariant.fitness[v]!,
    missing: byVariant.missing[v]!,
    consumed: byVariant.consumed[v]!,
    remaining: byVariant.remaining[v]!,
    produced: byVariant.produced[v]!,
    activitiesNotInModel: byVariant.activitiesNotInModel[v]!,
  };
}

function fitnessOf(missing: number, consumed: number, remaining: number, produced: number): number {
  const consumedTerm = consumed > 0 ? 1 - missing / consumed : 1;
  const producedTerm = produced > 0 ? 1 - remaining / produced : 1;
  return 0.5 * consumedTerm + 0.5 * producedTerm;
}
