import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../bench/synthetic-log.ts';
import { CodeBatch } from '../../../functions/mining/log/code-batch.ts';
import { EventLogBuilder, type EventLogBuilderOptions } from '../../../functions/mining/log/event-log-builder.ts';

/**
 * EventLogBuilder.addCodeBatch takes most records in its own loop and the rest through addCodes;
 * checked here against addCodes record by record on random records with every kind of defect.
 */
interface Row {
  caseCode: number;
  activityCode: number;
  timestamp: number;
  missing: boolean;
  start: number;
  resourceCode: number;
  lifecycleCode: number;
}

const DICTIONARIES = {
  caseIds: Array.from({ length: 400 }, (_, i) => `case-${i}`),
  activities: ['a', 'b', 'c', 'd'],
  resources: ['ann', 'bob', 'eve'],
  lifecycles: ['start', 'complete'],
};

function randomRows(random: () => number, count: number, untimedStart: boolean): Row[] {
  const rows: Row[] = [];
  let caseCode = 0;
  let time = Date.UTC(2024, 0, 1);
  for (let r = 0; r < count; r++) {
    if (random() < 0.15) caseCode = random() < 0.8 ? caseCode + 1 : Math.floor(random() * (caseCode + 1));
    // Equal times (duplicates), later ones, and now and then an earlier one (order left).
    time += random() < 0.2 ? 0 : random() < 0.9 ? Math.floor(random() * 60_000) : -Math.floor(random() * 3_600_000);
    const untimed = (untimedStart && r < 40) || random() < 0.05;
    rows.push({
      caseCode: random() < 0.02 ? -1 : caseCode % 400,
      activityCode: random() < 0.02 ? -1 : Math.floor(random() * 4),
      timestamp: untimed ? NaN : time,
      missing: untimed && random() < 0.5,
      start: random() < 0.5 ? NaN : time - 1000,
      resourceCode: random() < 0.1 ? -1 : Math.floor(random() * 3),
      lifecycleCode: random() < 0.1 ? -1 : Math.floor(random() * 2),
    });
  }
  return rows;
}

function built(rows: Row[], options: EventLogBuilderOptions, batchSize: number | null) {
  const progress: number[] = [];
  const builder = new EventLogBuilder({ ...options, onProgress: (n) => progress.push(n) });
  builder.useDictionaries(DICTIONARIES);
  if (batchSize === null) {
    for (const r of rows) builder.addCodes(r.caseCode, r.activityCode, r.timestamp, r.missing, r.start, r.resourceCode, r.lifecycleCode);
  } else {
    const batch = new CodeBatch(batchSize);
    for (let from = 0; from < rows.length; from += batchSize) {
      batch.size = 0;
      for (const r of rows.slice(from, from + batchSize)) {
        const k = batch.size++;
        batch.caseCodes[k] = r.caseCode;
        batch.activityCodes[k] = r.activityCode;
        batch.timestamps[k] = r.timestamp;
        batch.timestampMissing[k] = r.missing ? 1 : 0;
        batch.startTimestamps[k] = r.start;
        batch.resourceCodes[k] = r.resourceCode;
        batch.lifecycleCodes[k] = r.lifecycleCode;
      }
      builder.addCodeBatch(batch);
    }
  }
  return { ...builder.build(), progress };
}

describe('EventLogBuilder.addCodeBatch', () => {
  it('builds the log, the validation report and the progress reports of addCodes record by record', () => {
    const random = seededRandom(17);
    for (let round = 0; round < 24; round++) {
      // Past 65,536 records once, for a progress report inside a batch; past several blocks often.
      const rows = randomRows(random, round === 5 ? 70_000 : 200 + Math.floor(random() * 9_000), round % 3 === 1);
      const options: EventLogBuilderOptions = {
        hasStartTimestamps: round % 2 === 0,
        inferMissingTimestamps: round % 4 !== 3,
        ...(round % 5 === 2 ? { timeWindow: { start: Date.UTC(2024, 0, 1, 2), end: Date.UTC(2024, 0, 3) } } : {}),
      };
      const batchSize = 1 + Math.floor(random() * 3000);
      expect(built(rows, options, batchSize)).toEqual(built(rows, options, null));
    }
  });

  it('reads a batch without any timestamp as addCodes does: kept in file order', () => {
    const rows = randomRows(seededRandom(2), 500, false).map((r) => ({ ...r, timestamp: NaN, missing: true }));
    const options = { hasStartTimestamps: false };
    const expected = built(rows, options, null);
    expect(expected.log.untimed).toBe(true);
    expect(built(rows, options, 64)).toEqual(expected);
  });
});
