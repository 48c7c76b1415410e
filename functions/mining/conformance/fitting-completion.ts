import type { NetGraph } from './net-graph.ts';

/** Costs at or above this are stored as this: the search only asks whether a fitting completion costs less than one deviation. */
export const NO_FITTING_COMPLETION = 10_000;

/**
 * For every event position i and marking m, the fewest silent steps with which the net, from
 * m, can consume events i.. of the trace by sync moves only and reach the final marking
 * (capped at {@link NO_FITTING_COMPLETION}: none, or none cheaper than a deviation).
 *
 * This is the exact remaining cost of every fitting completion, so min(it, 10,000) is a
 * consistent bound for the alignment search (any completion that deviates costs 10,000 or
 * more): a fitting trace is then aligned along one optimal path, without expanding the many
 * states a weaker bound leaves cheaper than the optimum (bpic2012's IM net costs its first
 * variant 129 silent steps for 26 events: loops and skipped branches).
 *
 * Computed backwards one event at a time, O(markings + steps) each: after the last event, the
 * silent distance to the final marking; before event i, the sync steps of event i into the
 * values after it, spread back along silent steps one more each (Dial's buckets). Layers are kept by the length of the suffix they stand for,
 * so the next trace reuses those of the suffix it shares with the previous one: traces taken in
 * order of their reversed activities share most of their ends.
 */
export class FittingCompletion {
  readonly #graph: NetGraph;
  #layers = new Uint16Array(0);
  #labels = new Int32Array(0);
  readonly #buckets: number[][] = [];
  #sources: Int32Array;
  /** Layers computed, over all traces (the rest were reused). */
  computedLayers = 0;

  constructor(graph: NetGraph) {
    this.#graph = graph;
    this.#sources = new Int32Array(graph.labelSource.length);
  }

  /** Makes {@link at} answer for this trace (its events as label ids, -1 for none). */
  prepare(labelAt: Int32Array): void {
    const M = this.#graph.markings;
    const n = labelAt.length;
    const previous = this.#labels;
    let shared = 0;
    while (shared < n && shared < previous.length && labelAt[n - 1 - shared] === previous[previous.length - 1 - shared]) shared++;
    if (this.#layers.length < (n + 1) * M) {
      const grown = new Uint16Array(Math.max((n + 1) * M, 2 * this.#layers.length));
      grown.set(this.#layers);
      this.#layers = grown;
    }
    if (previous.length === 0) this.#finalLayer();
    for (let j = shared + 1; j <= n; j++) this.#layer(j, labelAt[n - j]!);
    this.#labels = labelAt.slice();
  }

  /** The value before event `pos` of the prepared trace of `n` events, in marking m. */
  at(n: number, pos: number, m: number): number {
    return this.#layers[(n - pos) * this.#graph.markings + m]!;
  }

  #finalLayer(): void {
    const { markings: M, silent, labelIds } = this.#graph;
    const W = labelIds.size + 1;
    for (let m = 0; m < M; m++) this.#layers[m] = Math.min(NO_FITTING_COMPLETION, silent[m * W + W - 1]!);
  }

  /** Layer j (suffix of length j, starting with label a) from layer j - 1. */
  #layer(j: number, a: number): void {
    const g = this.#graph;
    const M = g.markings;
    const layers = this.#layers;
    const here = j * M;
    const after = (j - 1) * M;
    layers.fill(NO_FITTING_COMPLETION, here, here + M);
    this.computedLayers++;
    // An event no transition carries has no fitting completion: the layer stays at the cap.
    if (a < 0) return;
    const sources = this.#sources;
    let count = 0;
    for (let k = g.labelStart[a]!; k < g.labelStart[a + 1]!; k++) {
      const value = layers[after + g.labelTarget[k]!]!;
      const m = g.labelSource[k]!;
      if (value >= layers[here + m]!) continue;
      if (layers[here + m] === NO_FITTING_COMPLETION) sources[count++] = m;
      layers[here + m] = value;
    }
    // Dial's buckets: values are small integers and each silent step adds one.
    const buckets = this.#buckets;
    let low = NO_FITTING_COMPLETION;
    let high = -1;
    for (let i = 0; i < count; i++) {
      const m = sources[i]!;
      const d = layers[here + m]!;
      (buckets[d] ??= []).push(m);
      if (d < low) low = d;
      if (d > high) high = d;
    }
    for (let d = low; d <= high; d++) {
      const bucket = buckets[d];
      if (bucket === undefined) continue;
      if (d + 1 < NO_FITTING_COMPLETION) {
        for (let b = 0; b < bucket.length; b++) {
          const m = bucket[b]!;
          if (layers[here + m] !== d) continue;
          for (let k = g.silentStart[m]!; k < g.silentStart[m + 1]!; k++) {
            const p = g.silentSource[k]!;
            if (d + 1 >= layers[here + p]!) continue;
            layers[here + p] = d + 1;
            (buckets[d + 1] ??= []).push(p);
            if (d + 1 > high) high = d + 1;
          }
        }
      }
      bucket.length = 0;
    }
  }
}
