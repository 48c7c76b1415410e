import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../bench/synthetic-log.ts';
import { ByteInterner } from '../../../functions/mining/ingest/byte-interner.ts';
import { hashBytes } from '../../../functions/mining/ingest/byte-table.ts';
import { resolveColumns } from '../../../functions/mining/ingest/column-mapping.ts';
import { detectDelimiter, readCsvEventLog, type CsvReadOptions } from '../../../functions/mining/ingest/csv-reader.ts';
import { CsvScanner } from '../../../functions/mining/ingest/csv-scanner.ts';
import { parseTimestamp, parseTimestampBytes } from '../../../functions/mining/ingest/timestamp.ts';
import { EventLogBuilder } from '../../../functions/mining/log/event-log-builder.ts';
import { NO_VALUE } from '../../../functions/mining/log/event-log.ts';
import { bytes } from './helpers.ts';

/**
 * The CSV reader hands the builder dictionary codes made from bytes, parses the usual ISO form
 * on a fast path, and lays out logs already grouped by case without sorting. Each is checked
 * here against the plain path it replaced: every field decoded to a string and handed to
 * EventLogBuilder.add, timestamps parsed by the general parser, every log sorted.
 */

/** The reader as it was: strings per field, `add`, the general timestamp parser. */
async function plainRead(csv: Buffer, options: CsvReadOptions) {
  let builder: EventLogBuilder | undefined;
  let columns: ReturnType<typeof resolveColumns> | undefined;
  const scanner: CsvScanner = new CsvScanner(detectDelimiter(csv.subarray(0, Math.max(0, csv.indexOf(10)))).charCodeAt(0), Infinity, (buffer, fields) => {
    const text = (index: number) => {
      if (index < 0 || index >= fields) return '';
      const value = buffer.toString('utf8', scanner.starts[index]!, scanner.ends[index]!);
      return scanner.escaped[index] === 1 ? value.replaceAll('""', '"') : value;
    };
    if (builder === undefined || columns === undefined) {
      columns = resolveColumns(
        Array.from({ length: fields }, (_, f) => text(f)),
        options.columnMapping,
      );
      builder = new EventLogBuilder({ ...options, hasStartTimestamps: columns.startTimestamp >= 0 });
      return;
    }
    // `add` parses text with parseTimestamp, which never takes the byte parser's fast path.
    builder.add(
      text(columns.caseId),
      text(columns.activity),
      text(columns.timestamp),
      text(columns.startTimestamp),
      text(columns.resource),
      text(columns.lifecycle),
    );
  });
  scanner.push(csv);
  scanner.end();
  return builder!.build();
}

const ACTIVITIES = ['A', 'B', 'Ünïcödé', 'with,comma', 'say "hi"', 'C'];
const RESOURCES = ['', 'ann', 'bob', 'zoë', 'bob'];

function randomTimestamp(random: () => number, base: number): string {
  const ms = base + Math.floor(random() * 86_400_000 * 3);
  const iso = new Date(ms).toISOString();
  const r = random();
  if (r < 0.55) return iso;
  if (r < 0.65) return iso.replace('T', ' ').replace('Z', '+02:00');
  if (r < 0.7) return iso.slice(0, 19);
  if (r < 0.74) return String(Math.floor(ms / 1000));
  if (r < 0.78) return '';
  if (r < 0.81) return 'not a date';
  if (r < 0.84) return `${iso.slice(0, 11)}24:00:00.000Z`;
  if (r < 0.87) return `${iso.slice(0, 8)}31${iso.slice(10)}`;
  if (r < 0.9) return `${iso.slice(0, 14)}6${iso.slice(15)}`;
  return `${iso.slice(0, 20)}${String(Math.floor(random() * 1000)).padStart(3, '0')}Z`;
}

function quote(value: string): string {
  return /[",\n]/.test(value) || value.startsWith(' ') ? `"${value.replaceAll('"', '""')}"` : value;
}

/** A random CSV: cases in runs or interleaved, in time order or not, with every kind of defect. */
function randomCsv(random: () => number, events: number, grouped: boolean, withStart: boolean): Buffer {
  const header = ['case_id', 'activity', 'timestamp', ...(withStart ? ['start_timestamp'] : []), 'resource', 'lifecycle', 'note'];
  const lines = [header.join(',')];
  const base = Date.UTC(2021, 1, 27);
  let caseNumber = 0;
  let time = base;
  for (let e = 0; e < events; e++) {
    if (!grouped || random() < 0.2) caseNumber = grouped ? caseNumber + 1 : Math.floor(random() * 12);
    time += grouped && random() < 0.9 ? Math.floor(random() * 60_000) : -Math.floor(random() * 3_600_000);
    const caseId = random() < 0.02 ? '' : random() < 0.05 ? `"c${caseNumber}"` : `c${caseNumber}`;
    const activity = random() < 0.02 ? '' : quote(ACTIVITIES[Math.floor(random() * ACTIVITIES.length)]!);
    const iso = random() < 0.7 ? new Date(time).toISOString() : randomTimestamp(random, time);
    const timestamp = random() < 0.1 ? `"${iso}"` : iso;
    const start = withStart ? [random() < 0.5 ? '' : randomTimestamp(random, time - 60_000)] : [];
    const resource = quote(RESOURCES[Math.floor(random() * RESOURCES.length)]!);
    const lifecycle = random() < 0.1 ? '' : random() < 0.5 ? 'complete' : 'start';
    const row = [caseId, activity, timestamp, ...start, resource, lifecycle, quote(`note ${e}\nline two`)];
    // Short records: the missing fields read as absent.
    lines.push((random() < 0.01 ? row.slice(0, 2) : row).join(','));
  }
  return Buffer.from(lines.join(random() < 0.5 ? '\n' : '\r\n'), 'utf8');
}

describe('CSV ingest with dictionary codes', () => {
  it('gives the log and the validation report of the plain string path, on random logs and chunk sizes', async () => {
    const random = seededRandom(11);
    for (let round = 0; round < 40; round++) {
      const grouped = round % 2 === 0;
      const csv = randomCsv(random, 50 + Math.floor(random() * 400), grouped, round % 3 === 0);
      const options: CsvReadOptions = {
        inferMissingTimestamps: round % 5 !== 1,
        ...(round % 7 === 3 ? { timeWindow: { start: Date.UTC(2021, 1, 27, 6), end: Date.UTC(2021, 2, 1) } } : {}),
      };
      const chunkSize = 1 + Math.floor(random() * 300);
      const expected = await plainRead(csv, options);
      const actual = await readCsvEventLog(bytes(csv, chunkSize), options);
      expect(actual).toEqual(expected);
    }
  });

  it('reads a log whose rows start without timestamps, and one without any, as the plain path does', async () => {
    const random = seededRandom(5);
    for (const withTimestamps of [true, false]) {
      const lines = ['case,activity,timestamp,resource'];
      for (let e = 0; e < 200; e++) {
        const timestamp = withTimestamps && e > 40 ? new Date(Date.UTC(2022, 0, 1) + e * 1000).toISOString() : '';
        lines.push(`k${Math.floor(random() * 9)},${ACTIVITIES[e % 4]},${timestamp},r${e % 3}`);
      }
      const csv = Buffer.from(lines.join('\n'));
      expect(await readCsvEventLog(bytes(csv, 97), {})).toEqual(await plainRead(csv, {}));
    }
  });

  it('reads a timestamp last on its line, or last in the file without a line end, whatever the chunk seams', async () => {
    const csv = Buffer.from(
      'case,activity,timestamp\nc1,A,2020-01-01T00:00:00.000Z\r\nc1,B,2020-01-01T00:00:01.000Z\nc1,C,2020-01-01T00:00:02.000Zx\nc2,B,2020-01-01T00:00:03.000Z',
    );
    const expected = await plainRead(csv, {});
    expect(expected.log.activityCodes).toHaveLength(4);
    for (let chunkSize = 1; chunkSize <= csv.length; chunkSize += 3) expect(await readCsvEventLog(bytes(csv, chunkSize), {})).toEqual(expected);
  });

  it('maps one column to two fields with each field its own dictionary', async () => {
    const csv = Buffer.from('id,timestamp\nx,2020-01-01T00:00:00Z\ny,2020-01-01T00:01:00Z\nx,2020-01-01T00:02:00Z\n');
    const mapping = { columnMapping: { caseId: 'id', activity: 'id' } };
    expect(await readCsvEventLog(bytes(csv, 5), mapping)).toEqual(await plainRead(csv, mapping));
  });
});

describe('CSV ingest guessing each value from the previous one and from its first bytes', () => {
  it('gives the plain path its log when values share prefixes, are prefixes of each other, or end chunks', async () => {
    // Values a guess could wrongly match: a prefix of the next, the same first bytes, a quoted
    // one holding the delimiter, one ending at a CR or at the end of the input.
    const values = ['O_SENT', 'O_SENT_BACK', 'O_SELECTED', 'ab', 'abc', 'abcd', 'a', '"x,y"', 'x', 'A_PREACCEPTED', 'A_PARTLYSUBMITTED'];
    const random = seededRandom(41);
    for (let round = 0; round < 30; round++) {
      const lines = ['case,activity,timestamp,resource,lifecycle'];
      let time = Date.UTC(2022, 4, 1);
      for (let e = 0; e < 300; e++) {
        time += Math.floor(random() * 100_000);
        const pick = () => values[Math.floor(random() * values.length)]!;
        const caseId = random() < 0.8 ? pick() : `c${e % 7}`;
        lines.push([caseId, pick(), new Date(time).toISOString(), pick(), random() < 0.5 ? 'complete' : pick()].join(','));
      }
      const csv = Buffer.from(lines.join(random() < 0.3 ? '\r\n' : '\n'), 'utf8');
      const chunkSize = 1 + Math.floor(random() * 200);
      expect(await readCsvEventLog(bytes(csv, chunkSize), {})).toEqual(await plainRead(csv, {}));
    }
  });

  it('never takes a quoted value holding the delimiter for the unquoted fields that spell it', async () => {
    const csv = Buffer.from(
      ['case,activity,resource,timestamp', 'c1,"x,y",r,2022-05-01T00:00:00.000Z', 'c1,x,y,2022-05-01T00:01:00.000Z', 'c1,x,y,2022-05-01T00:02:00.000Z'].join('\n'),
    );
    const read = await readCsvEventLog(bytes(csv), {});
    expect(read).toEqual(await plainRead(csv, {}));
    expect(Array.from(read.log.activityCodes, (a) => read.log.activities[a])).toEqual(['x,y', 'x', 'x']);
  });
});

describe('EventLogBuilder on events already grouped by case', () => {
  it('lays them out as the sort by case and time does for the same events interleaved', () => {
    const random = seededRandom(23);
    for (let round = 0; round < 30; round++) {
      // Per case, events in time order (ties included, kept in this order by the stable sort).
      const cases = Array.from({ length: 1 + Math.floor(random() * 15) }, (_, c) => {
        let time = Date.UTC(2023, 0, 1) + Math.floor(random() * 1000) * 60_000;
        return Array.from({ length: 1 + Math.floor(random() * 40) }, () => {
          time += random() < 0.3 ? 0 : Math.floor(random() * 600_000);
          return { caseId: `c${c}`, activity: ACTIVITIES[Math.floor(random() * 3)]!, time, resource: RESOURCES[Math.floor(random() * 3)]! };
        });
      });
      const grouped = cases.flat();
      // The same events interleaved: each case's own order kept, cases first seen in the same order.
      const cursors = cases.map(() => 0);
      const interleaved: typeof grouped = [];
      let opened = 0;
      while (interleaved.length < grouped.length) {
        const c = Math.floor(random() * Math.min(cases.length, opened + 1));
        if (cursors[c]! === cases[c]!.length) continue;
        if (c === opened) opened++;
        interleaved.push(cases[c]![cursors[c]!++]!);
      }
      const timeWindow = round % 4 === 1 ? { start: Date.UTC(2023, 0, 1, 6) } : undefined;
      const build = (events: typeof grouped) => {
        const builder = new EventLogBuilder({ hasStartTimestamps: false, ...(timeWindow ? { timeWindow } : {}) });
        for (const e of events) builder.add(e.caseId, e.activity, new Date(e.time).toISOString(), '', e.resource, 'complete');
        const { log, validation } = builder.build();
        // Dictionaries follow first appearance in the source, which interleaving changes: compare values.
        const rows = Array.from(log.activityCodes, (a, e) => [
          log.activities[a],
          log.timestamps[e],
          log.resourceCodes[e] === NO_VALUE ? '' : log.resources[log.resourceCodes[e]!],
        ]);
        return { caseIds: log.caseIds, caseOffsets: log.caseOffsets, events: rows, validation };
      };
      expect(build(grouped)).toEqual(build(interleaved));
    }
  });
});

describe('EventLogBuilder leaving case order after several blocks of events', () => {
  it('writes out the cases of the events before the break across block boundaries', () => {
    // 70,000 events: past two 32,768-event blocks before the order breaks.
    const events: Array<[string, number]> = [];
    for (let c = 0; c < 700; c++) for (let k = 0; k < 100; k++) events.push([`c${c}`, Date.UTC(2020, 0, 1) + c * 1e7 + k * 1000]);
    const late = events.splice(66_000, 1)[0]!;
    events.splice(66_500, 0, late);
    const build = (rows: Array<[string, number]>) => {
      const builder = new EventLogBuilder({ hasStartTimestamps: false });
      for (const [caseId, time] of rows) builder.add(caseId, 'A', new Date(time).toISOString(), '', '', '');
      return builder.build().log;
    };
    const log = build(events);
    expect(log.caseIds).toHaveLength(700);
    expect(Array.from(log.caseOffsets.subarray(0, 4))).toEqual([0, 100, 200, 300]);
    const sorted = Array.from(log.timestamps);
    expect(sorted).toEqual([...sorted].sort((a, b) => a - b));
  });
});

describe('ByteInterner', () => {
  it('gives equal strings one code, in order of first appearance, malformed UTF-8 included', () => {
    const interner = new ByteInterner();
    const values = ['a', 'b', 'a', 'ü', 'b', '', 'zz'].map((v) => Buffer.from(v));
    // Two different malformed sequences decode to the same U+FFFD.
    values.push(Buffer.from([0xff]), Buffer.from([0xfe]));
    const codes = values.map((v) => interner.codeOf(v, 0, v.length, hashBytes(v, 0, v.length)));
    expect(codes).toEqual([0, 1, 0, 2, 1, 3, 4, 5, 5]);
    expect(interner.values).toEqual(['a', 'b', 'ü', '', 'zz', '\uFFFD']);
    expect(interner.codeOfString('zz')).toBe(4);
    expect(interner.codeOfString('\uFFFD')).toBe(5);
  });

  it('keeps codes stable while its table and byte pool grow', () => {
    const interner = new ByteInterner();
    const random = seededRandom(3);
    const seen = new Map<string, number>();
    for (let i = 0; i < 20_000; i++) {
      const value = `case-${Math.floor(random() * 5000)}-${'x'.repeat(Math.floor(random() * 20))}`;
      const data = Buffer.from(`,${value},`);
      const code = interner.codeOf(data, 1, data.length - 1, hashBytes(data, 1, data.length - 1));
      if (!seen.has(value)) seen.set(value, seen.size);
      expect(code).toBe(seen.get(value));
    }
    expect(interner.values).toEqual([...seen.keys()]);
  });
});

describe('parseTimestampBytes fast path', () => {
  it('agrees with the general parser on the usual ISO form and on its near misses', () => {
    const random = seededRandom(17);
    const alphabet = '0123456789-:.TZz +';
    for (let i = 0; i < 20_000; i++) {
      const chars = new Date(Date.UTC(1900, 0, 1) + Math.floor(random() * 200 * 365.25 * 86_400_000)).toISOString().split('');
      // Mutate up to two characters, so that almost-valid forms reach both parsers too.
      for (let m = Math.floor(random() * 3); m > 0; m--) chars[Math.floor(random() * chars.length)] = alphabet[Math.floor(random() * alphabet.length)]!;
      const text = chars.join('');
      const data = Buffer.from(`,${text},`);
      const fast = parseTimestampBytes(data, 1, data.length - 1);
      const general = parseTimestamp(text);
      expect(Object.is(fast, general) || (Number.isNaN(fast) && Number.isNaN(general)), text).toBe(true);
    }
  });
});
