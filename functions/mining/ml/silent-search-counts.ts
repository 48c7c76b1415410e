import type { CompiledNet } from './replay-net.ts';
import { grown, SearchNodes } from './search-nodes.ts';

/** A list of silent transitions flattened for the search; built once per list. */
interface ListCounts {
  /** Inputs of position k at inputs[inFrom[k] .. inFrom[k + 1]] as place, weight pairs; outputs alike. */
  inFrom: Int32Array;
  inputs: Int32Array;
  outFrom: Int32Array;
  outputs: Int32Array;
  /** What firing position k adds to a marking's hash. */
  delta: Int32Array;
  transitions: Int32Array;
}

const NOT_FOUND = -1;
const NOT_WANTED = -2;

/**
 * The breadth-first search of {@link SilentSearch} on token counts, for any net: markings are
 * kept in one flat pool, `places` numbers per node. Nodes are expanded in the order they were
 * created, which is the level-by-level order of a frontier list, so paths (and the point where
 * the expansion limit stops a search) are the same as with one object and one array per marking.
 *
 * A marking's hash is the sum of its token counts times a fixed random value per place
 * (Zobrist), so a firing changes it by a constant per transition and a successor's hash costs
 * one addition. A successor is written once, where the next node would go, and kept only when
 * it is new. Goals are lists of (place, least, most) token bounds, checked by one loop.
 */
export class CountSilentSearch extends SearchNodes {
  private readonly places: number;
  private readonly inputs: readonly Int32Array[];
  private readonly outputs: readonly Int32Array[];
  private readonly weights: Int32Array;
  private readonly lists = new WeakMap<readonly number[], ListCounts>();
  private pool = new Int32Array(0);
  /** The first node within the fallback bounds of the current search; NOT_FOUND while none, NOT_WANTED without them. */
  private second = NOT_FOUND;

  constructor(net: CompiledNet) {
    super();
    this.places = net.placeIds.length;
    this.inputs = net.inputs;
    this.outputs = net.outputs;
    // Any fixed values do; a small PRNG (mulberry32) spreads them over all 32 bits.
    this.weights = new Int32Array(this.places);
    let state = 0x9e3779b9;
    for (let p = 0; p < this.places; p++) {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      this.weights[p] = t ^ (t >>> 14);
    }
  }

  /**
   * Shortest firing sequence of `silent` from `start` to a marking within the (place, least,
   * most) `goal` bounds, or passing `test`; with `fallback` bounds, the first marking within
   * those is the answer when none meets the goal before the search ends (as a second search for
   * the fallback alone would find). At most `maxExpansions` markings are expanded; null when
   * none is found. `start` itself is not tested.
   */
  find(
    start: Int32Array,
    silent: readonly number[],
    goal: Int32Array,
    fallback: Int32Array | null,
    test: ((marking: Int32Array) => boolean) | null,
    maxExpansions: number,
  ): number[] | null {
    const list = this.listOf(silent);
    const places = this.places;
    this.clearTable();
    this.count = 0;
    this.reserve(1);
    let hash = 0;
    for (let p = 0; p < places; p++) {
      this.pool[p] = start[p]!;
      hash = (hash + Math.imul(start[p]!, this.weights[p]!)) | 0;
    }
    this.commit(-1, -1, hash);
    this.second = fallback === null ? NOT_WANTED : NOT_FOUND;
    let found = NOT_FOUND;
    for (let node = 0, expansions = 1; node < this.count && found === NOT_FOUND && expansions <= maxExpansions; node++, expansions++) {
      // Room for every successor first: growing inside the expansion, a path the JIT had not
      // seen when it compiled it, cost a recompile.
      this.reserve(this.count + list.transitions.length);
      found = this.expandCounts(node, list, goal, fallback ?? goal, test);
    }
    if (found === NOT_FOUND) found = this.second;
    if (found < 0) return null;
    return this.pathTo(found);
  }

  /** Adds the new successors of `node` in list order, testing each; returns the first meeting the goal, else NOT_FOUND. */
  private expandCounts(node: number, list: ListCounts, goal: Int32Array, fallback: Int32Array, test: ((marking: Int32Array) => boolean) | null): number {
    const places = this.places;
    const { inFrom, inputs, outFrom, outputs } = list;
    const base = node * places;
    for (let k = 0; k < list.transitions.length; k++) {
      let enabled = true;
      for (let i = inFrom[k]!; i < inFrom[k + 1]! && enabled; i += 2) enabled = this.pool[base + inputs[i]!]! >= inputs[i + 1]!;
      if (!enabled) continue;
      const child = this.count;
      const pool = this.pool;
      // Written where the next node goes; kept only if new.
      const at = child * places;
      for (let p = 0; p < places; p++) pool[at + p] = pool[base + p]!;
      for (let i = inFrom[k]!; i < inFrom[k + 1]!; i += 2) pool[at + inputs[i]!]! -= inputs[i + 1]!;
      for (let i = outFrom[k]!; i < outFrom[k + 1]!; i += 2) pool[at + outputs[i]!]! += outputs[i + 1]!;
      const hash = (this.hashes[node]! + list.delta[k]!) | 0;
      if (this.has(at, hash)) continue;
      this.commit(node, list.transitions[k]!, hash);
      if (test !== null ? test(pool.subarray(at, at + places)) : meets(pool, at, goal)) return child;
      if (this.second === NOT_FOUND && meets(pool, at, fallback)) this.second = child;
    }
    return NOT_FOUND;
  }

  private listOf(silent: readonly number[]): ListCounts {
    let list = this.lists.get(silent);
    if (list !== undefined) return list;
    const inFrom = new Int32Array(silent.length + 1);
    const outFrom = new Int32Array(silent.length + 1);
    const inputs: number[] = [];
    const outputs: number[] = [];
    const delta = new Int32Array(silent.length);
    silent.forEach((s, k) => {
      let d = 0;
      const needs = this.inputs[s]!;
      for (let i = 0; i < needs.length; i += 2) d = (d - Math.imul(needs[i + 1]!, this.weights[needs[i]!]!)) | 0;
      const gives = this.outputs[s]!;
      for (let i = 0; i < gives.length; i += 2) d = (d + Math.imul(gives[i + 1]!, this.weights[gives[i]!]!)) | 0;
      delta[k] = d;
      inputs.push(...needs);
      outputs.push(...gives);
      inFrom[k + 1] = inputs.length;
      outFrom[k + 1] = outputs.length;
    });
    list = { inFrom, inputs: Int32Array.from(inputs), outFrom, outputs: Int32Array.from(outputs), delta, transitions: Int32Array.from(silent) };
    this.lists.set(silent, list);
    return list;
  }

  /** Whether the marking written at pool offset `at` is already a node. */
  private has(at: number, hash: number): boolean {
    const table = this.table;
    const mask = table.length - 1;
    const places = this.places;
    const pool = this.pool;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const node = table[slot]!;
      if (node < 0) return false;
      if (this.hashes[node] !== hash) continue;
      const base = node * places;
      let p = 0;
      while (p < places && pool[base + p] === pool[at + p]) p++;
      if (p === places) return true;
    }
  }


  protected growMarkings(capacity: number): void {
    this.pool = grown(this.pool, capacity * this.places);
  }
}

/**
 * The goal "equals `target`" (or, not `exact`, "covers it") as (place, least, most) triples,
 * the places the target marks first: a marking short of the goal most often lacks those.
 */
export function boundsOf(target: Int32Array, exact: boolean): Int32Array {
  const marked: number[] = [];
  const unmarked: number[] = [];
  for (let p = 0; p < target.length; p++) {
    if (target[p]! > 0) marked.push(p, target[p]!, exact ? target[p]! : 0x7fffffff);
    else if (exact) unmarked.push(p, 0, 0);
  }
  return Int32Array.from([...marked, ...unmarked]);
}

/** Whether the marking at `marking[at..]` is within the (place, least, most) bounds. */
function meets(marking: Int32Array, at: number, bounds: Int32Array): boolean {
  for (let i = 0; i < bounds.length; i += 3) {
    const tokens = marking[at + bounds[i]!]!;
    if (tokens < bounds[i + 1]! || tokens > bounds[i + 2]!) return false;
  }
  return true;
}
