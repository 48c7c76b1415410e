import type { CompiledNet } from './replay-net.ts';

/**
 * Breadth-first search for the shortest sequence of silent firings from a marking to one where
 * a goal holds, over markings kept in one flat pool. Nodes are expanded in the order they were
 * created, which is the level-by-level order of a frontier list, so paths (and the point where
 * the expansion limit stops a search) are the same as with one object and one array per marking.
 *
 * A marking's hash is the sum of its token counts times a fixed random value per place
 * (Zobrist), so a firing changes it by a constant per transition and a successor's hash costs
 * one addition. Successors already seen are then dropped without allocating anything; a search
 * over an Inductive Miner net's concurrent silent steps meets most markings several times.
 */
export class SilentSearch {
  readonly #places: number;
  readonly #inputs: readonly Int32Array[];
  readonly #outputs: readonly Int32Array[];
  readonly #weights: Int32Array;
  readonly #delta: Int32Array;
  #pool = new Int32Array(0);
  #parent = new Int32Array(0);
  #via = new Int32Array(0);
  #hashes = new Int32Array(0);
  #table = new Int32Array(0);
  #count = 0;
  readonly #scratch: Int32Array;

  constructor(net: CompiledNet) {
    const places = net.placeIds.length;
    this.#places = places;
    this.#inputs = net.inputs;
    this.#outputs = net.outputs;
    // Any fixed values do; a small PRNG (mulberry32) spreads them over all 32 bits.
    this.#weights = new Int32Array(places);
    let state = 0x9e3779b9;
    for (let p = 0; p < places; p++) {
      state = (state + 0x6d2b79f5) | 0;
      let t = Math.imul(state ^ (state >>> 15), state | 1);
      t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
      this.#weights[p] = t ^ (t >>> 14);
    }
    this.#delta = new Int32Array(net.inputs.length);
    for (let t = 0; t < net.inputs.length; t++) {
      let d = 0;
      const inputs = net.inputs[t]!;
      for (let i = 0; i < inputs.length; i += 2) d = (d - Math.imul(inputs[i + 1]!, this.#weights[inputs[i]!]!)) | 0;
      const outputs = net.outputs[t]!;
      for (let i = 0; i < outputs.length; i += 2) d = (d + Math.imul(outputs[i + 1]!, this.#weights[outputs[i]!]!)) | 0;
      this.#delta[t] = d;
    }
    this.#scratch = new Int32Array(places);
  }

  /**
   * Shortest silent firing sequence (transitions of `silent`, tried in that order) from `start`
   * to a marking where `goal` holds, expanding at most `maxExpansions` markings; null when none
   * is found. `start` itself is not tested.
   */
  find(start: Int32Array, silent: readonly number[], goal: (marking: Int32Array) => boolean, maxExpansions: number): number[] | null {
    const places = this.#places;
    const inputs = this.#inputs;
    const outputs = this.#outputs;
    const delta = this.#delta;
    const scratch = this.#scratch;
    this.#count = 0;
    this.#table.fill(-1);
    let startHash = 0;
    for (let p = 0; p < places; p++) startHash = (startHash + Math.imul(start[p]!, this.#weights[p]!)) | 0;
    this.#add(start, -1, -1, startHash);
    let expansions = 0;
    for (let node = 0; node < this.#count; node++) {
      if (++expansions > maxExpansions) return null;
      const base = node * places;
      for (let k = 0; k < silent.length; k++) {
        const s = silent[k]!;
        const needs = inputs[s]!;
        let enabled = true;
        for (let i = 0; i < needs.length; i += 2) {
          if (this.#pool[base + needs[i]!]! < needs[i + 1]!) {
            enabled = false;
            break;
          }
        }
        if (!enabled) continue;
        const hash = (this.#hashes[node]! + delta[s]!) | 0;
        const pool = this.#pool;
        for (let p = 0; p < places; p++) scratch[p] = pool[base + p]!;
        for (let i = 0; i < needs.length; i += 2) scratch[needs[i]!]! -= needs[i + 1]!;
        const gives = outputs[s]!;
        for (let i = 0; i < gives.length; i += 2) scratch[gives[i]!]! += gives[i + 1]!;
        if (this.#has(scratch, hash)) continue;
        const child = this.#add(scratch, node, s, hash);
        if (goal(scratch)) {
          const path: number[] = [];
          for (let n = child; this.#via[n]! >= 0; n = this.#parent[n]!) path.push(this.#via[n]!);
          return path.reverse();
        }
      }
    }
    return null;
  }

  #has(marking: Int32Array, hash: number): boolean {
    const table = this.#table;
    const mask = table.length - 1;
    const places = this.#places;
    for (let slot = hash & mask; ; slot = (slot + 1) & mask) {
      const node = table[slot]!;
      if (node < 0) return false;
      if (this.#hashes[node] !== hash) continue;
      const base = node * places;
      let same = true;
      for (let p = 0; p < places; p++) {
        if (this.#pool[base + p] !== marking[p]) {
          same = false;
          break;
        }
      }
      if (same) return true;
    }
  }

  #add(marking: Int32Array, parent: number, via: number, hash: number): number {
    const node = this.#count++;
    const places = this.#places;
    if (node === this.#parent.length) this.#grow();
    this.#pool.set(marking, node * places);
    this.#parent[node] = parent;
    this.#via[node] = via;
    this.#hashes[node] = hash;
    if (this.#count * 2 > this.#table.length) this.#rehash();
    else this.#insert(node);
    return node;
  }

  #insert(node: number): void {
    const table = this.#table;
    const mask = table.length - 1;
    let slot = this.#hashes[node]! & mask;
    while (table[slot]! >= 0) slot = (slot + 1) & mask;
    table[slot] = node;
  }

  #grow(): void {
    const capacity = Math.max(64, this.#parent.length * 2);
    const grown = (from: Int32Array, size: number) => {
      const to = new Int32Array(size);
      to.set(from);
      return to;
    };
    this.#pool = grown(this.#pool, capacity * this.#places);
    this.#parent = grown(this.#parent, capacity);
    this.#via = grown(this.#via, capacity);
    this.#hashes = grown(this.#hashes, capacity);
  }

  #rehash(): void {
    this.#table = new Int32Array(Math.max(256, this.#table.length * 2)).fill(-1);
    for (let node = 0; node < this.#count; node++) this.#insert(node);
  }
}
