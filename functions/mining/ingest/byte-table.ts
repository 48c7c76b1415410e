/**
 * The hash table both dictionary encoders keep of the values they have coded (the CSV's
 * byte-interner.ts, the XES's xml-value-codes.ts): open addressing, 4 ints a slot (hash,
 * length, offset of the bytes in `pool`, code; code -1 marks an empty slot), the values' bytes
 * end to end in `pool`. Each encoder looks values up its own way; entering and growing are here.
 */
export abstract class ByteTable {
  /** The string of each code. */
  readonly values: string[] = [];
  protected table: Int32Array;
  protected mask: number;
  protected pool: Uint8Array;
  protected poolSize = 0;
  private entries = 0;

  /** `growth`: how many times larger the table becomes when it is half full. */
  constructor(private readonly growth: number) {
    // The table, its mask and the pool are replaced as they grow. V8 treats a field stored
    // only once as constant and, when it is first replaced, deoptimizes every function that
    // inlined a read of it (the CSV scanner, whose recompilation took 20-35 ms). Marked
    // mutable up front by a second store: scanning and encoding bpic2012 in memory, cold,
    // took 67-73 ms instead of 86 (best of 5).
    this.table = new Int32Array(0);
    this.pool = new Uint8Array(0);
    this.mask = 0;
    this.table = new Int32Array(1024 * 4).fill(-1);
    this.pool = new Uint8Array(1 << 12);
    this.mask = 1023;
  }

  /** Called after a rehash moved the entries to other slots. */
  protected abstract slotsMoved(): void;

  /** Enters `bytes[start, end)` with `hash` and `code` at the free `slot`, its bytes at the pool's end. */
  protected enter(bytes: Uint8Array, start: number, end: number, hash: number, slot: number, code: number): void {
    const length = end - start;
    if (this.poolSize + length > this.pool.length) {
      const pool = new Uint8Array(Math.max(this.pool.length * 2, this.poolSize + length));
      pool.set(this.pool.subarray(0, this.poolSize));
      this.pool = pool;
    }
    const pool = this.pool;
    for (let i = start, o = this.poolSize; i < end; i++, o++) pool[o] = bytes[i]!;
    const at = slot << 2;
    this.table[at] = hash;
    this.table[at + 1] = length;
    this.table[at + 2] = this.poolSize;
    this.table[at + 3] = code;
    this.poolSize += length;
    // Keep the load factor at or below 1/2 so probe chains stay short.
    if (++this.entries * 2 > this.mask + 1) this.rehash();
  }

  private rehash(): void {
    const old = this.table;
    const size = (this.mask + 1) * this.growth;
    const table = new Int32Array(size * 4).fill(-1);
    const mask = size - 1;
    for (let at = 0; at < old.length; at += 4) {
      if (old[at + 3]! < 0) continue;
      let slot = old[at]! & mask;
      while (table[(slot << 2) + 3]! >= 0) slot = (slot + 1) & mask;
      const to = slot << 2;
      table[to] = old[at]!;
      table[to + 1] = old[at + 1]!;
      table[to + 2] = old[at + 2]!;
      table[to + 3] = old[at + 3]!;
    }
    this.table = table;
    this.mask = mask;
    this.slotsMoved();
  }
}

/** FNV-1a (32-bit) of `bytes[start, end)`: the hash the encoders' tables are keyed by. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = FNV_OFFSET;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, FNV_PRIME);
  return hash;
}

export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;
