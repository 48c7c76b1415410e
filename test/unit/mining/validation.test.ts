import { describe, expect, it } from 'vitest';
import { readEventLog } from '../../../functions/mining/ingest/read-event-log.ts';
import { dataQualityScore } from '../../../functions/mining/ingest/validation-report.ts';
import { bytes } from './helpers.ts';

describe('validation', () => {
  const csv = [
    'case,activity,timestamp,resource',
    'c1,A,2020-01-01T00:00:00Z,r1',
    ',B,2020-01-01T01:00:00Z,r1', // missing case id: dropped
    'c1,,2020-01-01T02:00:00Z,r1', // missing activity: dropped
    'c1,C,,r2', // missing timestamp: inferred from c1's previous record
    'c2,A,,r1', // missing timestamp, nothing earlier in c2: dropped
    'c2,A,not a date,r1', // unparsable, nothing earlier in c2: dropped
    'c2,B,2020-01-01T03:00:00Z,r1',
    'c2,C,garbage,r1', // unparsable: inferred
    'c2,B,2020-01-01T03:00:00Z,r1', // exact duplicate: kept
  ].join('\n');

  it('drops instead of inferring when inference is off', async () => {
    const { log, validation } = await readEventLog(bytes(csv), { format: 'csv', inferMissingTimestamps: false });
    expect(validation).toMatchObject({ recordsLoaded: 9, validRecords: 3, errorRecords: 6, inferredTimestamps: 0 });
    expect(validation.errorsByType.filter((e) => e.resolved)).toEqual([]);
    expect(Array.from(log.activityCodes, (a) => log.activities[a])).toEqual(['A', 'B', 'B']);
  });

  it('drops, infers and flags records as documented', async () => {
    const { log, validation } = await readEventLog(bytes(csv), { format: 'csv' });
    expect(validation).toEqual({
      recordsLoaded: 9,
      validRecords: 3,
      errorRecords: 6,
      errorsByType: [
        { type: 'MissingCaseId', count: 1, resolved: false },
        { type: 'MissingActivity', count: 1, resolved: false },
        { type: 'MissingTimestamp', count: 1, resolved: true },
        { type: 'MissingTimestamp', count: 1, resolved: false },
        { type: 'UnparsableTimestamp', count: 1, resolved: true },
        { type: 'UnparsableTimestamp', count: 1, resolved: false },
        { type: 'DuplicateEvent', count: 1, resolved: false },
      ],
      inferredTimestamps: 2,
      outsideTimeWindow: 0,
      recordsWithoutTimestamp: 0,
      // floor(1000 * (3 + 0.5 * 2) / 9) / 10
      dataQualityScore: 44.4,
    });
    expect(log.caseIds).toEqual(['c1', 'c2']);
    expect(Array.from(log.caseOffsets)).toEqual([0, 2, 5]);
    expect(Array.from(log.activityCodes, (a) => log.activities[a])).toEqual(['A', 'C', 'B', 'C', 'B']);
    expect(Array.from(log.timestamps)).toEqual([
      Date.UTC(2020, 0, 1, 0),
      Date.UTC(2020, 0, 1, 0),
      Date.UTC(2020, 0, 1, 3),
      Date.UTC(2020, 0, 1, 3),
      Date.UTC(2020, 0, 1, 3),
    ]);
  });

  it('counts duplicates that are not adjacent in the file, and only exact ones', async () => {
    const dup = [
      'case,activity,timestamp,resource,lifecycle',
      'c,A,2020-01-01,r,complete',
      'c,B,2020-01-02,r,complete',
      'c,A,2020-01-01,r,complete', // duplicate of line 1
      'c,A,2020-01-01,r,start', // differs in lifecycle
      'c,A,2020-01-01,s,complete', // differs in resource
      'd,A,2020-01-01,r,complete', // other case
      'c,A,2020-01-01,r,complete', // duplicate again
    ].join('\n');
    const { log, validation } = await readEventLog(bytes(dup), { format: 'csv' });
    expect(log.activityCodes.length).toBe(7);
    expect(validation.errorsByType).toEqual([{ type: 'DuplicateEvent', count: 2, resolved: false }]);
    expect(validation.errorRecords).toBe(0);
    expect(validation.dataQualityScore).toBe(100);
  });

  it('applies the time window per event, inclusive, and omits cases left empty', async () => {
    const windowed = [
      'case,activity,timestamp',
      'c1,A,2020-01-01',
      'c1,B,2020-01-05',
      'c2,A,2020-01-09',
      'c3,A,2020-01-02',
      'c3,B,', // inferred as 2020-01-02, inside the window
    ].join('\n');
    const { log, validation } = await readEventLog(bytes(windowed), {
      format: 'csv',
      timeWindow: { start: Date.UTC(2020, 0, 2), end: Date.UTC(2020, 0, 5) },
    });
    expect(log.caseIds).toEqual(['c1', 'c3']);
    expect(Array.from(log.activityCodes, (a) => log.activities[a])).toEqual(['B', 'A', 'B']);
    expect(log.activities).toEqual(['B', 'A']);
    expect(validation).toMatchObject({ recordsLoaded: 5, validRecords: 4, errorRecords: 1, inferredTimestamps: 1, outsideTimeWindow: 2 });
  });

  it('scores quality as documented', () => {
    expect(dataQualityScore(0, 0, 0)).toBe(100);
    expect(dataQualityScore(10, 10, 0)).toBe(100);
    // The API spec's example: two repaired records out of 187,250.
    expect(dataQualityScore(187_250, 187_248, 2)).toBe(99.9);
    expect(dataQualityScore(4, 2, 2)).toBe(75);
  });
});
