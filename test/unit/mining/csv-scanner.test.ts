import { parse } from 'csv-parse/sync';
import { describe, expect, it } from 'vitest';
import { CsvScanner, CsvSyntaxError } from '../../../functions/mining/ingest/csv-scanner.ts';
import { readEventLog } from '../../../functions/mining/ingest/read-event-log.ts';
import { bytes } from './helpers.ts';

/** Every record as decoded strings (quotes unescaped), feeding `input` in `chunkSize`-byte chunks. */
function scanAll(input: string | Buffer, chunkSize: number, delimiter = ','): string[][] {
  const data = typeof input === 'string' ? Buffer.from(input, 'utf8') : input;
  const records: string[][] = [];
  const scanner: CsvScanner = new CsvScanner(delimiter.charCodeAt(0), Infinity, (buffer, fields) => {
    const record: string[] = [];
    for (let f = 0; f < fields; f++) {
      const text = buffer.toString('utf8', scanner.starts[f]!, scanner.ends[f]!);
      record.push(scanner.escaped[f] === 1 ? text.replaceAll('""', '"') : text);
    }
    records.push(record);
  });
  for (let i = 0; i < data.length; i += chunkSize) scanner.push(data.subarray(i, i + chunkSize));
  scanner.end();
  return records;
}

/** Cuts `data` into exactly two chunks at every possible position. */
function everySplit(input: string, check: (records: string[][]) => void): void {
  const data = Buffer.from(input, 'utf8');
  for (let cut = 0; cut <= data.length; cut++) {
    const records: string[][] = [];
    const scanner: CsvScanner = new CsvScanner(0x2c, Infinity, (buffer, fields) => {
      const record: string[] = [];
      for (let f = 0; f < fields; f++) {
        const text = buffer.toString('utf8', scanner.starts[f]!, scanner.ends[f]!);
        record.push(scanner.escaped[f] === 1 ? text.replaceAll('""', '"') : text);
      }
      records.push(record);
    });
    scanner.push(data.subarray(0, cut));
    scanner.push(data.subarray(cut));
    scanner.end();
    check(records);
  }
}

describe('CsvScanner', () => {
  const tricky =
    'h1,h2,h3\r\n' +
    'a,"quoted, with ""escapes""\r\nand a line break",z\r\n' +
    '\r\n' +
    '"",x,"ünïcödé 😀"\n' +
    'only-one\n' +
    'p,q,r,s,t\r' +
    'last,row,"no newline"';
  const expected = [
    ['h1', 'h2', 'h3'],
    ['a', 'quoted, with "escapes"\r\nand a line break', 'z'],
    ['', 'x', 'ünïcödé 😀'],
    ['only-one'],
    ['p', 'q', 'r', 's', 't'],
    ['last', 'row', 'no newline'],
  ];

  it('matches the expected records whatever the chunk size, down to 1 byte', () => {
    for (const size of [1, 2, 3, 5, 7, 64, 1 << 16]) expect(scanAll(tricky, size)).toEqual(expected);
  });

  it('handles a chunk seam at every byte, including inside quoted fields, "" escapes, CRLF and multi-byte characters', () => {
    everySplit(tricky, (records) => expect(records).toEqual(expected));
  });

  it('agrees with csv-parse on random quoted content at random chunk sizes', () => {
    let seed = 7;
    const random = () => {
      seed = (Math.imul(seed, 1_103_515_245) + 12_345) >>> 0;
      return seed / 2 ** 32;
    };
    const alphabet = ['a', 'b', ',', '"', '\n', '\r\n', ' ', 'é', '€', '𝄞'];
    const rows: string[][] = [];
    for (let r = 0; r < 200; r++) {
      const row: string[] = [];
      const fields = 1 + Math.floor(random() * 4);
      for (let f = 0; f < fields; f++) {
        let value = '';
        const length = Math.floor(random() * 6);
        for (let i = 0; i < length; i++) value += alphabet[Math.floor(random() * alphabet.length)];
        row.push(value);
      }
      // csv-parse drops a row made of one empty field as an empty line; so does the scanner.
      if (row.length === 1 && row[0] === '') row[0] = 'x';
      rows.push(row);
    }
    const quote = (value: string) => (/[",\r\n]/.test(value) ? `"${value.replaceAll('"', '""')}"` : value);
    const csv = rows.map((row) => row.map(quote).join(',')).join('\r\n');
    const reference = parse(csv, { relax_column_count: true, skip_empty_lines: true }) as string[][];
    expect(reference).toEqual(rows);
    // 1 << 16: the 200 records in one chunk, more than the scanner takes per call (RECORDS_PER_CALL).
    for (const size of [1, 3, 17, 4096, 1 << 16]) expect(scanAll(csv, size)).toEqual(rows);
  });

  it('keeps a quote inside an unquoted field literally', () => {
    expect(scanAll('a,5" disk,c\n', 4)).toEqual([['a', '5" disk', 'c']]);
  });

  it('rejects a quote left open and text after a closing quote', () => {
    expect(() => scanAll('a,b\n1,"open\n', 3)).toThrow(CsvSyntaxError);
    expect(() => scanAll('a,b\n1,"closed"x\n', 3)).toThrow(/after a closing quote in record 2/);
  });

  it('reports only the kept fields but still honours quotes in the skipped ones', () => {
    const seen: number[] = [];
    const scanner = new CsvScanner(0x3b, 2, (_bytes, fields) => seen.push(fields));
    scanner.push(Buffer.from('a;b;"c;\nstill c";d\nx\n'));
    scanner.end();
    expect(seen).toEqual([2, 1]);
  });

  it('strips a BOM arriving one byte at a time, and only at the very start', () => {
    expect(scanAll('\uFEFFa,b\n\uFEFFc,d\n', 1)).toEqual([
      ['a', 'b'],
      ['\uFEFFc', 'd'],
    ]);
    expect(scanAll('\uFEFF', 1)).toEqual([]);
  });
});

describe('readEventLog (csv) through the scanner', () => {
  it('decodes a multi-byte character split across 1-byte chunks in every mapped column', async () => {
    const csv =
      'case,activity,timestamp,resource,lifecycle\n' + '"ケース,1",Prüfung 😀,2020-01-01T00:00:00Z,José,abgeschloßen\n';
    for (const size of [1, 2, 3]) {
      const { log } = await readEventLog(bytes(csv, size), { format: 'csv' });
      expect(log.caseIds).toEqual(['ケース,1']);
      expect(log.activities).toEqual(['Prüfung 😀']);
      expect(log.resources).toEqual(['José']);
      expect(log.lifecycles).toEqual(['abgeschloßen']);
    }
  });

  it('reads a quoted field cut by a chunk seam into the same event as unchunked input', async () => {
    const csv = 'case,activity,timestamp\nc1,"Review ""final""\nversion, then sign",2020-01-01\nc1,B,2020-01-02\n';
    const whole = await readEventLog(bytes(csv), { format: 'csv' });
    expect(whole.log.activities).toEqual(['Review "final"\nversion, then sign', 'B']);
    for (let size = 1; size < 40; size++) {
      const { log } = await readEventLog(bytes(csv, size), { format: 'csv' });
      expect(log.activities).toEqual(whole.log.activities);
      expect(Array.from(log.timestamps)).toEqual(Array.from(whole.log.timestamps));
    }
  });

  it('counts validation errors for short rows, empty values and bad timestamps; skips blank lines', async () => {
    const csv = [
      'case,activity,timestamp,resource',
      'c1,A,2020-01-01T00:00:00Z,ann',
      '',
      ',A,2020-01-01T00:00:00Z,ann', // missing case id
      'c1,,2020-01-01T00:00:00Z,ann', // missing activity
      'c1,B', // short row: missing timestamp, inferred from the case's previous event
      'c1,C,"not a date"', // unparsable, inferred
      'c2,A,2020-13-01', // unparsable, nothing to infer from: dropped
      '"c2","A","2020-01-02T00:00:00Z","bob"',
      '',
    ].join('\r\n');
    const { log, validation } = await readEventLog(bytes(csv, 5), { format: 'csv' });
    expect(log.caseIds).toEqual(['c1', 'c2']);
    expect(log.activities).toEqual(['A', 'B', 'C']);
    expect(log.resources).toEqual(['ann', 'bob']);
    expect(validation).toMatchObject({ recordsLoaded: 7, validRecords: 2, errorRecords: 5, inferredTimestamps: 2 });
    expect(validation.errorsByType).toEqual([
      { type: 'MissingCaseId', count: 1, resolved: false },
      { type: 'MissingActivity', count: 1, resolved: false },
      { type: 'MissingTimestamp', count: 1, resolved: true },
      { type: 'UnparsableTimestamp', count: 1, resolved: true },
      { type: 'UnparsableTimestamp', count: 1, resolved: false },
    ]);
  });

  it('rejects an unclosed quote', async () => {
    await expect(readEventLog(bytes('case,activity,timestamp\nc1,"A,2020-01-01\n'), { format: 'csv' })).rejects.toThrow(
      CsvSyntaxError,
    );
  });
});
