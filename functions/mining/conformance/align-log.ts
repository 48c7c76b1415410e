import { caseVariants } from '../log/case-variants.ts';
import type { EventLog } from '../log/event-log.ts';
import type { PetriNet } from '../models/petri-net.ts';
import { compileNet, replayNetOf } from '../ml/replay-net.ts';
import { deviationsOf, LOG_MOVE_COST } from './alignment-costs.ts';
import { alignTrace, DEFAULT_EXPANSION_BUDGET, type AlignmentStep } from './align-trace.ts';
import { FittingCompletion } from './fitting-completion.ts';
import { markingLimit, netGraph } from './net-graph.ts';

/** A deviation as shown: silent model moves are left out, sync moves are not deviations. */
export interface AlignmentDeviation {
  kind: 'log' | 'model';
  activity: string;
  /** Position of the event in the case, from 1 (log moves); for model moves the number of events consumed before it. */
  event: number;
}

/** The optimal alignment of one deviating variant (cost at least one log or model move). */
export interface VariantAlignment {
  /** Variant id as caseVariants numbers them (order of first appearance). */
  variant: number;
  cases: number;
  /** PM4Py's cost: 10,000 per log or visible model move, 1 per silent move. */
  cost: number;
  fitness: number;
  deviations: AlignmentDeviation[];
}

/** PM4Py's alignment-based fitness figures (evaluation/replay_fitness/variants/alignment_based.py), named as the token-replay ones are. */
export interface AlignmentFitness {
  logFitness: number;
  averageTraceFitness: number;
  fittingTraces: number;
  percentageFittingTraces: number;
  /** Cases the figures are over: those of the aligned variants. */
  casesAligned: number;
  variantsAligned: number;
  /** Variants whose search hit the expansion budget, or left when the log's was spent: not aligned, their cases left out of the figures (PM4Py leaves out timed-out traces alike). */
  variantsOverBudget: number;
  /** Cost of aligning the empty trace (PM4Py's "best worst cost"). */
  emptyTraceCost: number;
  /** States the A* search expanded over all variants, and the most for one variant. */
  expansions: { total: number; maxPerVariant: number };
}

export interface LogAlignment {
  fitness: AlignmentFitness;
  /** Deviating variants only, in variant order. */
  deviating: VariantAlignment[];
}

export interface AlignLogOptions {
  /** States expanded per variant before it is given up (default {@link DEFAULT_EXPANSION_BUDGET}). */
  budget?: number;
  /** States expanded over the whole log; the variants left when they are spent are not aligned (default {@link DEFAULT_LOG_EXPANSION_BUDGET}). */
  logBudget?: number;
  /** {@link alignLogSteps} pauses after a variant once this many states were expanded since its last pause (default {@link SAFE_POINT_EXPANSIONS}). */
  safePointEvery?: number;
}

/**
 * Expansions between two safe points of {@link alignLogSteps}: about 50 ms at bpic2012's ~5 µs an
 * expansion. The phase's cancellation check (a read of the operation) completes over several
 * turns of the event loop, one per safe point. Through the local stack, bpic2012 with
 * `high_accuracy` cancelled 0.8 s into discovery: without safe points the phase ran its 5 s of
 * alignments and ended Completed 5.4-5.6 s later; at 50,000 it stopped after 3.4 s; at 10,000,
 * Cancelled after 0.3-1.5 s.
 */
export const SAFE_POINT_EXPANSIONS = 10_000;

/**
 * States expanded for one log at most: about 50 s at the ~5 µs an expansion took on bpic2012's
 * IM net (1.0 million expansions, 5.2 s), well inside the phase's 900 s. The per-variant budget
 * alone would let thousands of hard variants run for hours.
 */
export const DEFAULT_LOG_EXPANSION_BUDGET = 10_000_000;

/**
 * PM4Py's trace fitness: 1 - (cost // 10000) / ((10000·|trace| + empty-trace cost) // 10000), and
 * 0 when that denominator is 0 (an empty trace on a net that accepts it silently: PM4Py's
 * `if fitness_den > 0 else 0`).
 */
export function traceFitness(cost: number, traceLength: number, emptyTraceCost: number): number {
  const den = deviationsOf(LOG_MOVE_COST * traceLength + emptyTraceCost);
  return den > 0 ? 1 - deviationsOf(cost) / den : 0;
}

const deviationsShown = (steps: AlignmentStep[], trace: readonly string[], labels: (string | null)[]): AlignmentDeviation[] => {
  const shown: AlignmentDeviation[] = [];
  let consumed = 0;
  for (const step of steps) {
    if (step.kind === 'sync') consumed++;
    else if (step.kind === 'log') shown.push({ kind: 'log', activity: trace[step.event]!, event: ++consumed });
    else if (labels[step.transition] !== null) shown.push({ kind: 'model', activity: labels[step.transition]!, event: consumed });
  }
  return shown;
};

/** Variant ids in the order of their activities read backwards, so that neighbours share their ends (see FittingCompletion). */
function bySuffix(log: EventLog, firstCase: Uint32Array): number[] {
  const { caseOffsets: offsets, activityCodes: codes } = log;
  const order = Array.from(firstCase, (_, v) => v);
  return order.sort((x, y) => {
    let i = offsets[firstCase[x]! + 1]! - 1;
    let j = offsets[firstCase[y]! + 1]! - 1;
    const iEnd = offsets[firstCase[x]!]!;
    const jEnd = offsets[firstCase[y]!]!;
    for (; i >= iEnd && j >= jEnd; i--, j--) if (codes[i] !== codes[j]) return codes[i]! - codes[j]!;
    return i - iEnd - (j - jEnd);
  });
}

/**
 * Optimal alignments of every variant of the log on the net (once per variant: its cases
 * align alike), and PM4Py's log figures over the cases: log fitness 1 - Σcost / Σ(10000·|trace|
 * + empty-trace cost), the mean trace fitness, the traces with fitness 1. Null when the net has
 * more reachable markings than {@link markingLimit} allows or cannot reach its final marking.
 */
export function alignLog(log: EventLog, net: PetriNet, options: AlignLogOptions = {}): LogAlignment | null {
  const steps = alignLogSteps(log, net, options);
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/**
 * {@link alignLog} pausing at safe points between variants (yielding the variants aligned so far), so that the
 * caller can report progress, give the event loop a turn and stop it there.
 */
export function* alignLogSteps(log: EventLog, net: PetriNet, options: AlignLogOptions = {}): Generator<number, LogAlignment | null, void> {
  const budget = options.budget ?? DEFAULT_EXPANSION_BUDGET;
  let left = options.logBudget ?? DEFAULT_LOG_EXPANSION_BUDGET;
  const graph = netGraph(compileNet(replayNetOf(net)));
  if (graph === null) return null;
  const names = [...graph.labelIds.keys()];
  const labels = Array.from(graph.labelOf, (id) => (id < 0 ? null : names[id]!));
  const empty = alignTrace(graph, [], budget);
  if (empty.status !== 'aligned') return null;
  const emptyTraceCost = empty.cost;
  const { firstCase, counts } = caseVariants(log);
  let casesAligned = 0,
    variantsAligned = 0,
    variantsOverBudget = 0,
    fittingTraces = 0;
  let sumFitness = 0,
    sumCost = 0,
    sumBest = 0,
    total = empty.expansions,
    maxPerVariant = empty.expansions;
  const deviating: VariantAlignment[] = [];
  const fitting = new FittingCompletion(graph);
  const safePointEvery = options.safePointEvery ?? SAFE_POINT_EXPANSIONS;
  let sincePause = 0;
  for (const v of bySuffix(log, firstCase)) {
    if (sincePause >= safePointEvery) {
      sincePause = 0;
      yield variantsAligned + variantsOverBudget;
    }
    if (left <= 0) {
      variantsOverBudget++;
      continue;
    }
    const from = log.caseOffsets[firstCase[v]!]!;
    const to = log.caseOffsets[firstCase[v]! + 1]!;
    const trace = Array.from(log.activityCodes.subarray(from, to), (code) => log.activities[code]!);
    const outcome = alignTrace(graph, trace, Math.min(budget, left), fitting);
    left -= outcome.expansions;
    sincePause += outcome.expansions;
    total += outcome.expansions;
    if (outcome.expansions > maxPerVariant) maxPerVariant = outcome.expansions;
    if (outcome.status !== 'aligned') {
      variantsOverBudget++;
      continue;
    }
    const cases = counts[v]!;
    const fitness = traceFitness(outcome.cost, trace.length, emptyTraceCost);
    variantsAligned++;
    casesAligned += cases;
    sumFitness += cases * fitness;
    sumCost += cases * outcome.cost;
    sumBest += cases * (LOG_MOVE_COST * trace.length + emptyTraceCost);
    if (fitness === 1) fittingTraces += cases;
    if (deviationsOf(outcome.cost) > 0)
      deviating.push({ variant: v, cases, cost: outcome.cost, fitness, deviations: deviationsShown(outcome.steps, trace, labels) });
  }
  deviating.sort((a, b) => a.variant - b.variant);
  return {
    fitness: {
      logFitness: casesAligned > 0 ? 1 - sumCost / sumBest : 0,
      averageTraceFitness: casesAligned > 0 ? sumFitness / casesAligned : 0,
      fittingTraces,
      percentageFittingTraces: casesAligned > 0 ? (100 * fittingTraces) / casesAligned : 0,
      casesAligned,
      variantsAligned,
      variantsOverBudget,
      emptyTraceCost,
      expansions: { total, maxPerVariant },
    },
    deviating,
  };
}
