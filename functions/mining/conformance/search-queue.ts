/**
 * Binary min-heap of search states by (f ascending, trace position descending, h ascending):
 * among states equally promising, the one further along the trace, then the one nearer the
 * goal, is expanded first, which follows one optimal path to the end instead of every
 * interleaving of silent steps that costs the same. Entries are not
 * updated in place: a state reached more cheaply is pushed again and its stale entry skipped.
 */
export class SearchQueue {
  #f: number[] = [];
  #pos: number[] = [];
  #h: number[] = [];
  #id: number[] = [];

  get size(): number {
    return this.#id.length;
  }

  #before(i: number, j: number): boolean {
    const fi = this.#f[i]!;
    const fj = this.#f[j]!;
    if (fi !== fj) return fi < fj;
    const pi = this.#pos[i]!;
    const pj = this.#pos[j]!;
    return pi > pj || (pi === pj && this.#h[i]! < this.#h[j]!);
  }

  #swap(i: number, j: number): void {
    const f = this.#f,
      pos = this.#pos,
      h = this.#h,
      id = this.#id;
    [f[i], f[j]] = [f[j]!, f[i]!];
    [h[i], h[j]] = [h[j]!, h[i]!];
    [pos[i], pos[j]] = [pos[j]!, pos[i]!];
    [id[i], id[j]] = [id[j]!, id[i]!];
  }

  push(id: number, f: number, pos: number, h: number): void {
    let i = this.#id.length;
    this.#f.push(f);
    this.#h.push(h);
    this.#pos.push(pos);
    this.#id.push(id);
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.#before(i, parent)) break;
      this.#swap(i, parent);
      i = parent;
    }
  }

  /** The id of the first entry, removed; -1 when empty. */
  pop(): number {
    const n = this.#id.length;
    if (n === 0) return -1;
    const top = this.#id[0]!;
    this.#swap(0, n - 1);
    this.#f.pop();
    this.#h.pop();
    this.#pos.pop();
    this.#id.pop();
    const size = n - 1;
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let best = i;
      if (l < size && this.#before(l, best)) best = l;
      if (r < size && this.#before(r, best)) best = r;
      if (best === i) break;
      this.#swap(i, best);
      i = best;
    }
    return top;
  }
}
