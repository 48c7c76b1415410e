// The saxes-based reader the byte scanner replaced (HEAD before the change), kept as the reference.
import { SaxesParser, type SaxesTagPlain } from 'saxes';
import { EventLogBuilder, type EventLogBuilderOptions } from '../../../functions/mining/log/event-log-builder.ts';
import { DEFAULT_XES_KEYS, type ColumnMapping } from '../../../functions/mining/ingest/column-mapping.ts';
import type { EventLog } from '../../../functions/mining/log/event-log.ts';
import type { ValidationReport } from '../../../functions/mining/ingest/validation-report.ts';

export interface XesReadOptions extends Omit<EventLogBuilderOptions, 'hasStartTimestamps'> {
  /** Attribute keys: `caseId` is a trace attribute, the others event attributes. */
  columnMapping?: Partial<ColumnMapping>;
}

/**
 * Reads an XES log (UTF-8) with a streaming SAX parser. Only attributes that are direct
 * children of `<trace>` / `<event>` are considered, so `<global>` defaults and nested
 * (list / meta) attributes never leak into events. A trace's events are buffered until the
 * trace closes because XES does not force the trace's `concept:name` to precede its events.
 * Traces sharing a case id are merged into one case.
 */
export async function readXesWithSaxes(
  source: AsyncIterable<Uint8Array>,
  options: XesReadOptions,
): Promise<{ log: EventLog; validation: ValidationReport }> {
  const keys = { ...DEFAULT_XES_KEYS, ...definedOnly(options.columnMapping) };
  const builder = new EventLogBuilder({ ...options, hasStartTimestamps: options.columnMapping?.startTimestamp !== undefined });

  let depth = 0;
  let traceDepth = -1;
  let eventDepth = -1;
  let caseId = '';
  let activity = '';
  let timestamp = '';
  let startTimestamp = '';
  let resource = '';
  let lifecycle = '';
  // Column buffers of the open trace, reused across traces.
  const activities: string[] = [];
  const timestamps: string[] = [];
  const startTimestamps: string[] = [];
  const resources: string[] = [];
  const lifecycles: string[] = [];
  let traceEvents = 0;

  const parser = new SaxesParser({ xmlns: false, position: false });
  parser.on('opentag', (tag: SaxesTagPlain) => {
    depth++;
    if (traceDepth < 0) {
      if (tag.name === 'trace') {
        traceDepth = depth;
        caseId = '';
        traceEvents = 0;
      }
      return;
    }
    if (eventDepth < 0) {
      if (depth !== traceDepth + 1) return;
      if (tag.name === 'event') {
        eventDepth = depth;
        activity = timestamp = startTimestamp = resource = lifecycle = '';
      } else if (tag.attributes['key'] === keys.caseId) {
        caseId = attributeValue(tag);
      }
      return;
    }
    if (depth !== eventDepth + 1) return;
    const key = tag.attributes['key'];
    if (key === keys.activity) activity = attributeValue(tag);
    else if (key === keys.timestamp) timestamp = attributeValue(tag);
    else if (key === keys.resource) resource = attributeValue(tag);
    else if (key === keys.lifecycle) lifecycle = attributeValue(tag);
    else if (key === keys.startTimestamp) startTimestamp = attributeValue(tag);
  });
  parser.on('closetag', () => {
    if (depth === eventDepth) {
      activities[traceEvents] = activity;
      timestamps[traceEvents] = timestamp;
      startTimestamps[traceEvents] = startTimestamp;
      resources[traceEvents] = resource;
      lifecycles[traceEvents] = lifecycle;
      traceEvents++;
      eventDepth = -1;
    } else if (depth === traceDepth) {
      for (let i = 0; i < traceEvents; i++) {
        builder.add(caseId, activities[i]!, timestamps[i]!, startTimestamps[i]!, resources[i]!, lifecycles[i]!);
      }
      traceDepth = -1;
    }
    depth--;
  });

  const decoder = new TextDecoder('utf-8');
  for await (const chunk of source) {
    parser.write(decoder.decode(chunk, { stream: true }));
  }
  parser.write(decoder.decode());
  parser.close();
  return builder.build();
}

function attributeValue(tag: SaxesTagPlain): string {
  return tag.attributes['value'] ?? '';
}

function definedOnly(mapping: Partial<ColumnMapping> | undefined): Partial<ColumnMapping> {
  const out: Partial<ColumnMapping> = {};
  if (mapping === undefined) return out;
  for (const [field, key] of Object.entries(mapping) as Array<[keyof ColumnMapping, string | undefined]>) {
    if (key !== undefined && key !== '') out[field] = key;
  }
  return out;
}
