import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEventLog } from '../../../functions/mining/ingest/read-event-log.ts';
import { caseVariants } from '../../../functions/mining/log/case-variants.ts';
import type { EventLog } from '../../../functions/mining/log/event-log.ts';
import { insertionSortByTime } from '../../../functions/mining/log/event-log-builder.ts';
import { parseTimestamp, parseTimestampBytes } from '../../../functions/mining/ingest/timestamp.ts';
import { buildTransitionSystem, END_OF_CASE, type StateAnnotation } from '../../../functions/mining/ml/transition-system-prediction.ts';
import { annotated, DATASETS_DIR, bytes, type Tally } from './helpers.ts';

async function csvLog(text: string): Promise<EventLog> {
  return (await readEventLog(bytes(text), { format: 'csv' })).log;
}

describe('insertion sort of a case by time', () => {
  it('is stable: equal timestamps keep source order', () => {
    const ts = Float64Array.from([5, 1, 5, 3, 1, 5, 0]);
    const order = Uint32Array.from([9, 0, 1, 2, 3, 4, 5, 6, 9]);
    insertionSortByTime(order, 1, 8, ts);
    expect(Array.from(order)).toEqual([9, 6, 1, 4, 3, 0, 2, 5, 9]);
  });

  it('builds the same order as a stable sort for short and long cases with ties', async () => {
    const rows = ['case,activity,timestamp'];
    // Case s: 10 events, case l: 40 events (beyond the insertion-sort cut-off), both with ties.
    for (let i = 0; i < 10; i++) rows.push(`s,a${i},${(i * 7) % 4}`);
    for (let i = 0; i < 40; i++) rows.push(`l,a${i},${(i * 7) % 5}`);
    const log = await csvLog(rows.join('\n'));
    const expected = (count: number, mod: number) =>
      Array.from({ length: count }, (_, i) => i)
        .sort((x, y) => ((x * 7) % mod) - ((y * 7) % mod))
        .map((i) => `a${i}`);
    const names = (c: number) => Array.from(log.activityCodes.subarray(log.caseOffsets[c]!, log.caseOffsets[c + 1]!), (a) => log.activities[a]!);
    expect(names(log.caseIds.indexOf('s'))).toEqual(expected(10, 4));
    expect(names(log.caseIds.indexOf('l'))).toEqual(expected(40, 5));
  });
});

describe('case variants', () => {
  it('numbers variants by first appearance and tells sequences of different lengths apart', async () => {
    const log = await csvLog(['case,activity,timestamp', 'x,A,1', 'x,B,2', 'y,A,1', 'z,A,1', 'z,B,2', 'w,A,1', 'w,B,2', 'w,B,3'].join('\n'));
    const v = caseVariants(log);
    const id = (c: string) => v.ofCase[log.caseIds.indexOf(c)]!;
    expect([id('x'), id('y'), id('z'), id('w')]).toEqual([0, 1, 0, 2]);
    expect(Array.from(v.counts)).toEqual([2, 1, 1]);
    expect(Array.from(v.firstCase, (c) => log.caseIds[c])).toEqual(['x', 'y', 'w']);
    expect(caseVariants(log)).toBe(v);
  });

  it('matches grouping by joined code sequences on a real log', async () => {
    const { log } = await readEventLog(createReadStream(join(DATASETS_DIR, 'receipt.csv')), { format: 'csv' });
    const byKey = new Map<string, number>();
    const expected = Array.from({ length: log.caseIds.length }, (_, c) => {
      const key = log.activityCodes.subarray(log.caseOffsets[c]!, log.caseOffsets[c + 1]!).join(',');
      if (!byKey.has(key)) byKey.set(key, byKey.size);
      return byKey.get(key)!;
    });
    expect(Array.from(caseVariants(log).ofCase)).toEqual(expected);
  });
});

/** The string-keyed construction the trie replaced, kept as the reference. */
function referenceLevels(log: EventLog, cases: number[], k: number): Map<string, StateAnnotation>[] {
  const token = (a: number) => String.fromCharCode(a);
  const tallies = Array.from({ length: k + 1 }, () => new Map<string, Tally>());
  for (const c of cases) {
    const from = log.caseOffsets[c]!;
    const to = log.caseOffsets[c + 1]!;
    for (let e = from; e < to; e++) {
      const next = e + 1 < to ? log.activityCodes[e + 1]! : END_OF_CASE;
      const remaining = (log.timestamps[to - 1]! - log.timestamps[e]!) / 1000;
      let key = '';
      for (let level = 0; level <= k; level++) {
        if (level > 0 && e - level + 1 >= from) key = token(log.activityCodes[e - level + 1]!) + key;
        const t = tallies[level]!.get(key) ?? { visits: 0, sum: 0, next: new Map() };
        tallies[level]!.set(key, t);
        t.visits++;
        t.sum += remaining;
        t.next.set(next, (t.next.get(next) ?? 0) + 1);
      }
    }
  }
  return tallies.map(annotated);
}

describe('transition system', () => {
  it('equals the string-keyed construction, short prefixes included, on a real log', async () => {
    const { log } = await readEventLog(createReadStream(join(DATASETS_DIR, 'receipt.csv')), { format: 'csv' });
    const cases = Array.from({ length: log.caseIds.length }, (_, c) => c).filter((c) => c % 3 !== 0);
    for (const k of [1, 2, 3, 5]) {
      const model = buildTransitionSystem(log, cases, k);
      const reference = referenceLevels(log, cases, k);
      for (let level = 0; level <= k; level++) {
        expect(new Map([...model.levels[level]!].sort())).toEqual(new Map([...reference[level]!].sort()));
      }
    }
  });

  it('has no states when built from no cases', async () => {
    const log = await csvLog('case,activity,timestamp\nx,A,1');
    expect(buildTransitionSystem(log, [], 2).levels.map((l) => l.size)).toEqual([0, 0, 0]);
  });
});

describe('timestamps parsed from bytes', () => {
  const samples = [
    '2011-10-01T00:38:44.546+02:00', '2011-10-01 00:38:44', '2011-10-01', '2011-10-01T00:38', '2011-10-01T00:38:', '2011-10-01T00:38:4',
    '2024-01-01T20:20:45.423Z', '2024-01-01t20:20:45,4z', '2024-02-30T00:00:00Z', '2024-02-29T24:00:00Z', '2024-02-29T24:00:01Z',
    '2020-01-01T10:00:00.123456789123+0530', '2020-01-01T10:00:00-05', '2020-01-01T10:00:00+05:', '2020-01-01T10:00:00+5',
    '2020-01-01T10:00:00.', '  2020-01-01T10:00:00Z\t', '1293872400', '1293872400123', '-12.5', '+3', '', ' ', 'x', '20-01-01',
    '2020-13-01', '2020-01-01X10:00', '2020-01-01T1:00:00', '2020-01-01T10:00:00Zjunk', '２０２０-01-01', '2020-01-01T10:00:00\u00e9',
  ];
  it('equal parseTimestamp, whatever bytes surround the field', () => {
    for (const text of samples) {
      const field = Buffer.from(text, 'latin1');
      for (const pad of ['', '9', '99', ',', ' ']) {
        const buffer = Buffer.concat([Buffer.from(pad), field, Buffer.from(pad)]);
        expect(Object.is(parseTimestampBytes(buffer, pad.length, pad.length + field.length), parseTimestamp(text)), `${JSON.stringify(text)} padded by ${JSON.stringify(pad)}`).toBe(true);
      }
    }
  });
});

describe('token replay on a net with silent transitions', () => {
  it('finds the same silent paths whatever the token counts (marking keys beyond one UTF-16 unit)', async () => {
    const { tokenReplay } = await import('../../../functions/mining/ml/token-replay.ts');
    // p0 -A-> p1 -tau-> p2 -B-> p3; A also puts 70,000 tokens on p4 (kept, so counts exceed 0xffff).
    const net = {
      places: ['p0', 'p1', 'p2', 'p3', 'p4'],
      transitions: [
        { id: 'A', label: 'A' },
        { id: 'tau', label: null },
        { id: 'B', label: 'B' },
      ],
      arcs: [
        { source: 'p0', target: 'A', weight: 1 },
        { source: 'A', target: 'p1', weight: 1 },
        { source: 'A', target: 'p4', weight: 70_000 },
        { source: 'p1', target: 'tau', weight: 1 },
        { source: 'tau', target: 'p2', weight: 1 },
        { source: 'p2', target: 'B', weight: 1 },
        { source: 'B', target: 'p3', weight: 1 },
      ],
      initialMarking: { p0: 1 },
      finalMarking: { p3: 1 },
    };
    const log = await csvLog('case,activity,timestamp\nx,A,1\nx,B,2\ny,A,1\ny,A,2\ny,B,3');
    const result = tokenReplay(log, net as never);
    const x = result.cases.find((c) => c.caseId === 'x')!;
    expect([x.missing, x.remaining]).toEqual([0, 70_000]);
    const y = result.cases.find((c) => c.caseId === 'y')!;
    expect(y.missing).toBe(1);
  });
});
