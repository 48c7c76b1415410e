/**
 * The nodes of a breadth-first search over markings, as both silent searches keep them (on
 * token counts, silent-search-counts.ts; on bit planes, silent-search-bits.ts): per node its
 * parent, the transition fired to reach it and its marking's hash, in typed arrays, and an
 * open-addressing table of the nodes by hash. How a node's marking is stored, and so how two
 * are compared, is the subclass's.
 */
export abstract class SearchNodes {
  // Plain (not #private) fields: their loads are cheaper before the JIT compiles this code.
  protected parent = new Int32Array(0);
  protected via = new Int32Array(0);
  protected hashes = new Int32Array(0);
  protected table = new Int32Array(0);
  protected count = 0;

  /** Grows the subclass's marking arrays to `capacity` nodes (their contents kept). */
  protected abstract growMarkings(capacity: number): void;

  /** The transitions fired from the start to `node`, in firing order. */
  protected pathTo(node: number): number[] {
    const path: number[] = [];
    for (let n = node; this.via[n]! >= 0; n = this.parent[n]!) path.push(this.via[n]!);
    return path.reverse();
  }

  /** Makes the marking written at the next node's place a node. */
  protected commit(parent: number, via: number, hash: number): void {
    const node = this.count++;
    this.parent[node] = parent;
    this.via[node] = via;
    this.hashes[node] = hash;
    this.insert(node);
  }

  private insert(node: number): void {
    const table = this.table;
    const mask = table.length - 1;
    let slot = this.hashes[node]! & mask;
    while (table[slot]! >= 0) slot = (slot + 1) & mask;
    table[slot] = node;
  }

  /**
   * Empties the table of the last search: whole (a native fill, ~1 µs for 4,096 slots, cheaper
   * than a loop over even a hundred nodes before the JIT has compiled it), or slot by slot when
   * a large table held few nodes.
   */
  protected clearTable(): void {
    const table = this.table;
    if (table.length <= 1 << 16 || this.count * 8 >= table.length) {
      table.fill(-1);
      return;
    }
    const mask = table.length - 1;
    for (let node = 0; node < this.count; node++) {
      let slot = this.hashes[node]! & mask;
      while (table[slot] !== node) slot = (slot + 1) & mask;
      table[slot] = -1;
    }
  }

  /** Room for `nodes` nodes, in the arrays and in the table (kept at most half full). */
  protected reserve(nodes: number): void {
    if (nodes * 2 > this.table.length) {
      let size = Math.max(256, this.table.length);
      while (nodes * 2 > size) size *= 2;
      this.table = new Int32Array(size).fill(-1);
      for (let n = 0; n < this.count; n++) this.insert(n);
    }
    if (nodes <= this.parent.length) return;
    const capacity = Math.max(64, this.parent.length * 2, nodes);
    this.growMarkings(capacity);
    this.parent = grown(this.parent, capacity);
    this.via = grown(this.via, capacity);
    this.hashes = grown(this.hashes, capacity);
  }
}

/** A copy of `from` in a larger array. */
export function grown(from: Int32Array, size: number): Int32Array<ArrayBuffer> {
  const to = new Int32Array(size);
  to.set(from);
  return to;
}
