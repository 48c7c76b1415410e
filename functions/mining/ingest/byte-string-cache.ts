/**
 * Maps raw UTF-8 byte ranges to strings, decoding each distinct value once. Event logs repeat
 * a few activities, resources and lifecycles (and each case id a handful of times) across
 * millions of rows: returning the same string instance skips the decode, the allocation and,
 * downstream, the rehash (V8 caches a string's hash in the string, and Map lookups on the
 * identical instance compare by pointer).
 */
export class ByteStringCache {
  private slots: Int32Array;
  private mask: number;
  private hashes = new Int32Array(256);
  private offsets = new Int32Array(256);
  private lengths = new Int32Array(256);
  private pool = new Uint8Array(1 << 12);
  private poolSize = 0;
  private readonly values: string[] = [];

  /**
   * @param maxEntries values beyond this many distinct ones are decoded without caching, so a
   *   column of unique values costs no more than decoding it would.
   */
  constructor(private readonly maxEntries = 1 << 20) {
    this.slots = new Int32Array(1024).fill(-1);
    this.mask = 1023;
  }

  get size(): number {
    return this.values.length;
  }

  /** The string for `bytes[start, end)`. */
  get(bytes: Buffer, start: number, end: number): string {
    // FNV-1a; OR-ing the bytes tells whether the value is pure ASCII (latin1 decode is exact then).
    let hash = 0x811c9dc5 | 0;
    let high = 0;
    for (let i = start; i < end; i++) {
      const c = bytes[i]!;
      high |= c;
      hash = Math.imul(hash ^ c, 0x01000193);
    }
    const length = end - start;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const entry = this.slots[slot]!;
      if (entry < 0) break;
      if (this.hashes[entry] === hash && this.lengths[entry] === length && this.sameBytes(entry, bytes, start, length)) {
        return this.values[entry]!;
      }
      slot = (slot + 1) & mask;
    }
    const value = high < 0x80 ? bytes.toString('latin1', start, end) : bytes.toString('utf8', start, end);
    if (this.values.length < this.maxEntries) this.insert(slot, hash, bytes, start, length, value);
    return value;
  }

  private sameBytes(entry: number, bytes: Buffer, start: number, length: number): boolean {
    const pool = this.pool;
    const offset = this.offsets[entry]!;
    for (let i = 0; i < length; i++) if (pool[offset + i] !== bytes[start + i]) return false;
    return true;
  }

  private insert(slot: number, hash: number, bytes: Buffer, start: number, length: number, value: string): void {
    const entry = this.values.length;
    if (entry === this.hashes.length) {
      this.hashes = grow(this.hashes);
      this.offsets = grow(this.offsets);
      this.lengths = grow(this.lengths);
    }
    if (this.poolSize + length > this.pool.length) {
      const pool = new Uint8Array(Math.max(this.pool.length * 2, this.poolSize + length));
      pool.set(this.pool.subarray(0, this.poolSize));
      this.pool = pool;
    }
    this.pool.set(bytes.subarray(start, start + length), this.poolSize);
    this.hashes[entry] = hash;
    this.offsets[entry] = this.poolSize;
    this.lengths[entry] = length;
    this.poolSize += length;
    this.values.push(value);
    this.slots[slot] = entry;
    // Keep the load factor at or below 1/2 so probe chains stay short.
    if ((entry + 1) * 2 > this.slots.length) this.rehash();
  }

  private rehash(): void {
    const size = this.slots.length * 2;
    const slots = new Int32Array(size).fill(-1);
    const mask = size - 1;
    for (let entry = 0; entry < this.values.length; entry++) {
      let slot = this.hashes[entry]! & mask;
      while (slots[slot]! >= 0) slot = (slot + 1) & mask;
      slots[slot] = entry;
    }
    this.slots = slots;
    this.mask = mask;
  }
}

function grow(array: Int32Array): Int32Array<ArrayBuffer> {
  const grown = new Int32Array(array.length * 2);
  grown.set(array);
  return grown;
}
