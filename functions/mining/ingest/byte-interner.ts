import { asciiText } from './ascii-text.ts';
import { ByteTable, hashBytes } from './byte-table.ts';

/**
 * Dictionary encoder on raw UTF-8 bytes: gives each distinct value of a column a dense code
 * (in order of first appearance) and decodes it to a string once, when first seen. The CSV
 * reader hands these codes straight to the log builder, so no string is made, hashed or
 * looked up in a Map per field, as with the string cache and the builder's string tables before it.
 *
 * Codes follow string equality, not byte equality: two byte sequences that decode to the same
 * string (malformed UTF-8 becoming U+FFFD, a quoted field with `""` escapes) share one code,
 * as the strings did when the builder interned text.
 */
export class ByteInterner extends ByteTable {
  private readonly nonAscii = new Map<string, number>();
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
    // Four times larger when half full: fewer rehashes while a column of many distinct values (case ids) fills it.
    super(4);
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
   *
   * Tried and dropped (bpic2012, cold, main-thread CPU): a third guess, the value that last
   * followed the previous one with the same prefix (`O_SENT`, `O_SENT_BACK`, `O_SELECTED`),
   * left codeAt 3,196 activities to scan instead of 25,319 but made the ingest slower (93.9 ->
   * 98.2 ms, min of 6); comparing 4 bytes at a time through DataViews, 89.3 -> 91.9 ms.
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
      this.values.push(asciiText(source, start, end));
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
    this.lastOffset = this.poolSize;
    this.lastLength = length;
    this.lastCode = code;
    this.lastSlot = slot;
    // May rehash, which forgets lastSlot (slotsMoved).
    this.enter(bytes, start, end, hash, slot, code);
    return code;
  }

  /** Slots moved: forget where values were. */
  protected slotsMoved(): void {
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
