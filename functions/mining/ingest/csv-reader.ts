import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { EventLogBuilder, type EventLogBuilderOptions } from '../log/event-log-builder.ts';
import { resolveColumns, type ColumnIndexes, type ColumnMapping } from './column-mapping.ts';
import type { EventLog } from '../log/event-log.ts';
import type { ValidationReport } from './validation-report.ts';

export interface CsvReadOptions extends Omit<EventLogBuilderOptions, 'hasStartTimestamps'> {
  columnMapping?: Partial<ColumnMapping>;
}

const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'] as const;
const QUOTE = 0x22;
const NEWLINE = 0x0a;

/**
 * Picks the delimiter occurring most often outside quotes in the header line; ',' when
 * none occurs (a single-column file) or on a tie, ties going to the earlier candidate.
 */
export function detectDelimiter(headerLine: Uint8Array): string {
  const counts = [0, 0, 0, 0];
  let quoted = false;
  for (let i = 0; i < headerLine.length; i++) {
    const c = headerLine[i]!;
    if (c === QUOTE) quoted = !quoted;
    else if (!quoted) {
      for (let k = 0; k < CANDIDATE_DELIMITERS.length; k++) {
        if (c === CANDIDATE_DELIMITERS[k]!.charCodeAt(0)) counts[k]!++;
      }
    }
  }
  let best = 0;
  for (let k = 1; k < counts.length; k++) if (counts[k]! > counts[best]!) best = k;
  return CANDIDATE_DELIMITERS[best]!;
}

/** Reads a CSV event log (UTF-8, optional BOM, header row first). */
export async function readCsvEventLog(
  source: AsyncIterable<Uint8Array>,
  options: CsvReadOptions,
): Promise<{ log: EventLog; validation: ValidationReport }> {
  const iterator = source[Symbol.asyncIterator]();
  const head = await readHeaderBytes(iterator);

  let columns: ColumnIndexes | undefined;
  let builder: EventLogBuilder | undefined;
  const parser = parse({
    delimiter: detectDelimiter(head.headerLine),
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    // Records are consumed here and filtered out, so the stream machinery never sees them.
    on_record: (record: string[]) => {
      if (builder === undefined || columns === undefined) {
        columns = resolveColumns(record, options.columnMapping);
        builder = new EventLogBuilder({ ...options, hasStartTimestamps: columns.startTimestamp >= 0 });
        return null;
      }
      const { caseId, activity, timestamp, startTimestamp, resource, lifecycle } = columns;
      builder.add(
        record[caseId] ?? '',
        record[activity] ?? '',
        record[timestamp] ?? '',
        startTimestamp < 0 ? '' : (record[startTimestamp] ?? ''),
        resource < 0 ? '' : (record[resource] ?? ''),
        lifecycle < 0 ? '' : (record[lifecycle] ?? ''),
      );
      return null;
    },
  });

  async function* rest(): AsyncGenerator<Uint8Array> {
    for (const chunk of head.chunks) yield chunk;
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) return;
      yield next.value;
    }
  }
  const sink = new Writable({ objectMode: true, write: (_record, _encoding, callback) => callback() });
  await pipeline(rest(), parser, sink);

  if (builder === undefined) {
    // An empty source has no header; report the problem as missing columns.
    resolveColumns([], options.columnMapping);
    throw new Error('unreachable');
  }
  return builder.build();
}

/** Buffers chunks until the first line ending so the delimiter can be detected. */
async function readHeaderBytes(
  iterator: AsyncIterator<Uint8Array>,
): Promise<{ headerLine: Uint8Array; chunks: Uint8Array[] }> {
  const chunks: Uint8Array[] = [];
  for (;;) {
    const next = await iterator.next();
    if (next.done === true) break;
    chunks.push(next.value);
    if (next.value.indexOf(NEWLINE) >= 0) break;
  }
  const all = Buffer.concat(chunks);
  const end = all.indexOf(NEWLINE);
  return { headerLine: all.subarray(0, end < 0 ? all.length : end), chunks };
}
