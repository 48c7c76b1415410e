/**
 * Dictionary encoder on raw UTF-8 bytes: gives each distinct value of a column a dense code
 * (in order of first appearance) and decodes it to a string once, when first seen. The CSV
 * reader hands these codes straight to the log builder, so no string is made, hashed or
 * looked up in a Map per field, as with ByteStringCache and the builder's string tables.
 *
 * Codes follow string equality, not byte equality: two byte sequences that decode to the same
 * string (malformed UTF-8 becoming U+FFFD, a quoted field with `""` escapes) share one code,
 * as the strings did when the builder interned text.
 */
export class ByteInterner {
  /** The string of each code. */
  readonly values: string[] = [];
  private readonly nonAscii = new Map<string, number>();
  /** Open addressing, 4 ints a slot: hash, length, offset of the bytes in `pool`, code (-1: empty). */
  private table: Int32Array;
  private mask: number;
  private entries = 0;
  private pool: Uint8Array;
  private poolSize = 0;
  /** The value last looked up: where its bytes are in `pool`, their length, its code. */
  private lastOffset = 0;
  private lastLength = -1;
  private lastCode = -1;
  /** The table slot of the value last looked up (-1 after a rehash moved it). */
  private lastSlot = -1;
  /**
   * A small cache in front of the table, indexed by a value's length and first and last bytes:
   * the table slot of the value last seen there, or -1. Small vocabularies (activities,
   * resources, lifecycles) are found there without hashing the whole value (bpic2012's cold
   * ingest, best of 8: 108 -> 105 ms of main-thread CPU).
   */
  private readonly recent = new Int32Array(256).fill(-1);
  /**
   * The table slot of the value last found by {@link codeAt} starting with the same few bytes
   * (see {@link prefixKey}), or -1: the guess {@link matchAt} checks after the previous value.
   */
  private readonly byPrefix = new Int32Array(1024).fill(-1);
  /** Where the value {@link matchAt} found ends. */
  matchEnd = 0;
  /** Whether the value last looked up came through {@link codeAt} (an unquoted field). */
  private lastPlain = false;

  constructor() {
    // The table, its mask and the pool are replaced as they grow. V8 treats a field stored
    // only once as constant and, when it is first replaced, deoptimizes every function that
    // inlined a read of it (here the CSV scanner, whose recompilation took 20-35 ms). Marked
    // mutable up front by a second store: scanning and encoding bpic2012 in memory, cold,
    // took 67-73 ms instead of 86 (best of 5).
    this.table = new Int32Array(0);
    this.pool = new Uint8Array(0);
    this.mask = 0;
    this.table = new Int32Array(1024 * 4).fill(-1);
    this.pool = new Uint8Array(1 << 12);
    this.mask = 1023;
  }

  /**
   * Code of the unquoted field starting at `start` when it is the value last looked up, or the
   * value last found starting with the same bytes, and ends there (the byte after it is one of
   * `stops`); -1 when it is neither, and the caller finds the field's end and calls codeAt.
   * The field's end is then `matchEnd`. The bytes are compared once, instead of once to find the
   * field's end and again to find its value (bpic2012's activities: 18 bytes a record).
   *
   * Only values codeAt found are guessed (not those of quoted fields, which codeOf looks up):
   * they came from unquoted fields, so they hold no stop byte, and bytes equal to one end
   * exactly where it does.
   */
  matchAt(bytes: Uint8Array, start: number, length: number, stops: Uint8Array): number {
    let end = start + this.lastLength;
    if (this.lastPlain && end > start && end < length && stops[bytes[end]!] !== 0) {
      const pool = this.pool;
      const offset = this.lastOffset - start;
      let i = start;
      for (; i < end; i++) if (pool[offset + i] !== bytes[i]) break;
      if (i === end) {
        this.matchEnd = end;
        return this.lastCode;
      }
    }
    const slot = start + 3 < length ? this.byPrefix[prefixKey(bytes, start)]! : -1;
    if (slot < 0) return -1;
    const table = this.table;
    const at = slot << 2;
    const entryLength = table[at + 1]!;
    end = start + entryLength;
    if (end >= length || stops[bytes[end]!] === 0) return -1;
    const pool = this.pool;
    const offset = table[at + 2]! - start;
    let i = start;
    for (; i < end; i++) if (pool[offset + i] !== bytes[i]) break;
    if (i !== end) return -1;
    this.lastOffset = offset + start;
    this.lastLength = entryLength;
    this.lastSlot = slot;
    this.lastPlain = true;
    this.matchEnd = end;
    return (this.lastCode = table[at + 3]!);
  }

  /**
   * Code of `bytes[start, end)`. Columns often repeat the previous record's value (a case's
   * events in a row, one lifecycle): that is checked first, without hashing. Hashing in the
   * scanning loop was the costliest line of bpic2012's ingest (12% of the samples); this way
   * the cold ingest took 110 ms of main-thread CPU instead of 115 (best of 8).
   */
  codeAt(bytes: Uint8Array, start: number, end: number): number {
    if (end - start === this.lastLength) {
      const pool = this.pool;
      const offset = this.lastOffset - start;
      let i = start;
      for (; i < end; i++) if (pool[offset + i] !== bytes[i]) break;
      if (i === end) return this.lastCode;
    }
    const length = end - start;
    const key = (length * 31 + bytes[start]! * 7 + bytes[end - 1]!) & 255;
    const slot = this.recent[key]!;
    if (slot >= 0) {
      const table = this.table;
      const at = slot << 2;
      if (table[at + 1] === length) {
        const pool = this.pool;
        const offset = table[at + 2]! - start;
        let i = start;
        for (; i < end; i++) if (pool[offset + i] !== bytes[i]) break;
        if (i === end) {
          this.lastOffset = offset + start;
          this.lastLength = length;
          this.lastSlot = slot;
          this.lastPlain = true;
          if (start + 3 < bytes.length) this.byPrefix[prefixKey(bytes, start)] = slot;
          return (this.lastCode = table[at + 3]!);
        }
      }
    }
    const code = this.codeOf(bytes, start, end, hashBytes(bytes, start, end));
    this.recent[key] = this.lastSlot;
    this.lastPlain = true;
    if (start + 3 < bytes.length) this.byPrefix[prefixKey(bytes, start)] = this.lastSlot;
    return code;
  }

  /** Code of `bytes[start, end)`, whose FNV-1a {@link hashBytes} is `hash`. */
  codeOf(bytes: Uint8Array, start: number, end: number, hash: number): number {
    // A quoted field's value may hold a delimiter: never guessed for an unquoted one (matchAt).
    this.lastPlain = false;
    const table = this.table;
    const length = end - start;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const at = slot << 2;
      // Computed before it is known to be needed so that its type feedback exists from the
      // first call: the first collision otherwise deoptimizes the scanner this is inlined in.
      const next = (slot + 1) & mask;
      const code = table[at + 3]!;
      if (code < 0) break;
      if (table[at] === hash && table[at + 1] === length) {
        const pool = this.pool;
        const offset = table[at + 2]!;
        let i = start;
        for (; i < end; i++) if (pool[offset - start + i] !== bytes[i]) break;
        if (i === end) {
          this.lastOffset = offset;
          this.lastLength = length;
          this.lastCode = code;
          this.lastSlot = slot;
          return code;
        }
      }
      slot = next;
    }
    return this.insert(slot, hash, bytes, start, length);
  }

  /** Code of a value known only as text (an unescaped quoted field). */
  codeOfString(value: string): number {
    const bytes = Buffer.from(value, 'utf8');
    return this.codeOf(bytes, 0, bytes.length, hashBytes(bytes, 0, bytes.length));
  }

  private insert(slot: number, hash: number, bytes: Uint8Array, start: number, length: number): number {
    const end = start + length;
    let high = 0;
    for (let i = start; i < end; i++) high |= bytes[i]!;
    const source = Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
    let code: number;
    if (high < 0x80) {
      // Distinct ASCII byte strings are distinct strings; latin1 decodes them exactly, and cheaper.
      code = this.values.length;
      this.values.push(source.toString('latin1', start, end));
    } else {
      // Distinct UTF-8 byte strings may decode alike (malformed bytes become U+FFFD).
      const value = source.toString('utf8', start, end);
      const known = this.nonAscii.get(value);
      if (known === undefined) {
        code = this.values.length;
        this.values.push(value);
        this.nonAscii.set(value, code);
      } else code = known;
    }
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
    this.lastOffset = this.poolSize;
    this.lastLength = length;
    this.lastCode = code;
    this.lastSlot = slot;
    this.poolSize += length;
    // Keep the load factor at or below 1/2 so probe chains stay short.
    if (++this.entries * 2 > this.mask + 1) this.rehash();
    return code;
  }

  private rehash(): void {
    const old = this.table;
    // Four times larger: fewer rehashes while a column of many distinct values (case ids) fills it.
    const size = (this.mask + 1) * 4;
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
    // Slots moved: forget where values were.
    this.recent.fill(-1);
    this.byPrefix.fill(-1);
    this.lastSlot = -1;
  }
}

/**
 * A key of the bytes at `start` to `start + 3` (the caller checks they exist), which may reach
 * past a short field: it only picks a guess, which is then compared. Bytes 0, 2 and 3 tell
 * apart prefixed names such as `A_SUBMITTED` and `A_PREACCEPTED`.
 */
function prefixKey(bytes: Uint8Array, start: number): number {
  return (bytes[start]! * 961 + bytes[start + 2]! * 31 + bytes[start + 3]! + bytes[start + 1]! * 7) & 1023;
}

/** FNV-1a (32-bit) of `bytes[start, end)`: the hash {@link ByteInterner.codeOf} expects. */
export function hashBytes(bytes: Uint8Array, start: number, end: number): number {
  let hash = FNV_OFFSET;
  for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, FNV_PRIME);
  return hash;
}

export const FNV_OFFSET = 0x811c9dc5 | 0;
export const FNV_PRIME = 0x01000193;
