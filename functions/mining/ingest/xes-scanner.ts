/**
 * Byte-level XML tag scanner for XES, in place of saxes. XES carries everything in attributes
 * of (mostly self-closing) elements, and a reader only ever needs an element's `key` and
 * `value` attributes, so the scanner reports start tags with a name id (xml-tag-names.ts) and
 * the byte ranges of those two attributes, and end tags; it never decodes the document to a
 * string, and makes no string per tag or attribute.
 * Measured on bpic2012.xes.gz (262,200 events, one core, benchmark ingest step): 0.81 s with
 * saxes, 0.47 s with the first version of this scanner (a name string per tag, every
 * attribute's range), see xes-reader.ts for today's figure.
 *
 * What it checks, as saxes did: start and end tags match, one root element, no text outside it,
 * comments, CDATA, processing instructions and the DOCTYPE are closed, attribute values are
 * quoted and hold no `<`. Entity references (the five predefined ones or character
 * references) and the normalization of line ends and tabs to spaces are the business of whoever
 * decodes a value (decodeAttribute), so a value nobody reads is never decoded.
 */
import { XmlTagNames } from './xml-tag-names.ts';

export interface XesTagHandler {
  /**
   * A start tag named `name` (an id of the scanner's `names`); `[keyStart, keyEnd)` and
   * `[valueStart, valueEnd)` locate the raw values of its last `key` and `value` attributes in
   * `bytes` (-1 when absent). Self-closing tags get `close` next.
   */
  open(name: number, bytes: Buffer, keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): void;
  close(): void;
}

const LT = 0x3c;
const GT = 0x3e;
const SLASH = 0x2f;
const BANG = 0x21;
const QUESTION = 0x3f;
const EQUALS = 0x3d;
const DQUOTE = 0x22;
const SQUOTE = 0x27;
const AMP = 0x26;
const DASH = 0x2d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

// Which attribute a value belongs to.
const OTHER = 0;
const KEY = 1;
const VALUE = 2;
/** Bytes that end a name: white space, `>` and `/` (a table: one load instead of six comparisons). */
const NAME_STOP = new Uint8Array(256);
/** XML white space. */
const SPACE = new Uint8Array(256);
for (const c of [0x20, 0x0a, 0x0d, 0x09]) NAME_STOP[c] = SPACE[c] = 1;
NAME_STOP[0x3e] = NAME_STOP[0x2f] = 1;

const isSpace = (c: number) => c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09;

export class XesSyntaxError extends Error {
  override readonly name = 'XesSyntaxError';
}

export class XesScanner {
  private stack = new Int32Array(64);
  private depth = 0;
  private rootSeen = false;
  private rootClosed = false;
  private carry: Buffer | null = null;
  private started = false;

  /** @param names tag name ids, shared with the handler (which looks up the names it handles). */
  constructor(
    private readonly handler: XesTagHandler,
    readonly names = new XmlTagNames(),
  ) {
    // V8 takes a field stored once for a constant (and a field only ever null for null) in the
    // code it optimizes, and deoptimizes that code when the field first changes: the carry at
    // the first chunk's end threw away the scanner's first optimized code. A second store
    // (of another kind of value) marks these fields variable before anything is compiled.
    this.carry = Buffer.alloc(0);
    this.carry = null;
    this.started = true;
    this.started = false;
    this.rootClosed = true;
    this.rootClosed = false;
    this.stack = new Int32Array(0);
    this.stack = new Int32Array(64);
  }

  push(chunk: Uint8Array): void {
    let bytes = Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    if (!this.started) {
      if (this.carry !== null) bytes = Buffer.concat([this.carry, bytes]);
      this.carry = null;
      if (bytes.length < 3) {
        this.carry = Buffer.from(bytes);
        return;
      }
      this.started = true;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    } else if (this.carry !== null) {
      const carry = this.carry;
      this.carry = null;
      bytes = this.finishCarry(carry, bytes);
    }
    const consumed = this.scan(bytes, false);
    if (consumed < bytes.length) this.carry = Buffer.from(bytes.subarray(consumed));
  }

  end(): void {
    const bytes = this.carry ?? Buffer.alloc(0);
    this.carry = null;
    const start = !this.started && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? 3 : 0;
    this.started = true;
    this.scan(bytes.subarray(start), true);
    if (this.depth > 0) throw new XesSyntaxError(`unclosed tag: ${this.names.nameOf(this.stack[this.depth - 1]!)}`);
    if (!this.rootSeen) throw new XesSyntaxError('document must contain a root element');
  }

  /**
   * Completes the construct cut by the previous chunk's end: scans the carried bytes joined to
   * as much of `bytes` as it takes (joining the carry to the whole 256 KB chunk copied every
   * chunk). Returns the rest of `bytes`, empty when all of it went into the carry again.
   */
  private finishCarry(carry: Buffer, bytes: Buffer): Buffer {
    let rest = carry;
    for (let take = Math.min(bytes.length, 4096); ; take = Math.min(bytes.length, take * 4)) {
      const joined = Buffer.concat([rest, bytes.subarray(0, take)]);
      const consumed = this.scan(joined, false);
      if (consumed >= rest.length) return bytes.subarray(consumed - rest.length);
      if (take === bytes.length) {
        this.carry = Buffer.from(joined.subarray(consumed));
        return bytes.subarray(bytes.length);
      }
      // Constructs completed within the carry were handled: keep only what is still open.
      rest = joined.subarray(consumed, rest.length);
    }
  }

  /** Handles every complete construct in `bytes`; returns where the first incomplete one starts. */
  private scan(bytes: Buffer, final: boolean): number {
    const length = bytes.length;
    let pos = 0;
    while (pos < length) {
      // The next `<` is usually a few bytes away (a line's indentation): a short loop before
      // the native search, a call into C++ that is fast over distance but costly per call.
      // Comparisons of rare branches are hoisted to run on every tag: a comparison first met
      // after the function was optimized has no type feedback and throws the code away.
      let lt = -1;
      const near = Math.min(pos + 32, length);
      const far = near < length;
      for (let i = pos; i < near; i++) {
        if (bytes[i] === LT) {
          lt = i;
          break;
        }
      }
      if (lt < 0 && far) lt = bytes.indexOf(LT, near);
      const textEnd = lt < 0 ? length : lt;
      const text = textEnd > pos;
      if (this.depth === 0 && text) this.checkOutsideText(bytes, pos, textEnd);
      if (lt < 0) return length;
      pos = lt;
      // Inline rather than a method: a call first made after scan was optimized (a chunk
      // ending right after a `<`) has no type feedback and throws the code away.
      if (pos + 1 >= length) {
        if (final) throw new XesSyntaxError('unexpected end of input');
        return pos;
      }
      const next = bytes[pos + 1]!;
      let end: number;
      if (next === BANG) end = this.skipDeclaration(bytes, pos);
      else if (next === QUESTION) {
        const close = indexOfPair(bytes, QUESTION, GT, pos + 2);
        end = close < 0 ? -1 : close + 2;
      } else if (next === SLASH) end = this.endTag(bytes, pos);
      else end = this.startTag(bytes, pos, final);
      if (end < 0) {
        if (final) throw new XesSyntaxError('unexpected end of input');
        return pos;
      }
      pos = end;
    }
    return length;
  }

  private checkOutsideText(bytes: Buffer, from: number, to: number): void {
    for (let i = from; i < to; i++) if (!isSpace(bytes[i]!)) throw new XesSyntaxError('text data outside of root node');
  }

  /** `<!--…-->`, `<![CDATA[…]]>` or `<!DOCTYPE …>`; returns the offset after it, -1 when incomplete. */
  private skipDeclaration(bytes: Buffer, pos: number): number {
    if (pos + 3 >= bytes.length) return -1;
    if (bytes[pos + 2] === DASH && bytes[pos + 3] === DASH) {
      let close = pos + 4;
      for (;;) {
        close = bytes.indexOf(DASH, close);
        if (close < 0 || close + 2 >= bytes.length) return -1;
        if (bytes[close + 1] === DASH && bytes[close + 2] === GT) return close + 3;
        close++;
      }
    }
    if (bytes[pos + 2] === LBRACKET) {
      if (this.depth === 0) throw new XesSyntaxError('CDATA outside of root node');
      let close = pos + 3;
      for (;;) {
        close = bytes.indexOf(RBRACKET, close);
        if (close < 0 || close + 2 >= bytes.length) return -1;
        if (bytes[close + 1] === RBRACKET && bytes[close + 2] === GT) return close + 3;
        close++;
      }
    }
    // A DOCTYPE, possibly with an internal subset in brackets.
    let depth = 0;
    for (let i = pos + 2; i < bytes.length; i++) {
      const c = bytes[i]!;
      if (c === LBRACKET) depth++;
      else if (c === RBRACKET) depth--;
      else if (c === GT && depth <= 0) return i + 1;
    }
    return -1;
  }

  private endTag(bytes: Buffer, pos: number): number {
    const length = bytes.length;
    let close = pos + 2;
    while (close < length && bytes[close] !== GT) close++;
    if (close >= length) return -1;
    let nameEnd = close;
    while (nameEnd > pos + 2 && isSpace(bytes[nameEnd - 1]!)) nameEnd--;
    const name = this.names.id(bytes, pos + 2, nameEnd);
    if (this.depth === 0) throw new XesSyntaxError(`unmatched closing tag: ${this.names.nameOf(name)}`);
    const open = this.stack[--this.depth]!;
    if (open !== name) throw new XesSyntaxError(`unexpected close tag </${this.names.nameOf(name)}>, expected </${this.names.nameOf(open)}>`);
    if (this.depth === 0) this.rootClosed = true;
    this.handler.close();
    return close + 1;
  }

  private startTag(bytes: Buffer, pos: number, final: boolean): number {
    const length = bytes.length;
    let i = pos + 1;
    while (i < length && NAME_STOP[bytes[i]!] === 0) i++;
    if (i >= length) return -1;
    if (i === pos + 1) throw new XesSyntaxError('disallowed character in tag name');
    const nameStart = pos + 1;
    const nameEnd = i;
    let keyStart = -1;
    let keyEnd = -1;
    let valueStart = -1;
    let valueEnd = -1;
    let selfClosing = false;
    for (;;) {
      while (i < length && SPACE[bytes[i]!] === 1) i++;
      if (i >= length) return -1;
      const c = bytes[i]!;
      if (c === GT) {
        i++;
        break;
      }
      if (c === SLASH) {
        if (i + 1 >= length) return -1;
        if (bytes[i + 1] !== GT) throw new XesSyntaxError('forward-slash in opening tag not followed by >');
        selfClosing = true;
        i += 2;
        break;
      }
      // XES writes `key="…"` and `value="…"`: matched at once, anything else by the general
      // loop below (bpic2012, warm: 113 ms of scanning became 95). The length check first: a
      // read past the end of a typed array deoptimizes. Near a chunk's end the tag is left to
      // the carry, which sees it whole: met there, the general path's `key` and `value`
      // branches (no type feedback until then) threw the optimized code away.
      if (i + 7 >= length && !final) return -1;
      let attribute = OTHER;
      let quote: number;
      if (i + 7 < length && c === 0x6b && bytes[i + 1] === 0x65 && bytes[i + 2] === 0x79 && bytes[i + 3] === EQUALS && bytes[i + 4] === DQUOTE) {
        attribute = KEY;
        quote = DQUOTE;
        i += 5;
      } else if (
        i + 7 < length &&
        c === 0x76 &&
        bytes[i + 1] === 0x61 &&
        bytes[i + 2] === 0x6c &&
        bytes[i + 3] === 0x75 &&
        bytes[i + 4] === 0x65 &&
        bytes[i + 5] === EQUALS &&
        bytes[i + 6] === DQUOTE
      ) {
        attribute = VALUE;
        quote = DQUOTE;
        i += 7;
      } else {
        const attrStart = i;
        while (i < length && NAME_STOP[bytes[i]!] === 0 && bytes[i] !== EQUALS) i++;
        const attrEnd = i;
        while (i < length && SPACE[bytes[i]!] === 1) i++;
        if (i >= length) return -1;
        if (bytes[i] !== EQUALS) throw new XesSyntaxError('attribute without value');
        i++;
        while (i < length && SPACE[bytes[i]!] === 1) i++;
        if (i >= length) return -1;
        quote = bytes[i]!;
        if (quote !== DQUOTE && quote !== SQUOTE) throw new XesSyntaxError('unquoted attribute value');
        i++;
        const n = attrEnd - attrStart;
        if (n === 3 && bytes[attrStart] === 0x6b && bytes[attrStart + 1] === 0x65 && bytes[attrStart + 2] === 0x79) attribute = KEY;
        else if (
          n === 5 &&
          bytes[attrStart] === 0x76 &&
          bytes[attrStart + 1] === 0x61 &&
          bytes[attrStart + 2] === 0x6c &&
          bytes[attrStart + 3] === 0x75 &&
          bytes[attrStart + 4] === 0x65
        )
          attribute = VALUE;
      }
      const start = i;
      let end = start;
      let lessThan = false;
      for (; end < length; end++) {
        const v = bytes[end]!;
        if (v === quote) break;
        if (v === LT) lessThan = true;
      }
      if (end >= length) return -1;
      if (lessThan) throw new XesSyntaxError('disallowed character in attribute value');
      if (attribute === KEY) {
        keyStart = start;
        keyEnd = end;
      } else if (attribute === VALUE) {
        valueStart = start;
        valueEnd = end;
      }
      i = end + 1;
    }
    if (this.rootClosed) throw new XesSyntaxError('text data outside of root node');
    this.rootSeen = true;
    const name = this.names.id(bytes, nameStart, nameEnd);
    this.handler.open(name, bytes, keyStart, keyEnd, valueStart, valueEnd);
    if (selfClosing) {
      if (this.depth === 0) this.rootClosed = true;
      this.handler.close();
    } else {
      if (this.depth === this.stack.length) {
        const grown = new Int32Array(this.depth * 2);
        grown.set(this.stack);
        this.stack = grown;
      }
      this.stack[this.depth++] = name;
    }
    return i;
  }
}

function indexOfPair(bytes: Buffer, first: number, second: number, from: number): number {
  let i = from;
  for (;;) {
    i = bytes.indexOf(first, i);
    if (i < 0 || i + 1 >= bytes.length) return -1;
    if (bytes[i + 1] === second) return i;
    i++;
  }
}

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** XML attribute-value normalization: entity and character references, and `\r\n`, `\r`, `\n`, `\t` as one space each. */
export function decodeAttribute(raw: string): string {
  let out = '';
  for (let i = 0; i < raw.length; i++) {
    const c = raw.charCodeAt(i);
    if (c === 0x0d) {
      out += ' ';
      if (raw.charCodeAt(i + 1) === 0x0a) i++;
    } else if (c === 0x0a || c === 0x09) out += ' ';
    else if (c === AMP) {
      const semi = raw.indexOf(';', i + 1);
      if (semi < 0) throw new XesSyntaxError('unterminated entity reference in attribute value');
      const entity = raw.slice(i + 1, semi);
      if (entity.startsWith('#')) {
        const code = entity[1] === 'x' ? Number.parseInt(entity.slice(2), 16) : Number.parseInt(entity.slice(1), 10);
        const digits = entity[1] === 'x' ? /^#x[0-9a-fA-F]+$/ : /^#[0-9]+$/;
        if (!digits.test(entity) || !isXmlChar(code)) throw new XesSyntaxError(`malformed character entity: &${entity};`);
        out += String.fromCodePoint(code);
      } else {
        const value = ENTITIES[entity];
        if (value === undefined) throw new XesSyntaxError(`undefined entity: ${entity}`);
        out += value;
      }
      i = semi;
    } else out += raw[i];
  }
  return out;
}

function isXmlChar(c: number): boolean {
  return c === 0x9 || c === 0xa || c === 0xd || (c >= 0x20 && c <= 0xd7ff) || (c >= 0xe000 && c <= 0xfffd) || (c >= 0x10000 && c <= 0x10ffff);
}
