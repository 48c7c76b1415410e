/**
 * CSV ingestion on a hand-written byte scanner (csv-scanner.ts) rather than csv-parse, which
 * we used before and still prefer in principle. Measured with bench/csv-parser-comparison.ts
 * on the synthetic 2,000,000-event 5-column log (141 MB, in memory, 64 KB chunks, Node 22,
 * one core of a shared 2-core machine, best of 3): csv-parse alone, doing nothing with its
 * records, reaches 0.78-0.81 M records/s, so it caps ingestion below the 1 M events/s target
 * before a single event is built; end to end it gave 0.53-0.56 M events/s.
 *
 * No string is made per field: the case id, activity, resource and lifecycle columns are
 * turned into dictionary codes straight from their bytes (byte-interner.ts; a string only once
 * per distinct value), timestamps are parsed from their bytes, and the builder takes the codes
 * a batch of records at a time (EventLogBuilder.addCodeBatch, see code-batch.ts). On bpic2012 as a 5-column CSV (262,200 events, 17 MB), cold, in
 * a fresh process, best of 7 (Node 22, 2-core machine at load 6, 2026-11-30): 171 -> 110 ms of
 * main-thread CPU and 110-134 -> 81-94 bytes/event of peak RSS, against strings per field
 * through a byte-keyed string cache and the builder's string tables. Records then went to the builder in
 * batches, the scanner guessed each value before scanning for its end (ByteInterner.matchAt) and
 * lost its deoptimizations: 143-155 -> 138-139 ms wall and 160-161 -> 143-148 ms of CPU (cold,
 * --max-semi-space-size=2, min of 10 alternating runs, 2-core machine at load 4, 2026-11-30).
 */
import { CodeBatch } from '../log/code-batch.ts';
import { EventLogBuilder, type EventLogBuilderOptions } from '../log/event-log-builder.ts';
import { ByteInterner } from './byte-interner.ts';
import { CsvScanner } from './csv-scanner.ts';
import { parseTimestamp, parseTimestampBytes } from './timestamp.ts';
import { resolveColumns, type ColumnIndexes, type ColumnMapping } from './column-mapping.ts';
import type { EventLog } from '../log/event-log.ts';
import type { ValidationReport } from './validation-report.ts';

export interface CsvReadOptions extends Omit<EventLogBuilderOptions, 'hasStartTimestamps'> {
  columnMapping?: Partial<ColumnMapping>;
}

const CANDIDATE_DELIMITERS = [',', ';', '\t', '|'] as const;
const QUOTE = 0x22;
const NEWLINE = 0x0a;
/** Records per batch handed to the builder: a 64 KB chunk of bpic2012 holds ~1,000. */
const BATCH = 2048;

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
export async function readCsvEventLog(source: AsyncIterable<Uint8Array>, options: CsvReadOptions): Promise<{ log: EventLog; validation: ValidationReport }> {
  const iterator = source[Symbol.asyncIterator]();
  const head = await readHeaderBytes(iterator);

  let builder: EventLogBuilder | undefined;
  // Column indexes, -1 for absent ones; set from the header.
  let caseField = -1;
  let activityField = -1;
  let timestampField = -1;
  let startField = -1;
  let resourceField = -1;
  let lifecycleField = -1;
  const batch = new CodeBatch(BATCH);
  const { caseCodes, activityCodes, resourceCodes, lifecycleCodes, timestamps, timestampMissing, startTimestamps } = batch;
  const flush = () => {
    if (builder !== undefined && batch.size > 0) builder.addCodeBatch(batch);
    batch.size = 0;
  };

  // The header's handling is a function of its own, out of the record callback that TurboFan
  // inlines into the scanner's loop: a smaller graph, compiled sooner (the scanner's TurboFan
  // compile on bpic2012, cold: 12.6-17.4 -> 10.4-11.5 ms on the background thread, while the
  // main thread runs the scanner in baseline code).
  const readHeader = (bytes: Buffer, fields: number): EventLogBuilder => {
    const header: string[] = [];
    for (let f = 0; f < fields; f++) header.push(fieldText(scanner, bytes, f, fields));
    const columns: ColumnIndexes = resolveColumns(header, options.columnMapping);
    ({ caseId: caseField, activity: activityField, timestamp: timestampField, startTimestamp: startField, resource: resourceField, lifecycle: lifecycleField } = columns);
    const created = new EventLogBuilder({ ...options, hasStartTimestamps: startField >= 0 });
    scanner.keepFields = Math.max(...Object.values(columns)) + 1;
    // One dictionary per column (each has its own small vocabulary), shared by the fields
    // mapped to that column if several are.
    const dictionaries = new Array<ByteInterner | null>(scanner.keepFields).fill(null);
    const valuesOf = (index: number): readonly string[] => (index < 0 ? [] : (dictionaries[index] ??= new ByteInterner()).values);
    created.useDictionaries({
      caseIds: valuesOf(caseField),
      activities: valuesOf(activityField),
      resources: valuesOf(resourceField),
      lifecycles: valuesOf(lifecycleField),
    });
    scanner.dictionaries = dictionaries;
    scanner.timestampField = timestampField;
    return created;
  };

  const scanner = new CsvScanner(detectDelimiter(head.headerLine).charCodeAt(0), Infinity, (bytes, fields) => {
    if (builder === undefined) {
      builder = readHeader(bytes, fields);
      return;
    }
    const k = batch.size;
    const codes = scanner.codes;
    // Required columns have an index; a record may still be too short to reach them.
    caseCodes[k] = caseField < fields ? codes[caseField]! : -1;
    activityCodes[k] = activityField < fields ? codes[activityField]! : -1;
    resourceCodes[k] = resourceField >= 0 && resourceField < fields ? codes[resourceField]! : -1;
    lifecycleCodes[k] = lifecycleField >= 0 && lifecycleField < fields ? codes[lifecycleField]! : -1;
    const scanned = scanner.time[0]!;
    if (!Number.isNaN(scanned)) {
      timestamps[k] = scanned;
      timestampMissing[k] = 0;
    } else {
      // Not the usual form, quoted, or absent: the general parser decides.
      const missing = isEmpty(scanner, timestampField, fields);
      timestamps[k] = missing ? NaN : timestampOf(scanner, bytes, timestampField, fields);
      timestampMissing[k] = missing ? 1 : 0;
    }
    if (startField >= 0) startTimestamps[k] = timestampOf(scanner, bytes, startField, fields);
    batch.size = k + 1;
    if (k + 1 === BATCH) flush();
  });

  try {
    for (const chunk of head.chunks) scanner.push(chunk);
    flush();
    for (;;) {
      const next = await iterator.next();
      if (next.done === true) break;
      scanner.push(next.value);
      flush();
    }
    scanner.end();
    flush();
  } catch (error) {
    // Stop the source (a file stream, the gunzip stream) instead of leaving it open.
    await iterator.return?.();
    throw error;
  }

  if (builder === undefined) {
    // An empty source has no header; report the problem as missing columns.
    resolveColumns([], options.columnMapping);
    throw new Error('unreachable');
  }
  return builder.build();
}

function isEmpty(scanner: CsvScanner, index: number, fields: number): boolean {
  return index < 0 || index >= fields || scanner.starts[index] === scanner.ends[index];
}

/** Timestamps are parsed from the bytes (no string per event); NaN when absent or unparsable. */
function timestampOf(scanner: CsvScanner, bytes: Buffer, index: number, fields: number): number {
  if (isEmpty(scanner, index, fields)) return NaN;
  if (scanner.escaped[index] === 1) return parseTimestamp(timestampText(scanner, bytes, index, fields));
  return parseTimestampBytes(bytes, scanner.starts[index]!, scanner.ends[index]!);
}

/**
 * Timestamps are nearly all distinct, so they skip the cache. The parser accepts ASCII only,
 * so a latin1 decode (a plain byte copy) is exact wherever it matters, and non-ASCII bytes
 * stay non-empty and unparsable exactly as their UTF-8 decoding would.
 */
function timestampText(scanner: CsvScanner, bytes: Buffer, index: number, fields: number): string {
  if (index < 0 || index >= fields) return '';
  const start = scanner.starts[index]!;
  const end = scanner.ends[index]!;
  if (start === end) return '';
  if (scanner.escaped[index] === 1) return bytes.toString('latin1', start, end).replaceAll('""', '"');
  return bytes.toString('latin1', start, end);
}

/** Text of field `index` of the current record (the header's); '' when the record is shorter. */
function fieldText(scanner: CsvScanner, bytes: Buffer, index: number, fields: number): string {
  if (index >= fields) return '';
  const start = scanner.starts[index]!;
  const end = scanner.ends[index]!;
  if (scanner.escaped[index] === 1) return bytes.toString('utf8', start, end).replaceAll('""', '"');
  return bytes.toString('utf8', start, end);
}

/** Buffers chunks until the first line ending so the delimiter can be detected. */
async function readHeaderBytes(iterator: AsyncIterator<Uint8Array>): Promise<{ headerLine: Uint8Array; chunks: Uint8Array[] }> {
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
