/**
 * Tag names as small integer ids, so the scanner matches end tags to start tags and the reader
 * tells `<trace>` from `<event>` by comparing numbers, without a string per tag: a document has
 * a dozen distinct names and bpic2012 has 1.6 million tags. A slot keyed by length and first and
 * last byte finds a known name after one byte comparison; anything else goes through the name
 * as text (decoded as before: two byte forms decoding to one string are one name).
 */
export class XmlTagNames {
  private readonly texts: string[] = [];
  private readonly encoded: Uint8Array[] = [];
  private readonly ids = new Map<string, number>();
  private readonly slots = new Int32Array(256).fill(-1);

  /** The id of `name`, registered if new. */
  idOf(name: string): number {
    let id = this.ids.get(name);
    if (id === undefined) {
      id = this.texts.length;
      this.texts.push(name);
      this.encoded.push(Buffer.from(name, 'utf8'));
      this.ids.set(name, id);
    }
    return id;
  }

  /** The id of the name in `bytes[start, end)`. */
  id(bytes: Uint8Array, start: number, end: number): number {
    const length = end - start;
    const slot = length === 0 ? 0 : (length * 31 + bytes[start]! * 7 + bytes[end - 1]! * 3) & 255;
    const id = this.slots[slot]!;
    if (id >= 0) {
      const known = this.encoded[id]!;
      if (known.length === length) {
        let k = 0;
        while (k < length && known[k] === bytes[start + k]) k++;
        if (k === length) return id;
      }
    }
    const text = Buffer.from(bytes.buffer, bytes.byteOffset + start, length).toString('utf8');
    const found = this.idOf(text);
    // Only names whose bytes are their UTF-8 form may take the slot (a malformed sequence
    // decodes to U+FFFD and would never match its own bytes again).
    if (this.slots[slot]! < 0 && this.encoded[found]!.length === length) this.slots[slot] = found;
    return found;
  }

  nameOf(id: number): string {
    return this.texts[id]!;
  }
}
