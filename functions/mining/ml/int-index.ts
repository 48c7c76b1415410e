/**
 * A map from non-negative integer keys to non-negative integer values: a typed array while the
 * keys are small (state * alphabet + activity in a trie of a few thousand states), a Map beyond
 * `maxDense`. The transition system's lookups went through Maps, ~8 per event of training.
 */
export class IntIndex {
  #dense = new Int32Array(0);
  readonly #sparse = new Map<number, number>();

  constructor(private readonly maxDense = 1 << 20) {}

  get(key: number): number | undefined {
    if (key < this.#dense.length) {
      const stored = this.#dense[key]!;
      return stored === 0 ? undefined : stored - 1;
    }
    return key < this.maxDense ? undefined : this.#sparse.get(key);
  }

  set(key: number, value: number): void {
    if (key < this.maxDense) {
      if (key >= this.#dense.length) {
        const grown = new Int32Array(Math.min(this.maxDense, Math.max(key + 1, this.#dense.length * 2, 1024)));
        grown.set(this.#dense);
        this.#dense = grown;
      }
      this.#dense[key] = value + 1;
    } else this.#sparse.set(key, value);
  }
}
