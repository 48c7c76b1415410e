import type { XesTagHandler } from './xes-scanner.ts';
import { parseTimestamp } from './timestamp.ts';
import { XesTimestampParser } from './xes-timestamp.ts';
import { decodeRaw, needsDecoding, XmlValueCodes } from './xml-value-codes.ts';
import type { ColumnMapping } from './column-mapping.ts';
import type { EventLogBuilder } from '../log/event-log-builder.ts';

// Event fields by the index XesKeys.match returns; matched in this order, as before: the first
// field whose key it is wins.
const ACTIVITY = 0;
const TIMESTAMP = 1;
const RESOURCE = 2;
const LIFECYCLE = 3;
const START_TIMESTAMP = 4;
const FIELDS = ['activity', 'timestamp', 'resource', 'lifecycle', 'startTimestamp'] as const;

/**
 * The XES side of reading a log: turns the scanner's tags into events for the builder. Only
 * attributes that are direct children of `<trace>` / `<event>` are considered, so `<global>`
 * defaults and nested (list / meta) attributes never leak into events. A trace's events are
 * buffered until the trace closes because XES does not force the trace's `concept:name` to
 * precede its events. Keys are compared as bytes, values coded once per distinct raw value
 * (xml-value-codes.ts) and the codes handed to the builder, timestamps parsed from the bytes:
 * no string per attribute or event.
 *
 * A class rather than a closure over local variables: its state lives in fields of one shape
 * instead of a closure context (bpic2012 read from memory: ~350 ms became ~300).
 */
export class XesTraceCollector implements XesTagHandler {
  private readonly eventKeys: XesKeys;
  private readonly traceKeys: XesKeys;
  private readonly caseIds = new XmlValueCodes();
  private readonly activityValues = new XmlValueCodes();
  private readonly resourceValues = new XmlValueCodes();
  private readonly lifecycleValues = new XmlValueCodes();
  private readonly timestampParser = new XesTimestampParser();

  private depth = 0;
  private traceDepth = -1;
  private eventDepth = -1;
  /** Codes of the open trace and event (-1: absent). */
  private caseId = -1;
  private activity = -1;
  private resource = -1;
  private lifecycle = -1;
  private timestamp = NaN;
  private timestampMissing = true;
  private startTimestamp = NaN;
  /** Events of the open trace, reused across traces. */
  private traceEvents = 0;
  private activities = new Int32Array(32);
  private resources = new Int32Array(32);
  private lifecycles = new Int32Array(32);
  private timestamps = new Float64Array(32);
  private startTimestamps = new Float64Array(32);
  private timestampsMissing = new Uint8Array(32);

  /** @param trace, event the tag name ids of `<trace>` and `<event>` */
  constructor(
    private readonly builder: EventLogBuilder,
    keys: Required<ColumnMapping>,
    private readonly trace: number,
    private readonly event: number,
  ) {
    this.eventKeys = new XesKeys(FIELDS.map((f) => keys[f]));
    this.traceKeys = new XesKeys([keys.caseId]);
    // The scanner inlines open and close, and V8 takes a field stored once for a constant in
    // the code it optimizes: these first change at the first trace, after a log's header has
    // had the scanner optimized, which then threw its code away. A second store here marks
    // them variable before anything is compiled.
    this.traceDepth = this.eventDepth = 0;
    this.traceDepth = this.eventDepth = -1;
    this.caseId = this.activity = this.resource = this.lifecycle = this.traceEvents = 1;
    this.caseId = this.activity = this.resource = this.lifecycle = -1;
    this.traceEvents = 0;
    this.timestamp = this.startTimestamp = 0;
    this.timestamp = this.startTimestamp = NaN;
    this.timestampMissing = false;
    this.timestampMissing = true;
    // The trace buffers are replaced when a trace outgrows them (growTrace).
    this.growTrace();
    builder.useDictionaries({
      caseIds: this.caseIds.values,
      activities: this.activityValues.values,
      resources: this.resourceValues.values,
      lifecycles: this.lifecycleValues.values,
    });
  }

  open(name: number, bytes: Buffer, keyStart: number, keyEnd: number, valueStart: number, valueEnd: number): void {
    const depth = ++this.depth;
    if (this.traceDepth < 0) {
      if (name === this.trace) {
        this.traceDepth = depth;
        this.caseId = -1;
        this.traceEvents = 0;
      }
      return;
    }
    if (this.eventDepth < 0) {
      if (depth !== this.traceDepth + 1) return;
      if (name === this.event) {
        this.eventDepth = depth;
        this.activity = this.resource = this.lifecycle = -1;
        this.timestamp = this.startTimestamp = NaN;
        this.timestampMissing = true;
      } else if (keyStart >= 0 && this.traceKeys.match(bytes, keyStart, keyEnd) === 0) {
        this.caseId = valueStart < 0 ? -1 : this.caseIds.codeOf(bytes, valueStart, valueEnd);
      }
      return;
    }
    if (depth !== this.eventDepth + 1 || keyStart < 0) return;
    switch (this.eventKeys.match(bytes, keyStart, keyEnd)) {
      case ACTIVITY:
        this.activity = valueStart < 0 ? -1 : this.activityValues.codeOf(bytes, valueStart, valueEnd);
        break;
      case TIMESTAMP:
        this.timestampMissing = valueStart === valueEnd;
        this.timestamp = valueStart < 0 ? NaN : timestampOf(this.timestampParser, bytes, valueStart, valueEnd);
        break;
      case RESOURCE:
        this.resource = valueStart < 0 ? -1 : this.resourceValues.codeOf(bytes, valueStart, valueEnd);
        break;
      case LIFECYCLE:
        this.lifecycle = valueStart < 0 ? -1 : this.lifecycleValues.codeOf(bytes, valueStart, valueEnd);
        break;
      case START_TIMESTAMP:
        this.startTimestamp = valueStart < 0 ? NaN : timestampOf(this.timestampParser, bytes, valueStart, valueEnd);
        break;
    }
  }

  close(): void {
    const depth = this.depth--;
    if (depth === this.eventDepth) {
      const i = this.traceEvents++;
      if (i === this.activities.length) this.growTrace();
      this.activities[i] = this.activity;
      this.resources[i] = this.resource;
      this.lifecycles[i] = this.lifecycle;
      this.timestamps[i] = this.timestamp;
      this.startTimestamps[i] = this.startTimestamp;
      this.timestampsMissing[i] = this.timestampMissing ? 1 : 0;
      this.eventDepth = -1;
    } else if (depth === this.traceDepth) {
      const { builder, caseId, activities, timestamps, timestampsMissing, startTimestamps, resources, lifecycles } = this;
      for (let i = 0; i < this.traceEvents; i++) {
        builder.addCodes(caseId, activities[i]!, timestamps[i]!, timestampsMissing[i] === 1, startTimestamps[i]!, resources[i]!, lifecycles[i]!);
      }
      this.traceDepth = -1;
    }
  }

  private growTrace(): void {
    const size = this.activities.length * 2;
    const grow = <T extends Int32Array | Float64Array | Uint8Array>(a: T, make: (n: number) => T): T => {
      const grown = make(size);
      grown.set(a);
      return grown;
    };
    this.activities = grow(this.activities, (n) => new Int32Array(n));
    this.resources = grow(this.resources, (n) => new Int32Array(n));
    this.lifecycles = grow(this.lifecycles, (n) => new Int32Array(n));
    this.timestamps = grow(this.timestamps, (n) => new Float64Array(n));
    this.startTimestamps = grow(this.startTimestamps, (n) => new Float64Array(n));
    this.timestampsMissing = grow(this.timestampsMissing, (n) => new Uint8Array(n));
  }
}

/**
 * A timestamp attribute's raw value `[start, end)` as epoch ms (see parseTimestamp); NaN when
 * empty or unparsable. A value the byte parser accepts holds no entity and no tab or line end
 * but leading or trailing ones, which it trims as it would their decoded spaces: only a
 * rejected value can read differently once decoded.
 */
function timestampOf(parser: XesTimestampParser, bytes: Uint8Array, start: number, end: number): number {
  if (start === end) return NaN;
  const ms = parser.parse(bytes, start, end);
  if (!Number.isNaN(ms) || !needsDecoding(bytes, start, end)) return ms;
  const text = decodeRaw(bytes, start, end);
  return text === '' ? NaN : parseTimestamp(text);
}

/** Attribute keys to look for, matched against a `key` attribute's raw bytes. */
class XesKeys {
  private readonly encoded: Uint8Array[];
  /** Whether a key's own text holds what XML decodes (then equal raw bytes do not mean an equal value). */
  private readonly decodable: boolean[];
  /** Whether a key holds U+FFFD, which malformed UTF-8 in a raw key also decodes to. */
  private readonly replacement: boolean;

  constructor(private readonly texts: readonly string[]) {
    this.encoded = texts.map((k) => Buffer.from(k, 'utf8'));
    this.decodable = this.encoded.map((k) => needsDecoding(k, 0, k.length));
    this.replacement = texts.some((k) => k.includes('\ufffd'));
  }

  /** Index of the first key equal to the decoded raw value `[start, end)`, -1 when none is. */
  match(bytes: Uint8Array, start: number, end: number): number {
    const length = end - start;
    for (let k = 0; k < this.encoded.length; k++) {
      const key = this.encoded[k]!;
      if (key.length !== length) continue;
      let i = 0;
      while (i < length && key[i] === bytes[start + i]) i++;
      if (i === length) return this.decodable[k] ? this.matchDecoded(bytes, start, end) : k;
    }
    return this.replacement || needsDecoding(bytes, start, end) ? this.matchDecoded(bytes, start, end) : -1;
  }

  private matchDecoded(bytes: Uint8Array, start: number, end: number): number {
    return this.texts.indexOf(decodeRaw(bytes, start, end));
  }
}
