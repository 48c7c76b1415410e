import { EventLogBuilder, type EventLogBuilderOptions } from '../log/event-log-builder.ts';
import { ByteStringCache } from './byte-string-cache.ts';
import { DEFAULT_XES_KEYS, type ColumnMapping } from './column-mapping.ts';
import { XesScanner } from './xes-scanner.ts';
import type { EventLog } from '../log/event-log.ts';
import type { ValidationReport } from './validation-report.ts';

export interface XesReadOptions extends Omit<EventLogBuilderOptions, 'hasStartTimestamps'> {
  /** Attribute keys: `caseId` is a trace attribute, the others event attributes. */
  columnMapping?: Partial<ColumnMapping>;
}

const KEY = Buffer.from('key');
const VALUE = Buffer.from('value');

/**
 * Reads an XES log (UTF-8) with a streaming byte-level tag scanner (xes-scanner.ts; saxes
 * before it). Only attributes that are direct children of `<trace>` / `<event>` are
 * considered, so `<global>` defaults and nested (list / meta) attributes never leak into
 * events. A trace's events are buffered until the trace closes because XES does not force the
 * trace's `concept:name` to precede its events. Traces sharing a case id are merged into one case.
 */
export async function readXesEventLog(
  source: AsyncIterable<Uint8Array>,
  options: XesReadOptions,
): Promise<{ log: EventLog; validation: ValidationReport }> {
  const keys = { ...DEFAULT_XES_KEYS, ...definedOnly(options.columnMapping) };
  const builder = new EventLogBuilder({ ...options, hasStartTimestamps: options.columnMapping?.startTimestamp !== undefined });
  // Matched in this order, as before: the first field whose key it is wins.
  const FIELDS = ['activity', 'timestamp', 'resource', 'lifecycle', 'startTimestamp'] as const;
  const fieldKeys = FIELDS.map((f) => keys[f]);
  const fieldKeyBytes = fieldKeys.map((k) => Buffer.from(k, 'utf8'));
  const caseIdKeyBytes = Buffer.from(keys.caseId, 'utf8');
  const caches = { caseId: new ByteStringCache(), activity: new ByteStringCache(), resource: new ByteStringCache(), lifecycle: new ByteStringCache() };

  let depth = 0;
  let traceDepth = -1;
  let eventDepth = -1;
  let caseId = '';
  // Text fields by FIELDS index (the timestamps' slots stay unused: they are parsed from bytes).
  const fields = ['', '', '', '', ''];
  let timestamp = NaN;
  let timestampMissing = true;
  let startTimestamp = NaN;
  // Column buffers of the open trace, reused across traces.
  const activities: string[] = [];
  const timestamps: number[] = [];
  const timestampsMissing: boolean[] = [];
  const startTimestamps: number[] = [];
  const resources: string[] = [];
  const lifecycles: string[] = [];
  let traceEvents = 0;

  /** Index of attribute `name` of the current tag (the last one, as an object would keep), -1 when absent. */
  const find = (bytes: Buffer, name: Uint8Array): number => {
    for (let i = scanner.attributes - 1; i >= 0; i--) if (scanner.attributeNamed(bytes, i, name)) return i;
    return -1;
  };
  /** Whether the tag's `key` attribute (index `k`) equals the key given as text and UTF-8 bytes. */
  const keyIs = (bytes: Buffer, k: number, text: string, encoded: Uint8Array): boolean => {
    if (scanner.valueSpecial[k] === 1) return scanner.attributeValue(bytes, k, null) === text;
    const start = scanner.valueStarts[k]!;
    if (scanner.valueEnds[k]! - start !== encoded.length) return false;
    for (let i = 0; i < encoded.length; i++) if (bytes[start + i] !== encoded[i]) return false;
    return true;
  };

  const scanner: XesScanner = new XesScanner({
    open(name, bytes) {
      depth++;
      if (traceDepth < 0) {
        if (name === 'trace') {
          traceDepth = depth;
          caseId = '';
          traceEvents = 0;
        }
        return;
      }
      if (eventDepth < 0) {
        if (depth !== traceDepth + 1) return;
        if (name === 'event') {
          eventDepth = depth;
          fields.fill('');
          timestamp = startTimestamp = NaN;
          timestampMissing = true;
        } else {
          const k = find(bytes, KEY);
          if (k >= 0 && keyIs(bytes, k, keys.caseId, caseIdKeyBytes)) caseId = valueOf(bytes, caches.caseId);
        }
        return;
      }
      if (depth !== eventDepth + 1) return;
      const k = find(bytes, KEY);
      if (k < 0) return;
      for (let f = 0; f < FIELDS.length; f++) {
        if (!keyIs(bytes, k, fieldKeys[f]!, fieldKeyBytes[f]!)) continue;
        const field = FIELDS[f]!;
        if (field === 'timestamp') {
          const v = find(bytes, VALUE);
          timestampMissing = v < 0 || scanner.valueStarts[v] === scanner.valueEnds[v];
          timestamp = v < 0 ? NaN : scanner.attributeTimestamp(bytes, v);
        } else if (field === 'startTimestamp') {
          const v = find(bytes, VALUE);
          startTimestamp = v < 0 ? NaN : scanner.attributeTimestamp(bytes, v);
        } else fields[f] = valueOf(bytes, caches[field]);
        break;
      }
    },
    close() {
      if (depth === eventDepth) {
        activities[traceEvents] = fields[0]!;
        timestamps[traceEvents] = timestamp;
        timestampsMissing[traceEvents] = timestampMissing;
        resources[traceEvents] = fields[2]!;
        lifecycles[traceEvents] = fields[3]!;
        startTimestamps[traceEvents] = startTimestamp;
        traceEvents++;
        eventDepth = -1;
      } else if (depth === traceDepth) {
        for (let i = 0; i < traceEvents; i++) {
          builder.addParsed(caseId, activities[i]!, timestamps[i]!, timestampsMissing[i]!, startTimestamps[i]!, resources[i]!, lifecycles[i]!);
        }
        traceDepth = -1;
      }
      depth--;
    },
  });
  const valueOf = (bytes: Buffer, cache: ByteStringCache): string => {
    const v = find(bytes, VALUE);
    return v < 0 ? '' : scanner.attributeValue(bytes, v, cache);
  };

  for await (const chunk of source) scanner.push(chunk);
  scanner.end();
  return builder.build();
}

function definedOnly(mapping: Partial<ColumnMapping> | undefined): Partial<ColumnMapping> {
  const out: Partial<ColumnMapping> = {};
  if (mapping === undefined) return out;
  for (const [field, key] of Object.entries(mapping) as Array<[keyof ColumnMapping, string | undefined]>) {
    if (key !== undefined && key !== '') out[field] = key;
  }
  return out;
}
