import type { CompiledNet } from './replay-net.ts';
import { SilentReach } from './silent-reach.ts';
import { BitSilentSearch } from './silent-search-bits.ts';
import { boundsOf, CountSilentSearch } from './silent-search-counts.ts';

/**
 * What a search looks for: a marking that enables a transition, equals a target marking, or
 * covers it; `ends` is "equals the target, else the first marking met that covers it", the
 * end of a trace. Any other test can be passed as a function, without the shortcuts below.
 */
export type SilentGoal =
  | { kind: 'enables'; transition: number }
  | { kind: 'equals'; target: Int32Array }
  | { kind: 'covers'; target: Int32Array }
  | { kind: 'ends'; target: Int32Array }
  | ((marking: Int32Array) => boolean);

/**
 * Breadth-first search for the shortest sequence of silent firings from a marking to one where
 * a goal holds. Successors are generated in the order of the list of transitions given, and
 * nodes expanded in the order they were created, so the path found (the first goal marking
 * created) and the point where the expansion limit stops a search are those of the plain
 * breadth-first search with a frontier list and one array per marking.
 *
 * Three ways to the same answer, cheapest first: a bound from the net's arcs that tells when no
 * silent firing can reach the goal (then any search comes back empty-handed); the search on
 * bit planes when the places involved hold at most seven tokens (Inductive Miner nets always,
 * Heuristics nets mostly); the search on token counts otherwise. For `ends`, one search looks
 * for both the final marking and a covering one: searches for either alone visit the same
 * markings in the same order until they stop.
 */
export class SilentSearch {
  readonly #inputs: readonly Int32Array[];
  readonly #reach: SilentReach;
  readonly #bits: BitSilentSearch;
  readonly #counts: CountSilentSearch;
  /** Bounds "equals" and "covers" of each target (the final marking, at every trace end). */
  readonly #bounds = new WeakMap<Int32Array, [Int32Array, Int32Array]>();

  constructor(net: CompiledNet) {
    this.#inputs = net.inputs;
    this.#reach = new SilentReach(net);
    this.#bits = new BitSilentSearch(net);
    this.#counts = new CountSilentSearch(net);
  }

  /**
   * Shortest silent firing sequence (transitions of `silent`, tried in that order) from `start`
   * to a marking where `goal` holds, expanding at most `maxExpansions` markings; null when none
   * is found. `start` itself is not tested.
   */
  find(start: Int32Array, silent: readonly number[], goal: SilentGoal, maxExpansions: number): number[] | null {
    if (typeof goal === 'function') return this.#counts.find(start, silent, new Int32Array(0), null, goal, maxExpansions);
    if (goal.kind === 'enables') {
      // No reachability bound here: these searches run over the few transitions feeding the
      // goal's inputs and end quickly; the bound cost more than it saved on bpic2012.
      const path = this.#bits.find(start, silent, goal, maxExpansions);
      if (path !== undefined) return path;
      const inputs = this.#inputs[goal.transition]!;
      const bounds: number[] = [];
      for (let i = 0; i < inputs.length; i += 2) bounds.push(inputs[i]!, inputs[i + 1]!, 0x7fffffff);
      return this.#counts.find(start, silent, Int32Array.from(bounds), null, null, maxExpansions);
    }
    const target = goal.target;
    this.#reach.from(start, silent);
    const exact = goal.kind !== 'covers' && !this.#reach.lacks(start, target, true);
    // A covering marking is a fallback of `ends` only when the start does not cover the target already.
    const cover = goal.kind !== 'equals' && (goal.kind === 'covers' || !covers(start, target)) && !this.#reach.lacks(start, target, false);
    if (!exact && !cover) return null;
    const path = this.#bits.find(start, silent, { kind: 'target', target, exact, cover }, maxExpansions);
    if (path !== undefined) return path;
    let bounds = this.#bounds.get(target);
    if (bounds === undefined) this.#bounds.set(target, (bounds = [boundsOf(target, true), boundsOf(target, false)]));
    return exact
      ? this.#counts.find(start, silent, bounds[0], cover ? bounds[1] : null, null, maxExpansions)
      : this.#counts.find(start, silent, bounds[1], null, null, maxExpansions);
  }
}

function covers(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i]! < b[i]!) return false;
  return true;
}
