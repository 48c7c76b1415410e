import { compareCodePoints } from './code-point-order.ts';
import type { EventLog } from '../log/event-log.ts';
import { logCounts } from '../log/log-counts.ts';

/**
 * Heuristics Miner, "classic" variant as implemented by PM4Py (Weijters & van der Aalst,
 * "Rediscovering workflow models from event-based data using Little Thumb", 2003).
 * Parameter names are PM4Py's in camelCase and the defaults are PM4Py's.
 */
export interface HeuristicsMinerParameters {
  /** `dependency_thresh`: minimum dependency a => b for an edge. */
  dependencyThreshold: number;
  /** `and_measure_thresh`: minimum AND measure for two successors (predecessors) to be concurrent. */
  andThreshold: number;
  /** `loop_length_two_thresh`: minimum a-b-a / b-a-b measure for a length-two loop. */
  loopTwoThreshold: number;
  /** `min_act_count`: activities occurring fewer times take no part in edges. */
  minActOccurrences: number;
  /** `min_dfg_occurrences`: directly-follows pairs seen fewer times give no edge. */
  minDfgOccurrences: number;
  /**
   * `dfg_pre_cleaning_noise_thresh`: before anything else, a directly-follows pair (a, b) is
   * dropped when its count is below this fraction of the busiest edge at a AND of the busiest
   * edge at b (edges in or out); 0 disables it. PM4Py applies 0.05 by default even though its
   * simplified interface does not expose it, so the default here is the same.
   */
  dfgPreCleaningNoiseThreshold: number;
}

export const DEFAULT_HEURISTICS_PARAMETERS: Readonly<HeuristicsMinerParameters> = Object.freeze({
  dependencyThreshold: 0.5,
  andThreshold: 0.65,
  loopTwoThreshold: 0.5,
  minActOccurrences: 1,
  minDfgOccurrences: 1,
  dfgPreCleaningNoiseThreshold: 0.05,
});

export interface HeuristicsNode {
  activity: string;
  /** Events of the activity. */
  occurrences: number;
  /** Cases starting (ending) with the activity; 0 when it is not a start (end) activity. */
  startCount: number;
  endCount: number;
  /**
   * Pairs of successors (a, b), a < b by code point, whose AND measure
   * (|a>b| + |b>a|) / (|n>a| + |n>b| + 1) reaches `andThreshold`: they are taken as parallel.
   */
  andSplits: Array<{ a: string; b: string; value: number }>;
  /** Same over predecessors, with (|a>b| + |b>a|) / (|a>n| + |b>n| + 1). */
  andJoins: Array<{ a: string; b: string; value: number }>;
  /** Activities b forming a length-two loop n-b-n with this node. */
  loopsLengthTwo: string[];
}

export interface HeuristicsEdge {
  from: string;
  to: string;
  /** Directly-follows count |from > to|. */
  frequency: number;
  /**
   * Dependency from => to: (|a>b| - |b>a|) / (|a>b| + |b>a| + 1), or |a>a| / (|a>a| + 1) on a
   * self-loop. Edges added for length-two loops carry 0, as in PM4Py.
   */
  dependency: number;
  /** True when the edge was added because of a length-two loop rather than its dependency. */
  loopLengthTwo: boolean;
}

export interface HeuristicsNet {
  /** In activity-table order (first appearance in the log). */
  nodes: HeuristicsNode[];
  /** Sorted by `from`, then `to`, in activity-table order. */
  edges: HeuristicsEdge[];
  parameters: HeuristicsMinerParameters;
}

/** Dependency measure a => b from the two directly-follows counts (PM4Py's formula). */
export function dependencyMeasure(ab: number, ba: number, selfLoop = false): number {
  return selfLoop ? ab / (ab + 1) : (ab - ba) / (ab + ba + 1);
}

export function heuristicsMiner(log: EventLog, parameters: Partial<HeuristicsMinerParameters> = {}): HeuristicsNet {
  const params: HeuristicsMinerParameters = { ...DEFAULT_HEURISTICS_PARAMETERS, ...parameters };
  const n = log.activities.length;

  // Counted with everything else discovery needs (log-counts.ts), unless the alphabet is too large for that.
  const { occurrences, starts, ends, follows, triples } = logCounts(log) ?? countEvents(log);
  const dfg = params.dfgPreCleaningNoiseThreshold > 0 ? cleanNoise(follows, n, params.dfgPreCleaningNoiseThreshold) : follows;
  const dependency = (a: number, b: number) => dependencyMeasure(dfg[a * n + b]!, dfg[b * n + a]!, a === b);
  const frequentActivity = (a: number) => occurrences[a]! >= params.minActOccurrences;
  const frequentPair = (a: number, b: number) => dfg[a * n + b]! > 0 && dfg[a * n + b]! >= params.minDfgOccurrences;

  const isNode = new Uint8Array(n);
  const edges: Array<{ from: number; to: number; dependency: number; loopLengthTwo: boolean }> = [];
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      if (!frequentPair(a, b) || !frequentActivity(a) || !frequentActivity(b)) continue;
      const value = dependency(a, b);
      if (value < params.dependencyThreshold) continue;
      isNode[a] = 1;
      isNode[b] = 1;
      edges.push({ from: a, to: b, dependency: value, loopLengthTwo: false });
    }
  }

  const successors = (a: number) => edges.filter((edge) => edge.from === a).map((edge) => edge.to);
  const predecessors = (b: number) => edges.filter((edge) => edge.to === b).map((edge) => edge.from);
  const byName = (x: number, y: number) => compareCodePoints(log.activities[x]!, log.activities[y]!);
  const andMeasures = (neighbours: number[], count: (x: number) => number) => {
    const sorted = [...new Set(neighbours)].sort(byName);
    const result: Array<{ a: string; b: string; value: number }> = [];
    for (let i = 0; i < sorted.length; i++) {
      for (let j = i + 1; j < sorted.length; j++) {
        const x = sorted[i]!;
        const y = sorted[j]!;
        const value = (dfg[x * n + y]! + dfg[y * n + x]!) / (count(x) + count(y) + 1);
        if (value >= params.andThreshold) result.push({ a: log.activities[x]!, b: log.activities[y]!, value });
      }
    }
    return result;
  };

  // Measures are computed for the nodes found so far only; nodes that a length-two loop adds
  // below get none, as in PM4Py.
  const nodesBeforeLoops = isNode.slice();
  const andSplits = new Map<number, HeuristicsNode['andSplits']>();
  const andJoins = new Map<number, HeuristicsNode['andJoins']>();
  const loops = new Map<number, number[]>();
  for (let a = 0; a < n; a++) {
    if (nodesBeforeLoops[a] === 0) continue;
    andSplits.set(a, andMeasures(successors(a), (x) => dfg[a * n + x]!));
    andJoins.set(a, andMeasures(predecessors(a), (x) => dfg[x * n + a]!));
    const partners: number[] = [];
    for (let b = 0; b < n; b++) {
      const v = triples[a * n + b]! + triples[b * n + a]!;
      if (triples[a * n + b]! > 0 && v / (v + 1) >= params.loopTwoThreshold) partners.push(b);
    }
    loops.set(a, partners);
  }

  const hasEdge = new Set(edges.map((edge) => edge.from * n + edge.to));
  for (const [a, partners] of loops) {
    for (const b of partners) {
      if (!frequentPair(a, b) || !frequentActivity(a) || !frequentActivity(b)) continue;
      if (dependency(a, b) >= params.dependencyThreshold || dependency(b, a) >= params.dependencyThreshold) continue;
      isNode[b] = 1;
      for (const [x, y] of [[a, b], [b, a]] as const) {
        if (hasEdge.has(x * n + y)) continue;
        hasEdge.add(x * n + y);
        edges.push({ from: x, to: y, dependency: 0, loopLengthTwo: true });
      }
    }
  }
  // PM4Py falls back to every activity, unconnected, when no edge survives.
  if (!isNode.includes(1)) for (let a = 0; a < n; a++) if (occurrences[a]! > 0) isNode[a] = 1;

  edges.sort((x, y) => x.from - y.from || x.to - y.to);
  const nodes: HeuristicsNode[] = [];
  for (let a = 0; a < n; a++) {
    if (isNode[a] === 0) continue;
    nodes.push({
      activity: log.activities[a]!,
      occurrences: occurrences[a]!,
      startCount: starts[a]!,
      endCount: ends[a]!,
      andSplits: andSplits.get(a) ?? [],
      andJoins: andJoins.get(a) ?? [],
      loopsLengthTwo: (loops.get(a) ?? []).map((b) => log.activities[b]!),
    });
  }
  return {
    nodes,
    edges: edges.map((edge) => ({
      from: log.activities[edge.from]!,
      to: log.activities[edge.to]!,
      frequency: dfg[edge.from * n + edge.to]!,
      dependency: edge.dependency,
      loopLengthTwo: edge.loopLengthTwo,
    })),
    parameters: params,
  };
}

/** Activity, start and end counts, directly-follows counts and a-b-a triples, walking the log. */
function countEvents(log: EventLog) {
  const n = log.activities.length;
  const { caseOffsets, activityCodes } = log;
  const occurrences = new Float64Array(n);
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  const follows = new Float64Array(n * n);
  // triples[a * n + b]: occurrences of a, b, a (a != b) as three consecutive events.
  const triples = new Float64Array(n * n);
  for (let c = 0; c + 1 < caseOffsets.length; c++) {
    const from = caseOffsets[c]!;
    const to = caseOffsets[c + 1]!;
    if (from === to) continue;
    starts[activityCodes[from]!]!++;
    ends[activityCodes[to - 1]!]!++;
    for (let e = from; e < to; e++) {
      const code = activityCodes[e]!;
      occurrences[code]!++;
      if (e > from) follows[activityCodes[e - 1]! * n + code]!++;
      if (e > from + 1 && activityCodes[e - 2] === code && activityCodes[e - 1] !== code) triples[code * n + activityCodes[e - 1]!]!++;
    }
  }
  return { occurrences, starts, ends, follows, triples };
}

/** PM4Py's `clean_dfg_based_on_noise_thresh`; keeps everything when it would drop every edge. */
function cleanNoise(follows: Float64Array | Uint32Array, n: number, threshold: number): Float64Array | Uint32Array {
  const busiest = new Float64Array(n).fill(-1);
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const count = follows[a * n + b]!;
      if (count <= 0) continue;
      if (count > busiest[a]!) busiest[a] = count;
      if (count > busiest[b]!) busiest[b] = count;
    }
  }
  const cleaned = new Float64Array(n * n);
  let kept = 0;
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      const count = follows[a * n + b]!;
      if (count > 0 && count >= Math.min(busiest[a]! * threshold, busiest[b]! * threshold)) {
        cleaned[a * n + b] = count;
        kept++;
      }
    }
  }
  return kept > 0 ? cleaned : follows;
}
