import { ByteTable, FNV_OFFSET, FNV_PRIME } from './byte-table.ts';
import { decodeAttribute } from './xes-scanner.ts';

/**
 * Dictionary encoder for XML attribute values, on their raw bytes: gives each distinct decoded
 * value (entities resolved, line ends and tabs as spaces) a dense code in order of first
 * appearance, and makes its string once, when first seen. The XES reader hands the codes
 * straight to the log builder, so a repeated value costs one hash loop and one comparison: no
 * string, no decoding, no Map lookup.
 *
 * Codes follow string equality, not byte equality. Raw bytes that are not the plain UTF-8 of
 * their value (an entity or a tab in them, malformed UTF-8) are also entered under the plain
 * bytes of the value, so that every spelling of a value finds the one code; a value without a
 * plain spelling (it holds `&` or a tab or line end) is found through a Map.
 */
export class XmlValueCodes extends ByteTable {
  /** Values holding `&`, a tab or a line end: no raw spelling is their UTF-8. */
  private readonly unspellable = new Map<string, number>();

  constructor() {
    super(2);
  }

  protected slotsMoved(): void {
    // Nothing remembers slots here.
  }

  /** Code of the raw attribute value `bytes[start, end)`; -1 when empty (XES's "absent"). */
  codeOf(bytes: Uint8Array, start: number, end: number): number {
    if (start === end) return -1;
    let hash = FNV_OFFSET;
    for (let i = start; i < end; i++) hash = Math.imul(hash ^ bytes[i]!, FNV_PRIME);
    const table = this.table;
    const length = end - start;
    const mask = this.mask;
    let slot = hash & mask;
    for (;;) {
      const at = slot << 2;
      const code = table[at + 3]!;
      // Computed on every probe, not only on a collision: a step first taken after codeOf was
      // optimized has no type feedback and throws the code away.
      const next = (slot + 1) & mask;
      if (code < 0) break;
      if (table[at] === hash && table[at + 1] === length) {
        const pool = this.pool;
        let offset = table[at + 2]!;
        let i = start;
        while (i < end && pool[offset] === bytes[i]) {
          i++;
          offset++;
        }
        if (i === end) return code;
      }
      slot = next;
    }
    return this.insert(bytes, start, end, hash, slot);
  }

  private insert(bytes: Uint8Array, start: number, end: number, hash: number, slot: number): number {
    let high = 0;
    let special = false;
    for (let i = start; i < end; i++) {
      const c = bytes[i]!;
      high |= c;
      if (c === 0x26 || c === 0x09 || c === 0x0a || c === 0x0d) special = true;
    }
    const raw = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start);
    if (!special && high < 0x80) {
      // Plain ASCII: distinct bytes are distinct strings, and latin1 decodes them exactly.
      const code = this.values.length;
      this.values.push(raw.toString('latin1'));
      this.enter(bytes, start, end, hash, slot, code);
      return code;
    }
    const value = special ? decodeAttribute(raw.toString('utf8')) : raw.toString('utf8');
    const plain = Buffer.from(value, 'utf8');
    let code: number;
    if (!special && plain.equals(raw)) {
      code = this.values.length;
      this.values.push(value);
    } else if (needsDecoding(plain, 0, plain.length)) {
      code = this.unspellable.get(value) ?? this.values.length;
      if (code === this.values.length) {
        this.values.push(value);
        this.unspellable.set(value, code);
      }
    } else {
      // Another spelling of a value that has plain bytes: one code for all of them.
      code = this.codeOf(plain, 0, plain.length);
      // The lookup may have grown the table: find this spelling's free slot again.
      slot = hash & this.mask;
      while (this.table[(slot << 2) + 3]! >= 0) slot = (slot + 1) & this.mask;
    }
    this.enter(bytes, start, end, hash, slot, code);
    return code;
  }
}

/** The decoded attribute value of raw bytes `[start, end)`. */
export function decodeRaw(bytes: Uint8Array, start: number, end: number): string {
  const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, end - start).toString('utf8');
  return needsDecoding(bytes, start, end) ? decodeAttribute(text) : text;
}

/** Whether raw bytes `[start, end)` need XML decoding (an entity, a tab or a line end). */
export function needsDecoding(bytes: Uint8Array, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = bytes[i]!;
    if (c === 0x26 || c === 0x09 || c === 0x0a || c === 0x0d) return true;
  }
  return false;
}
