import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { detectDelimiter } from '../../../functions/mining/ingest/csv-reader.ts';
import { MissingColumnError } from '../../../functions/mining/ingest/column-mapping.ts';
import { readEventLog } from '../../../functions/mining/ingest/read-event-log.ts';
import { NO_VALUE, type EventLog } from '../../../functions/mining/log/event-log.ts';
import { bytes, stream } from './helpers.ts';

/** Each event as `case|activity|iso timestamp|resource|lifecycle`, in log order. */
function rows(log: EventLog): string[] {
  const out: string[] = [];
  for (let c = 0; c < log.caseIds.length; c++) {
    for (let e = log.caseOffsets[c]!; e < log.caseOffsets[c + 1]!; e++) {
      const resource = log.resourceCodes[e] === NO_VALUE ? '' : log.resources[log.resourceCodes[e]!];
      const lifecycle = log.lifecycleCodes[e] === NO_VALUE ? '' : log.lifecycles[log.lifecycleCodes[e]!];
      out.push(
        `${log.caseIds[c]}|${log.activities[log.activityCodes[e]!]}|${new Date(log.timestamps[e]!).toISOString()}|${resource}|${lifecycle}`,
      );
    }
  }
  return out;
}

describe('detectDelimiter', () => {
  it.each([
    ['a,b,c', ','],
    ['a;b;c', ';'],
    ['a\tb\tc', '\t'],
    ['a|b|c', '|'],
    ['"x,y";b;c', ';'],
    ['single', ','],
  ])('detects %j', (header, expected) => {
    expect(detectDelimiter(Buffer.from(header))).toBe(expected);
  });
});

describe('readEventLog (csv)', () => {
  it('reads XES-style column names, groups by case in order of first appearance and sorts stably', async () => {
    const csv = [
      'case:concept:name,concept:name,time:timestamp,org:resource,lifecycle:transition',
      'c2,B,2020-01-01 10:00:00+01:00,ann,complete',
      'c1,A,2020-01-01T08:00:00Z,bob,complete',
      'c2,A,2020-01-01 08:30:00+00:00,,start',
      'c2,C,2020-01-01T09:00:00Z,ann,',
      'c1,B,2020-01-01T08:00:00Z,bob,complete',
    ].join('\n');
    const { log, validation } = await readEventLog(bytes(csv), { format: 'csv' });
    expect(rows(log)).toEqual([
      'c2|A|2020-01-01T08:30:00.000Z||start',
      // 10:00+01:00 and 09:00Z are the same instant: file order decides.
      'c2|B|2020-01-01T09:00:00.000Z|ann|complete',
      'c2|C|2020-01-01T09:00:00.000Z|ann|',
      'c1|A|2020-01-01T08:00:00.000Z|bob|complete',
      'c1|B|2020-01-01T08:00:00.000Z|bob|complete',
    ]);
    expect(Array.from(log.caseOffsets)).toEqual([0, 3, 5]);
    expect(log.activities).toEqual(['B', 'A', 'C']);
    expect(log.startTimestamps).toBeNull();
    expect(validation).toMatchObject({ recordsLoaded: 5, validRecords: 5, errorRecords: 0, dataQualityScore: 100 });
  });

  it('strips a UTF-8 BOM, detects ";" and honours quoting (delimiters, quotes, newlines in fields)', async () => {
    const csv =
      '\uFEFFCase ID;Activity;Timestamp;Resource\r\n' +
      'c1;"Check; then ""approve""";2020-01-01T00:00:00Z;"Müller,\nJ."\r\n' +
      'c1;Done;2020-01-02T00:00:00Z;Zoë\r\n';
    const { log } = await readEventLog(bytes(csv), { format: 'csv' });
    expect(log.caseIds).toEqual(['c1']);
    expect(log.activities).toEqual(['Check; then "approve"', 'Done']);
    expect(log.resources).toEqual(['Müller,\nJ.', 'Zoë']);
  });

  it('survives chunk seams anywhere, even inside multi-byte characters and the BOM', async () => {
    const csv = '\uFEFFcase\tevent\ttime\tuser\nc1\tÉtape α\t1577836800\tJosé\nc1\tB\t1577836801000\t\n';
    const { log } = await readEventLog(bytes(csv, 1), { format: 'csv' });
    expect(rows(log)).toEqual(['c1|Étape α|2020-01-01T00:00:00.000Z|José|', 'c1|B|2020-01-01T00:00:01.000Z||']);
  });

  it('accepts pipe-delimited input, Node streams and string chunks', async () => {
    const csv = 'CaseID|Activity_Name|Complete_Timestamp\nx|A|2020-01-01\n';
    const fromStream = await readEventLog(stream(csv), { format: 'csv' });
    expect(rows(fromStream.log)).toEqual(['x|A|2020-01-01T00:00:00.000Z||']);
    const fromStrings = await readEventLog(
      (async function* () {
        yield csv.slice(0, 7) as unknown as Uint8Array;
        yield csv.slice(7) as unknown as Uint8Array;
      })(),
      { format: 'csv' },
    );
    expect(rows(fromStrings.log)).toEqual(['x|A|2020-01-01T00:00:00.000Z||']);
  });

  it('uses columnMapping over the defaults (case-insensitively)', async () => {
    const csv = 'ticket,step,when,case,activity,timestamp,agent\nT1,Open,2020-01-01,X,Y,1999-01-01,amy\n';
    const { log } = await readEventLog(bytes(csv), {
      format: 'csv',
      columnMapping: { caseId: 'Ticket', activity: 'STEP', timestamp: 'when', resource: 'agent' },
    });
    expect(rows(log)).toEqual(['T1|Open|2020-01-01T00:00:00.000Z|amy|']);
  });

  it('reads start timestamps when a start column exists', async () => {
    const csv = 'case_id,activity,start_timestamp,time:timestamp\nc,A,2020-01-01T00:00:00Z,2020-01-01T01:00:00Z\nc,B,,2020-01-01T02:00:00Z\n';
    const { log } = await readEventLog(bytes(csv), { format: 'csv' });
    expect(Array.from(log.startTimestamps ?? [])).toEqual([Date.UTC(2020, 0, 1), NaN]);
    expect(Array.from(log.timestamps)).toEqual([Date.UTC(2020, 0, 1, 1), Date.UTC(2020, 0, 1, 2)]);
  });

  it('throws MissingColumnError naming what was looked for and the header found', async () => {
    const error = await readEventLog(bytes('id,name,when\n1,a,2020-01-01\n'), { format: 'csv' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MissingColumnError);
    const missing = error as MissingColumnError;
    expect(missing.header).toEqual(['id', 'name', 'when']);
    expect(missing.missing.map((m) => m.field)).toEqual(['caseId', 'activity']);
    expect(missing.missing[0]!.lookedFor).toContain('case:concept:name');
    expect(missing.message).toContain('"when"');

    const mapped = await readEventLog(bytes('id,name,when\n'), {
      format: 'csv',
      columnMapping: { caseId: 'id', activity: 'name', timestamp: 'time' },
    }).catch((e: unknown) => e);
    expect(mapped).toBeInstanceOf(MissingColumnError);
    expect((mapped as MissingColumnError).missing).toEqual([{ field: 'timestamp', lookedFor: ['time'] }]);

    await expect(readEventLog(bytes(''), { format: 'csv' })).rejects.toBeInstanceOf(MissingColumnError);
  });

  it('reads gzipped CSV', async () => {
    const csv = 'case,activity,timestamp\nc1,A,2020-01-01\nc1,B,2020-01-02\n';
    const { log } = await readEventLog(bytes(gzipSync(csv), 5), { format: 'csv.gz' });
    expect(rows(log)).toEqual(['c1|A|2020-01-01T00:00:00.000Z||', 'c1|B|2020-01-02T00:00:00.000Z||']);
  });

  it('rejects a corrupt gzip stream', async () => {
    await expect(readEventLog(bytes('not gzip at all'), { format: 'csv.gz' })).rejects.toThrow();
  });

  it('reports progress', async () => {
    const lines = ['case,activity,timestamp'];
    for (let i = 0; i < 70_000; i++) lines.push(`c${i % 100},A,${1_577_836_800 + i}`);
    const seen: number[] = [];
    await readEventLog(bytes(lines.join('\n')), { format: 'csv', onProgress: (n) => seen.push(n) });
    expect(seen).toEqual([65_536, 70_000]);
  });
});
