import { beforeAll, describe, expect, it } from 'vitest';
import { summarizeLog, type LogSummary } from '../../../functions/mining/discovery/summarize-log.ts';
import { variants } from '../../../functions/mining/discovery/variants.ts';
import type { EventLogFormat } from '../../../functions/mining/ingest/read-event-log.ts';
import { caseDurationStats } from '../../../functions/mining/performance/case-duration-stats.ts';
import { deserializeEventLog, serializeEventLog } from '../../../functions/mining/log/event-log-codec.ts';
import type { EventLog } from '../../../functions/mining/log/event-log.ts';
import type { ValidationReport } from '../../../functions/mining/ingest/validation-report.ts';
import { readDataset } from './helpers.ts';

/**
 * Reference figures from ../shared/README.md (PM4Py 2.7.11, cross-checked), where we follow
 * the README's corrections to PM4Py: XES UTC offsets are honoured, and interval logs are
 * ordered by completion time for every figure.
 */
interface Reference {
  file: string;
  format: EventLogFormat;
  summary: Pick<LogSummary, 'cases' | 'events' | 'activities' | 'variants' | 'dfgEdges'>;
  /** Seconds, upper middle value for even case counts (PM4Py's convention). */
  medianDurationS: number;
}

const references: Reference[] = [
  {
    file: 'running-example.xes',
    format: 'xes',
    summary: { cases: 6, events: 42, activities: 8, variants: 6, dfgEdges: 16 },
    medianDurationS: 852_300,
  },
  {
    file: 'roadtraffic100traces.xes',
    format: 'xes',
    summary: { cases: 100, events: 390, activities: 10, variants: 10, dfgEdges: 18 },
    medianDurationS: 23_068_800,
  },
  {
    file: 'helpdesk.xes.gz',
    format: 'xes.gz',
    summary: { cases: 4_580, events: 21_348, activities: 14, variants: 226, dfgEdges: 55 },
    medianDurationS: 3_444_811,
  },
  {
    file: 'receipt.csv',
    format: 'csv',
    summary: { cases: 1_434, events: 8_577, activities: 27, variants: 116, dfgEdges: 99 },
    medianDurationS: 2_936.735,
  },
  {
    // PM4Py builds this log's DFG in start-timestamp order (14 edges) but its variants in
    // completion order; we use completion order throughout, which gives 15 edges (39 cases
    // are ordered differently by start time).
    file: 'interval_event_log.csv',
    format: 'csv',
    summary: { cases: 1_266, events: 8_109, activities: 8, variants: 10, dfgEdges: 15 },
    medianDurationS: 1_932_742,
  },
];

const load = readDataset;

describe.each(references)('$file', ({ file, format, summary, medianDurationS }) => {
  let log: EventLog;
  let validation: ValidationReport;
  beforeAll(async () => {
    ({ log, validation } = await load(file, format));
  });

  it('matches the reference counts', () => {
    expect(summarizeLog(log)).toMatchObject(summary);
    expect(validation.recordsLoaded).toBe(summary.events);
    expect(validation.errorRecords).toBe(0);
  });

  it('matches the reference median case duration', () => {
    expect(caseDurationStats(log).median).toBeCloseTo(medianDurationS, 3);
  });
});

describe('interval_event_log.csv', () => {
  it('keeps start timestamps alongside completion timestamps', async () => {
    const { log } = await load('interval_event_log.csv', 'csv');
    expect(log.startTimestamps).not.toBeNull();
    expect(log.startTimestamps![0]).toBe(Date.UTC(2015, 0, 5, 9, 0, 7));
    expect(log.timestamps[0]).toBe(Date.UTC(2015, 0, 5, 9, 2, 50));
  });
});

describe('bpic2012.xes.gz (all events)', () => {
  let log: EventLog;
  let validation: ValidationReport;
  // 74 MB of XML: read once for every assertion.
  beforeAll(async () => {
    ({ log, validation } = await load('bpic2012.xes.gz', 'xes.gz'));
  }, 60_000);

  it('matches the reference counts, which need a stable sort of its 13,995 timestamp ties', () => {
    expect(summarizeLog(log)).toMatchObject({ cases: 13_087, events: 262_200, activities: 24, variants: 4_366, dfgEdges: 125 });
    expect(log.lifecycles).toEqual(expect.arrayContaining(['SCHEDULE', 'START', 'COMPLETE']));
    expect(validation).toMatchObject({ recordsLoaded: 262_200, validRecords: 262_200, errorRecords: 0, dataQualityScore: 100 });
  });

  it('matches the case duration figures with UTC offsets honoured', () => {
    const stats = caseDurationStats(log);
    // PM4Py drops the offsets and reports 744,916.341 s.
    expect(stats.mean).toBeCloseTo(745_100.096, 3);
    expect(stats.median).toBeCloseTo(69_857.434, 3);
  });

  it('survives a checkpoint round trip', () => {
    const copy = deserializeEventLog(serializeEventLog(log));
    expect(variants(copy, { limit: 5 })).toEqual(variants(log, { limit: 5 }));
    expect(Buffer.from(copy.timestamps.buffer).equals(Buffer.from(log.timestamps.buffer))).toBe(true);
  });
});
