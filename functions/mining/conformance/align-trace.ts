import { LOG_MOVE_COST, MODEL_MOVE_COST, SYNC_MOVE_COST, TAU_MOVE_COST } from './alignment-costs.ts';
import type { NetGraph } from './net-graph.ts';
import { FittingCompletion } from './fitting-completion.ts';
import { SearchQueue } from './search-queue.ts';

/** One step of an alignment: `event` indexes the trace (-1 for a model move), `transition` the net (-1 for a log move). */
export interface AlignmentStep {
  kind: 'sync' | 'log' | 'model';
  event: number;
  transition: number;
}

export type TraceAlignmentOutcome =
  | { status: 'aligned'; cost: number; steps: AlignmentStep[]; expansions: number }
  /** The search expanded `budget` states without reaching the goal: no cost is claimed. */
  | { status: 'overBudget'; expansions: number }
  /** Every reachable state was expanded without reaching the goal (not possible when the graph's final marking is reachable). */
  | { status: 'unreachable'; expansions: number };

/** States expanded per trace before the search gives up. */
export const DEFAULT_EXPANSION_BUDGET = 100_000;

const HALF_DEVIATION = LOG_MOVE_COST / 2;

/**
 * An optimal alignment of a trace on a net under PM4Py's standard costs, by A* over the
 * synchronous product of the trace and the net's reachability graph. A state is (events
 * consumed, marking); from it a log move consumes the next event, a model move takes a step of
 * the graph, a sync move does both when the step's label is the event's activity. The goal is
 * the whole trace consumed with the net in its final marking (exactly, as PM4Py checks it).
 *
 * The heuristic is the largest of four lower bounds on the cost still to pay, each consistent
 * (a move lowers it by at most its own cost), so the first goal taken from the queue is optimal:
 * 1. the exact cost of the cheapest completion without deviation, capped at 10,000 (any
 *    completion with a deviation costs at least that): {@link FittingCompletion};
 * 2. the events to come whose activity no transition carries (each a log move, 10,000), plus
 *    what the next event costs before it is consumed: a log move or a visible model move
 *    (10,000), or the silent steps that enable a transition with its activity;
 * 3. those forced log moves plus the silent steps any path to the final marking takes
 *    (`completion`), capped at 10,000;
 * 4. the forced log moves plus a chain of segments: silent steps to enable the next modelled
 *    event, then between each modelled event and the next (`between`), then to the final
 *    marking, each segment capped at 5,000, since one log move (10,000) merges two segments and
 *    one visible model move breaks one.
 * Silent steps make up most of the cost of fitting traces on process-tree nets (bpic2012's IM
 * net: 129 for the 26 events of its first variant), and a search that does not count them expands every interleaving of
 * them cheaper than the optimum: bound 1 makes a fitting trace's search follow one optimal path
 * (ties go to the state furthest along the trace, then nearest the goal). Bounds 2-4 guide the
 * search of deviating traces. PM4Py's default bound is the marking equation, an LP per state;
 * these need no solver. States are reopened if a cheaper path turns up (they never do with
 * consistent bounds; kept so that a future bound that is only admissible stays correct).
 */
export function alignTrace(
  graph: NetGraph,
  trace: readonly string[],
  budget = DEFAULT_EXPANSION_BUDGET,
  fitting = new FittingCompletion(graph),
): TraceAlignmentOutcome {
  const n = trace.length;
  const M = graph.markings;
  const L = graph.labelIds.size;
  const W = L + 1;
  const { start, target, transition, labelOf, silent, completion, between } = graph;
  const labelAt = Int32Array.from(trace, (activity) => graph.labelIds.get(activity) ?? -1);
  const forcedLogMoves = new Int32Array(n + 2);
  for (let i = n - 1; i >= 0; i--) forcedLogMoves[i] = forcedLogMoves[i + 1]! + (labelAt[i]! < 0 ? 1 : 0);
  // The label of the first modelled event at or after i (L past the last), and the segments from it to the end.
  const nextLabel = new Int32Array(n + 1).fill(L);
  const chain = new Float64Array(n + 1);
  for (let i = n - 1; i >= 0; i--) {
    const a = labelAt[i]!;
    nextLabel[i] = a < 0 ? nextLabel[i + 1]! : a;
    chain[i] = (a < 0 ? 0 : Math.min(HALF_DEVIATION, between[a * W + nextLabel[i + 1]!]!)) + chain[i + 1]!;
  }
  fitting.prepare(labelAt);
  const h = (pos: number, m: number) => {
    const fits = fitting.at(n, pos, m);
    const forced = LOG_MOVE_COST * forcedLogMoves[pos]!;
    const toEnd = Math.min(LOG_MOVE_COST, completion[m]!) + forced;
    const segments = Math.min(HALF_DEVIATION, silent[m * W + nextLabel[pos]!]!) + chain[pos]! + forced;
    const a = pos < n ? labelAt[pos]! : L;
    const nextEvent = a < 0 ? forced : Math.min(LOG_MOVE_COST, silent[m * W + a]!) + LOG_MOVE_COST * forcedLogMoves[pos + 1]!;
    return Math.max(fits, nextEvent, toEnd, segments);
  };

  // State pos·M + m, numbered in order of discovery.
  const index = new Map<number, number>();
  const states: number[] = [];
  const costs: number[] = [];
  const estimates: number[] = [];
  const parents: number[] = [];
  /** The graph step taken into the state (-1: a log move). */
  const via: number[] = [];
  const closed: boolean[] = [];
  const queue = new SearchQueue();
  const reach = (pos: number, m: number, cost: number, parent: number, step: number) => {
    const state = pos * M + m;
    let id = index.get(state);
    if (id === undefined) {
      id = states.length;
      index.set(state, id);
      states.push(state);
      costs.push(cost);
      estimates.push(h(pos, m));
      parents.push(parent);
      via.push(step);
      closed.push(false);
    } else if (cost >= costs[id]!) return;
    else {
      costs[id] = cost;
      parents[id] = parent;
      via[id] = step;
      closed[id] = false;
    }
    queue.push(id, cost + estimates[id]!, pos, estimates[id]!);
  };

  reach(0, 0, 0, -1, -1);
  let expansions = 0;
  for (;;) {
    const id = queue.pop();
    if (id < 0) return { status: 'unreachable', expansions };
    if (closed[id]) continue;
    closed[id] = true;
    const state = states[id]!;
    const pos = Math.floor(state / M);
    const m = state - pos * M;
    const cost = costs[id]!;
    if (pos === n && m === graph.finalId) return { status: 'aligned', cost, steps: stepsTo(id, parents, via, states, M, transition), expansions };
    if (expansions >= budget) return { status: 'overBudget', expansions };
    expansions++;
    // Matched against transitions' labels: never -1 (silent), also for events no transition carries.
    const a = pos < n && labelAt[pos]! >= 0 ? labelAt[pos]! : -2;
    if (pos < n) reach(pos + 1, m, cost + LOG_MOVE_COST, id, -1);
    for (let k = start[m]!; k < start[m + 1]!; k++) {
      const label = labelOf[transition[k]!]!;
      if (label === a) reach(pos + 1, target[k]!, cost + SYNC_MOVE_COST, id, k);
      reach(pos, target[k]!, cost + (label < 0 ? TAU_MOVE_COST : MODEL_MOVE_COST), id, k);
    }
  }
}

function stepsTo(goal: number, parents: number[], via: number[], states: number[], M: number, transition: Int32Array): AlignmentStep[] {
  const steps: AlignmentStep[] = [];
  for (let id = goal; parents[id]! >= 0; id = parents[id]!) {
    const pos = Math.floor(states[id]! / M);
    const parentPos = Math.floor(states[parents[id]!]! / M);
    const step = via[id]!;
    if (step < 0) steps.push({ kind: 'log', event: pos - 1, transition: -1 });
    else if (pos > parentPos) steps.push({ kind: 'sync', event: pos - 1, transition: transition[step]! });
    else steps.push({ kind: 'model', event: -1, transition: transition[step]! });
  }
  return steps.reverse();
}
