/**
 * The measurement behind functions/mining/ingest/csv-scanner.ts: csv-parse against the
 * hand-written scanner, alone and end to end, on the same in-memory CSV cut into 64 KB
 * chunks (file I/O excluded). Usage: tsx bench/csv-parser-comparison.ts [csv path] [rounds]
 * (default: the synthetic 2,000,000-event log). Prints events/s per variant, best of rounds.
 */
import { readFileSync, rmSync } from 'node:fs';
import { Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { parse } from 'csv-parse';
import { ByteInterner } from '../functions/mining/ingest/byte-interner.ts';
import { resolveColumns, type ColumnIndexes } from '../functions/mining/ingest/column-mapping.ts';
import { detectDelimiter, readCsvEventLog } from '../functions/mining/ingest/csv-reader.ts';
import { CsvScanner } from '../functions/mining/ingest/csv-scanner.ts';
import { parseTimestamp, parseTimestampBytes } from '../functions/mining/ingest/timestamp.ts';
import { EventLogBuilder } from '../functions/mining/log/event-log-builder.ts';
import { writeSyntheticCsv } from './synthetic-log.ts';

const generated = process.argv[2] === undefined;
const path = process.argv[2] ?? writeSyntheticCsv({ events: 2_000_000, seed: 1 });
const rounds = Number(process.argv[3] ?? 3);
const data = readFileSync(path);
// The data is in memory from here on; do not leave a 141 MB temp file behind.
if (generated) rmSync(path);
const delimiter = detectDelimiter(data.subarray(0, data.indexOf(0x0a)));

async function* chunks(): AsyncGenerator<Uint8Array> {
  for (let i = 0; i < data.length; i += 1 << 16) yield data.subarray(i, i + (1 << 16));
}

/** csv-parse as the old reader configured it; `sink` receives each record. */
async function csvParse(sink: (record: string[]) => void): Promise<void> {
  const parser = parse({
    delimiter,
    bom: true,
    relax_column_count: true,
    skip_empty_lines: true,
    on_record: (record: string[]) => {
      sink(record);
      return null;
    },
  });
  await pipeline(chunks(), parser, new Writable({ objectMode: true, write: (_r, _e, callback) => callback() }));
}

/** The scanner; `decode` false stops at field offsets, true codes the mapped columns like the reader. */
async function scanner(decode: boolean): Promise<number> {
  let columns: ColumnIndexes | undefined;
  const dictionaries = [new ByteInterner(), new ByteInterner(), new ByteInterner(), new ByteInterner()] as const;
  let records = 0;
  let checksum = 0;
  const scan: CsvScanner = new CsvScanner(delimiter.charCodeAt(0), Infinity, (bytes, fields) => {
    if (columns === undefined) {
      const header: string[] = [];
      for (let f = 0; f < fields; f++) header.push(bytes.toString('utf8', scan.starts[f]!, scan.ends[f]!));
      columns = resolveColumns(header);
      scan.keepFields = Math.max(...Object.values(columns)) + 1;
      return;
    }
    records++;
    if (!decode) return;
    const { starts, ends } = scan;
    const c = columns;
    checksum += dictionaries[0].codeAt(bytes, starts[c.caseId]!, ends[c.caseId]!);
    checksum += dictionaries[1].codeAt(bytes, starts[c.activity]!, ends[c.activity]!);
    checksum += parseTimestampBytes(bytes, starts[c.timestamp]!, ends[c.timestamp]!);
    if (c.resource >= 0) checksum += dictionaries[2].codeAt(bytes, starts[c.resource]!, ends[c.resource]!);
    if (c.lifecycle >= 0) checksum += dictionaries[3].codeAt(bytes, starts[c.lifecycle]!, ends[c.lifecycle]!);
  });
  for await (const chunk of chunks()) scan.push(chunk);
  scan.end();
  return records + (checksum & 0);
}

const variants: Record<string, () => Promise<number>> = {
  'csv-parse alone (records as string[])': async () => {
    let n = -1;
    await csvParse(() => n++);
    return n;
  },
  'scanner alone (field offsets only)': () => scanner(false),
  'scanner alone (+ code mapped columns)': () => scanner(true),
  'end to end: csv-parse + EventLogBuilder (old reader)': async () => {
    let columns: ColumnIndexes | undefined;
    let builder: EventLogBuilder | undefined;
    await csvParse((record) => {
      if (builder === undefined || columns === undefined) {
        columns = resolveColumns(record);
        builder = new EventLogBuilder({ hasStartTimestamps: columns.startTimestamp >= 0 });
        return;
      }
      const c = columns;
      builder.add(
        record[c.caseId] ?? '',
        record[c.activity] ?? '',
        record[c.timestamp] ?? '',
        c.startTimestamp < 0 ? '' : (record[c.startTimestamp] ?? ''),
        c.resource < 0 ? '' : (record[c.resource] ?? ''),
        c.lifecycle < 0 ? '' : (record[c.lifecycle] ?? ''),
      );
    });
    return builder!.build().log.activityCodes.length;
  },
  'end to end: scanner + EventLogBuilder (new reader)': async () =>
    (await readCsvEventLog(chunks(), {})).log.activityCodes.length,
};

process.stdout.write(`${path}: ${data.length.toLocaleString('en-US')} bytes, best of ${rounds}\n`);
for (const [name, run] of Object.entries(variants)) {
  let best = Infinity;
  let events = 0;
  for (let r = 0; r < rounds; r++) {
    const t = performance.now();
    events = await run();
    best = Math.min(best, (performance.now() - t) / 1000);
  }
  process.stdout.write(
    `${name.padEnd(56)} ${best.toFixed(3)} s  ${Math.round(events / best).toLocaleString('en-US').padStart(11)} events/s\n`,
  );
}

// Third column of the first 500,000 rows, cut out beforehand: only the parse loop is timed.
const texts = data
  .toString('latin1', 0, Math.min(data.length, 50_000_000))
  .split('\n')
  .slice(1, 500_001)
  .map((line) => line.split(delimiter)[2] ?? '');
let bestParse = Infinity;
let checksum = 0;
for (let r = 0; r < rounds; r++) {
  const t = performance.now();
  for (const text of texts) checksum += parseTimestamp(text) % 7;
  bestParse = Math.min(bestParse, (performance.now() - t) / 1000);
}
const rate = Math.round(texts.length / bestParse).toLocaleString('en-US');
// The checksum keeps the parse loop from being optimised away.
const label = 'parseTimestamp alone (string → epoch ms)'.padEnd(56);
process.stdout.write(`${label} ${rate.padStart(20)} timestamps/s (checksum ${checksum})\n`);
