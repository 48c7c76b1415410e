import { createHash } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { SYNTHETIC_HEADER, seededRandom, syntheticCsvChunks, writeSyntheticCsv } from '../../../bench/synthetic-log.ts';
import { variants } from '../../../functions/mining/discovery/variants.ts';
import { readEventLog } from '../../../functions/mining/ingest/read-event-log.ts';
import { bytes } from './helpers.ts';

const dir = mkdtempSync(join(tmpdir(), 'synthetic-log-test-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const sha256 = (data: Buffer) => createHash('sha256').update(data).digest('hex');

describe('synthetic event log', () => {
  it('seededRandom repeats its stream for a seed and differs across seeds', () => {
    const a = seededRandom(42);
    const b = seededRandom(42);
    const c = seededRandom(43);
    const first = Array.from({ length: 5 }, a);
    expect(Array.from({ length: 5 }, b)).toEqual(first);
    expect(Array.from({ length: 5 }, c)).not.toEqual(first);
    expect(first.every((x) => x >= 0 && x < 1)).toBe(true);
  });

  it('writes byte-identical files for the same seed, and different ones for another seed', () => {
    const one = readFileSync(writeSyntheticCsv({ events: 20_000, seed: 7 }, join(dir, 'a.csv')));
    const two = readFileSync(writeSyntheticCsv({ events: 20_000, seed: 7 }, join(dir, 'b.csv')));
    const other = readFileSync(writeSyntheticCsv({ events: 20_000, seed: 8 }, join(dir, 'c.csv')));
    expect(sha256(two)).toBe(sha256(one));
    expect(sha256(other)).not.toBe(sha256(one));
  });

  it('has the 5-column header and exactly the requested number of events', async () => {
    for (const events of [0, 1, 9, 12_345]) {
      const csv = [...syntheticCsvChunks({ events, seed: 3 })].join('');
      const lines = csv.split('\n');
      expect(lines[0]).toBe(SYNTHETIC_HEADER);
      expect(lines.at(-1)).toBe('');
      expect(lines.length - 2).toBe(events);
      if (events === 0) continue;
      const { log, validation } = await readEventLog(bytes(csv), { format: 'csv' });
      expect(log.activityCodes.length).toBe(events);
      expect(validation).toMatchObject({ recordsLoaded: events, errorRecords: 0, outsideTimeWindow: 0 });
    }
  });

  it('models choices, loops and parallelism: several variants, reordered parallel branches', async () => {
    const csv = [...syntheticCsvChunks({ events: 20_000, seed: 5 })].join('');
    const { log } = await readEventLog(bytes(csv), { format: 'csv' });
    const expected = ['Submit application', 'Check credit', 'Verify documents', 'Request missing documents'];
    expected.push('Approve', 'Reject', 'Close case');
    expect(log.activities).toEqual(expect.arrayContaining(expected));
    expect(variants(log).total).toBeGreaterThan(10);
    // Parallel branches are written in either order: sorting puts some cases' file order right.
    const rows = csv.split('\n').slice(1, -1).map((line) => line.split(','));
    const lastTime = new Map<string, string>();
    let outOfOrder = 0;
    for (const [caseId, , time] of rows) {
      const previous = lastTime.get(caseId!);
      if (previous !== undefined && time! < previous) outOfOrder++;
      lastTime.set(caseId!, time!);
    }
    expect(outOfOrder).toBeGreaterThan(0);
    for (let c = 0; c < log.caseIds.length; c++) {
      for (let e = log.caseOffsets[c]! + 1; e < log.caseOffsets[c + 1]!; e++) {
        expect(log.timestamps[e]! >= log.timestamps[e - 1]!).toBe(true);
      }
    }
  });
});
