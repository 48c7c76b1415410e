import { compareCodePoints } from './code-point-order.ts';
import { directlyFollowsGraph } from './directly-follows-graph.ts';
import { endActivities, startActivities } from './activity-counts.ts';
import { PetriNetBuilder, type PetriNet, type Place, type Transition } from '../models/petri-net.ts';
import type { EventLog } from '../log/event-log.ts';

/**
 * Alpha Miner, "classic" variant as implemented by PM4Py (van der Aalst et al., "Workflow
 * Mining: Discovering Process Models from Event Logs", IEEE TKDE 16, 2004).
 *
 * From the directly-follows relation `>` it derives the footprint: causality `a -> b`
 * (a > b and not b > a), parallelism `a || b` (a > b and b > a) and choice `a # b` (neither).
 * Places are the maximal pairs (A, B) with every a in A causing every b in B and A, B each
 * internally in choice; a source place feeds the start activities and a sink place collects
 * the end activities.
 *
 * The pair search deliberately reproduces PM4Py's procedure rather than a full closure, so
 * that the place sets (and the reference figures in shared/README.md) are the same:
 * - seeds are the causal pairs ({a}, {b}) where neither a nor b is in a length-one loop;
 * - only seeds are ever the left operand of a merge; a seed merges with any later pair that
 *   shares its input or its output activity when the merged sets stay free of `->`/`||`
 *   relations across the two pairs and every input still causes every output (PM4Py 2.x's
 *   `__check_all_causal`); merged pairs are appended and considered by later seeds;
 * - pairs contained in another pair are dropped.
 * Seeds are taken in (from, to) code-point order of the activity names, the order of PM4Py's
 * pandas-built DFG, since the merge order can matter.
 */
export interface AlphaInput {
  /** Directly-follows edges; edges with a frequency of 0 are ignored. */
  dfg: ReadonlyArray<{ from: string; to: string; frequency: number }>;
  startActivities: readonly string[];
  endActivities: readonly string[];
}

/** A place as the sets of transitions (activity names) that produce into and consume from it. */
export interface AlphaPlace {
  /** Activities with an arc into the place; empty for the source place. */
  inputs: string[];
  /** Activities with an arc out of the place; empty for the sink place. */
  outputs: string[];
}

export interface AlphaFootprint {
  activities: string[];
  /** a -> b: a is directly followed by b, never b by a. */
  causal: Array<[string, string]>;
  /** a || b (listed in both orders, and a || a for length-one loops). */
  parallel: Array<[string, string]>;
}

export interface AlphaMinerResult {
  net: PetriNet;
  /** Source place first, then the internal places in discovery order, sink place last. */
  places: AlphaPlace[];
  footprint: AlphaFootprint;
}

/** Alpha Miner over the log's directly-follows graph and start/end activities. */
export function alphaMiner(log: EventLog): AlphaMinerResult {
  return alphaMinerFromDfg({
    dfg: directlyFollowsGraph(log),
    startActivities: Object.keys(startActivities(log)),
    endActivities: Object.keys(endActivities(log)),
  });
}

/** Alpha Miner from an already computed directly-follows graph (PM4Py's `apply_dfg_sa_ea`). */
export function alphaMinerFromDfg(input: AlphaInput): AlphaMinerResult {
  const labels: string[] = [];
  const index = new Map<string, number>();
  const intern = (name: string): number => {
    let code = index.get(name);
    if (code === undefined) {
      code = labels.length;
      index.set(name, code);
      labels.push(name);
    }
    return code;
  };
  const starts = input.startActivities.map(intern);
  const edges = input.dfg.filter((edge) => edge.frequency > 0).map((edge) => [intern(edge.from), intern(edge.to)] as const);
  const ends = input.endActivities.map(intern);
  const n = labels.length;

  const follows = new Uint8Array(n * n);
  for (const [a, b] of edges) follows[a * n + b] = 1;
  const isCausal = (a: number, b: number) => follows[a * n + b] === 1 && follows[b * n + a] === 0;
  const isParallel = (a: number, b: number) => follows[a * n + b] === 1 && follows[b * n + a] === 1;

  // related[a]: activities b with a -> b, b -> a or a || b, i.e. not in choice with a.
  const related: bigint[] = [];
  for (let a = 0; a < n; a++) {
    let mask = 0n;
    for (let b = 0; b < n; b++) if (follows[a * n + b] === 1 || follows[b * n + a] === 1) mask |= bit(b);
    related.push(mask);
  }
  const inChoice = (x: bigint, y: bigint): boolean => {
    for (const a of members(x)) if ((related[a]! & y) !== 0n) return false;
    return true;
  };

  const allCausal = (x: bigint, y: bigint): boolean => {
    for (const a of members(x)) for (const b of members(y)) if (!isCausal(a, b)) return false;
    return true;
  };

  const byName = (a: number, b: number) => compareCodePoints(labels[a]!, labels[b]!);
  const seedEdges = [...new Set(edges.map(([a, b]) => a * n + b))]
    .map((pair) => [Math.floor(pair / n), pair % n] as const)
    .filter(([a, b]) => isCausal(a, b) && !isParallel(a, a) && !isParallel(b, b))
    .sort(([a1, b1], [a2, b2]) => byName(a1, a2) || byName(b1, b2));

  const pairs: Array<{ inputs: bigint; outputs: bigint }> = seedEdges.map(([a, b]) => ({ inputs: bit(a), outputs: bit(b) }));
  const seen = new Set(pairs.map(pairKey));
  const seedCount = pairs.length;
  for (let i = 0; i < seedCount; i++) {
    const t1 = pairs[i]!;
    // Pairs appended while this seed is processed are not revisited by it (PM4Py's range()).
    const end = pairs.length;
    for (let j = i + 1; j < end; j++) {
      const t2 = pairs[j]!;
      if (t1.inputs === t2.inputs && t1.outputs === t2.outputs) continue;
      const sharesSide = isSubset(t1.inputs, t2.inputs) || isSubset(t1.outputs, t2.outputs);
      if (!sharesSide || !inChoice(t1.inputs, t2.inputs) || !inChoice(t1.outputs, t2.outputs)) continue;
      const merged = { inputs: t1.inputs | t2.inputs, outputs: t1.outputs | t2.outputs };
      const key = pairKey(merged);
      if (!seen.has(key) && allCausal(merged.inputs, merged.outputs)) {
        seen.add(key);
        pairs.push(merged);
      }
    }
  }
  const maximal = pairs.filter(
    (pair) =>
      !pairs.some(
        (other) =>
          other !== pair &&
          (other.inputs !== pair.inputs || other.outputs !== pair.outputs) &&
          isSubset(pair.inputs, other.inputs) &&
          isSubset(pair.outputs, other.outputs),
      ),
  );

  const builder = new PetriNetBuilder('alpha_classic_net');
  const transitions: Transition[] = labels.map((label) => builder.addTransition(label));
  const places: AlphaPlace[] = [];
  const addPlace = (name: string, inputs: number[], outputs: number[]): Place => {
    const place = builder.addPlace(name);
    for (const a of inputs) builder.addArc(transitions[a]!, place);
    for (const b of outputs) builder.addArc(place, transitions[b]!);
    places.push({ inputs: inputs.map((a) => labels[a]!), outputs: outputs.map((b) => labels[b]!) });
    return place;
  };
  const sorted = (codes: Iterable<number>) => [...new Set(codes)].sort(byName);

  builder.mark('initial', addPlace('start', [], sorted(starts)));
  for (const pair of maximal) {
    const inputs = sorted(members(pair.inputs));
    const outputs = sorted(members(pair.outputs));
    addPlace(`({${inputs.map((a) => labels[a]).join(', ')}}, {${outputs.map((b) => labels[b]).join(', ')}})`, inputs, outputs);
  }
  builder.mark('final', addPlace('end', sorted(ends), []));

  const causal: Array<[string, string]> = [];
  const parallel: Array<[string, string]> = [];
  for (let a = 0; a < n; a++) {
    for (let b = 0; b < n; b++) {
      if (isCausal(a, b)) causal.push([labels[a]!, labels[b]!]);
      else if (isParallel(a, b)) parallel.push([labels[a]!, labels[b]!]);
    }
  }
  return { net: builder.build(), places, footprint: { activities: [...labels], causal, parallel } };
}

function bit(code: number): bigint {
  return 1n << BigInt(code);
}

function isSubset(x: bigint, y: bigint): boolean {
  return (x & ~y) === 0n;
}

function* members(set: bigint): Generator<number> {
  for (let code = 0; set !== 0n; code++, set >>= 1n) if ((set & 1n) === 1n) yield code;
}

function pairKey(pair: { inputs: bigint; outputs: bigint }): string {
  return `${pair.inputs.toString(36)}|${pair.outputs.toString(36)}`;
}
