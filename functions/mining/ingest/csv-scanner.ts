import type { ByteInterner } from './byte-interner.ts';
import { hashBytes } from './byte-table.ts';
import { readIsoMillisecondsZ } from './timestamp.ts';

/**
 * Byte-level CSV record scanner (RFC 4180 plus the usual leniencies). It never decodes text:
 * for each record it reports where the first `keepFields` fields lie in the byte buffer and
 * leaves decoding, of the wanted columns only, to the consumer.
 *
 * Rules: records end at LF, CRLF or a lone CR; empty lines are skipped; a field starting with
 * `"` is quoted and may hold delimiters, line breaks and `""` (an escaped quote); a quote
 * inside an unquoted field is kept literally. A closing quote followed by anything but a
 * delimiter or a line end, and a quote left open at the end of input, are errors (as in
 * csv-parse, which this replaced). Records may have any number of fields.
 *
 * Chunk seams: a record cut by a seam is carried over and rescanned once more bytes arrive;
 * a record only ever reaches the consumer whole, so multi-byte characters are never split.
 * Rescans wait until the new bytes at least match the carried ones, which keeps a record far
 * larger than the chunks (or a stream of 1-byte chunks) linear rather than quadratic.
 */
export class CsvScanner {
  /** Byte offsets of kept field i: `[starts[i], ends[i])`, quotes excluded. */
  starts = new Int32Array(64);
  ends = new Int32Array(64);
  /** 1 when kept field i is quoted and contains `""`, which the consumer must unescape. */
  escaped = new Uint8Array(64);
  /**
   * Per field, a dictionary that encodes the field as soon as its end is found, while its bytes
   * are still in cache, or null. Fields beyond the array's length are not encoded.
   */
  dictionaries: ReadonlyArray<ByteInterner | null> = [];
  /** Code of kept field i in `dictionaries[i]`; -1 when the field is empty. */
  codes = new Int32Array(64);
  /**
   * A field read as a timestamp while it is scanned when it has the usual 24-byte ISO form
   * (readIsoMillisecondsZ): its end is then known without looking at each byte (bpic2012's
   * cold ingest: 117 -> 114 ms of main-thread CPU on average, faster in 9 of 12 alternating
   * runs). -1 for none.
   */
  timestampField = -1;
  /**
   * `time[0]`: that field's value in the current record; NaN when it had another form (left to
   * the consumer). In an array rather than a field so that it is never boxed on its way.
   */
  readonly time = new Float64Array(1);
  /** Data records reported so far (the header included), for error messages. */
  records = 0;

  /** 1 for the bytes that end a field (the delimiter, LF, CR), 0 for the rest. */
  private readonly stops = new Uint8Array(256);
  private carry: Buffer | null = null;
  private readonly pending: Buffer[] = [];
  private pendingBytes = 0;
  private started = false;
  /** 1 when the field {@link closingQuote} last found contains `""`. */
  private quoteEscaped = 0;

  constructor(
    private readonly delimiter: number,
    /** Fields whose positions are recorded; the rest of each record is only skipped. */
    public keepFields: number,
    /** Called once per non-empty record with the buffer the offsets refer to and the field count kept. */
    private readonly onRecord: (bytes: Buffer, fields: number) => void,
  ) {
    this.stops[delimiter] = 1;
    this.stops[LF] = 1;
    this.stops[CR] = 1;
  }

  push(chunk: Uint8Array): void {
    let bytes = toBuffer(chunk);
    if (!this.started) {
      // A BOM can only be recognised once its three bytes are in.
      if (this.carry !== null || this.pendingBytes > 0) bytes = this.takeBuffered(bytes);
      if (bytes.length < 3 && isBomPrefix(bytes)) {
        this.carry = bytes;
        return;
      }
      this.started = true;
      if (bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    } else if (this.carry !== null) {
      if (this.pendingBytes === 0 && this.carry.length <= bytes.length) {
        // Finish the carried record with the new bytes up to their first line break, rather
        // than copying the whole chunk behind it (bpic2012: 17 MB copied, ~5 ms). Bounded by
        // the chunk's size, so that rescans stay linear when the record goes on.
        const lineEnd = bytes.indexOf(LF);
        if (lineEnd >= 0) {
          const head = Buffer.concat([this.carry, bytes.subarray(0, lineEnd + 1)]);
          const consumed = this.scan(head, false);
          this.carry = consumed < head.length ? head.subarray(consumed) : null;
          bytes = bytes.subarray(lineEnd + 1);
        }
      }
      if (this.carry !== null) {
        this.pending.push(bytes);
        this.pendingBytes += bytes.length;
        if (this.pendingBytes < this.carry.length) return;
        bytes = this.takeBuffered(null);
      }
    }
    const consumed = this.scan(bytes, false);
    this.carry = consumed < bytes.length ? bytes.subarray(consumed) : null;
  }

  /** Flushes the last record (one without a final line break). */
  end(): void {
    let bytes = this.takeBuffered(null);
    if (!this.started && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) bytes = bytes.subarray(3);
    this.started = true;
    this.carry = null;
    if (bytes.length > 0) this.scan(bytes, true);
  }

  private takeBuffered(extra: Buffer | null): Buffer {
    const parts = this.carry === null ? [...this.pending] : [this.carry, ...this.pending];
    if (extra !== null) parts.push(extra);
    this.pending.length = 0;
    this.pendingBytes = 0;
    this.carry = null;
    return parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  }

  /**
   * Reports every complete record in `bytes`; returns the offset where the first incomplete
   * one starts (`bytes.length` when none is). With `final`, the input ends here.
   */
  private scan(bytes: Buffer, final: boolean): number {
    let next = 0;
    do next = this.scanRecords(bytes, next < 0 ? ~next : next, final);
    while (next < 0);
    return next;
  }

  /**
   * {@link scan} from `from`, at most RECORDS_PER_CALL records; `~offset` (negative) of the next
   * record when it stopped there. Short calls let V8 optimize the scanner once, as a function,
   * where a 64 KB chunk per call also had its loop compiled on stack (OSR): two TurboFan compiles
   * of the largest function of the ingest instead of one (bpic2012 cold, min of 10 alternating
   * runs: 159 -> 148 ms of process CPU, 117 -> 111 ms wall).
   */
  private scanRecords(bytes: Buffer, from: number, final: boolean): number {
    const length = bytes.length;
    const delimiter = this.delimiter;
    const stops = this.stops;
    // No byte above this one ends a field: one comparison per byte for most text.
    const top = Math.max(delimiter, LF, CR);
    const finalBit = final ? 1 : 0;
    const time = this.time;
    // Set by the consumer when it reads the header: read again after each record.
    let keep = this.keepFields;
    let dictionaries = this.dictionaries;
    let timestampField = this.timestampField;
    let starts = this.starts;
    let ends = this.ends;
    let escapedFields = this.escaped;
    let codes = this.codes;
    let pos = from;
    let records = 0;
    while (pos < length) {
      if (records++ === RECORDS_PER_CALL) return ~pos;
      const recordStart = pos;
      let field = 0;
      time[0] = NaN;
      for (;;) {
        let start = pos;
        let end: number;
        let escaped = 0;
        let code = -1;
        const dictionary = field < keep && field < dictionaries.length ? dictionaries[field]! : null;
        if (pos < length && bytes[pos] === QUOTE) {
          // Quoted fields are rare: kept out of line so that this loop stays small to compile.
          end = this.closingQuote(bytes, pos + 1, final);
          if (end < 0) return recordStart;
          start = pos + 1;
          pos = end + 1;
          escaped = this.quoteEscaped;
          if (dictionary !== null && start < end) code = quotedCode(dictionary, bytes, start, end, escaped);
        } else {
          let known = false;
          if (field === timestampField) {
            const after = pos + 24;
            // Every comparison here runs on every record, none behind a short circuit: one first
            // reached after this loop was optimized (a timestamp ending a chunk) has no type
            // feedback and deoptimizes it, which cost bpic2012's cold ingest 10-30 ms.
            const ended = (after < length ? stops[bytes[after]!]! : 0) | ((after === length ? 1 : 0) & finalBit);
            if (ended !== 0 && readIsoMillisecondsZ(bytes, pos, time)) {
              pos = after;
              known = true;
            }
          }
          if (!known && dictionary !== null) {
            code = dictionary.matchAt(bytes, pos, length, stops);
            if (code >= 0) {
              pos = dictionary.matchEnd;
              known = true;
            }
          }
          if (!known) {
            while (pos < length) {
              const c = bytes[pos]!;
              // The table rather than `c === delimiter || c === LF || c === CR`, for the same reason.
              if (c <= top && stops[c] !== 0) break;
              pos++;
            }
            if (pos === length && !final) return recordStart;
          }
          end = pos;
          if (dictionary !== null && start < end && code < 0) code = dictionary.codeAt(bytes, start, end);
        }
        if (field < keep) {
          if (field === starts.length) {
            this.growFields();
            starts = this.starts;
            ends = this.ends;
            escapedFields = this.escaped;
            codes = this.codes;
          }
          starts[field] = start;
          ends[field] = end;
          escapedFields[field] = escaped;
          codes[field] = code;
        }
        field++;
        if (pos === length) break;
        const c = bytes[pos++]!;
        if (c === delimiter) continue;
        // A CR at the very end of a chunk may be followed by LF in the next: that LF then
        // reads as an empty line, which is skipped.
        if (c === CR && pos < length && bytes[pos] === LF) pos++;
        break;
      }
      // An empty line is one empty, unquoted field.
      if (field === 1 && ends[0] === starts[0] && bytes[recordStart] !== QUOTE) continue;
      this.records++;
      this.onRecord(bytes, keep < field ? keep : field);
      keep = this.keepFields;
      dictionaries = this.dictionaries;
      timestampField = this.timestampField;
    }
    return length;
  }

  /**
   * Offset of the quote closing the field whose text starts at `from`; -1 when the input may
   * continue it (not `final`).
   * @throws CsvSyntaxError for a quote never closed, or closed and followed by anything but a delimiter or a line end.
   */
  private closingQuote(bytes: Buffer, from: number, final: boolean): number {
    const length = bytes.length;
    let close = from;
    let escaped = 0;
    for (;;) {
      close = bytes.indexOf(QUOTE, close);
      if (close < 0 || (close + 1 === length && !final)) {
        if (final) throw new CsvSyntaxError(`quoted field not closed in record ${this.records + 1}`);
        return -1;
      }
      if (bytes[close + 1] !== QUOTE) break;
      escaped = 1;
      close += 2;
    }
    if (close + 1 < length) {
      const next = bytes[close + 1]!;
      if (next !== this.delimiter && next !== LF && next !== CR) {
        throw new CsvSyntaxError(`unexpected ${JSON.stringify(String.fromCharCode(next))} after a closing quote in record ${this.records + 1}`);
      }
    }
    this.quoteEscaped = escaped;
    return close;
  }

  private growFields(): void {
    const size = this.starts.length * 2;
    const starts = new Int32Array(size);
    starts.set(this.starts);
    const ends = new Int32Array(size);
    ends.set(this.ends);
    const escaped = new Uint8Array(size);
    escaped.set(this.escaped);
    const codes = new Int32Array(size);
    codes.set(this.codes);
    this.codes = codes;
    this.starts = starts;
    this.ends = ends;
    this.escaped = escaped;
  }
}

/** Malformed quoting; the message names the record (1-based, header included, empty lines not counted). */
export class CsvSyntaxError extends Error {
  override readonly name = 'CsvSyntaxError';
}

const QUOTE = 0x22;
const LF = 0x0a;
const CR = 0x0d;
const RECORDS_PER_CALL = 128;

/** Dictionary code of the non-empty quoted field `[start, end)`, its `""` unescaped. */
function quotedCode(dictionary: ByteInterner, bytes: Buffer, start: number, end: number, escaped: number): number {
  if (escaped === 1) return dictionary.codeOfString(bytes.toString('utf8', start, end).replaceAll('""', '"'));
  return dictionary.codeOf(bytes, start, end, hashBytes(bytes, start, end));
}

function toBuffer(chunk: Uint8Array): Buffer {
  return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
}

function isBomPrefix(bytes: Buffer): boolean {
  const bom = [0xef, 0xbb, 0xbf];
  for (let i = 0; i < bytes.length; i++) if (bytes[i] !== bom[i]) return false;
  return true;
}
