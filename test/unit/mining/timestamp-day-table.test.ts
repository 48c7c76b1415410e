import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../bench/synthetic-log.ts';
import { parseIsoMillisecondsZ, parseTimestampBytes } from '../../../functions/mining/ingest/timestamp.ts';

/**
 * The timestamp parser's table of days already computed, checked against Date.parse.
 */
describe('timestamp parser with its table of days', () => {
  it('gives Date.parse its value for dates in any order, those sharing a table slot included', () => {
    const random = seededRandom(29);
    // Day keys (yyyymmdd) 20,480 apart share a slot (2011-06-25 and 2013-11-05): dates over
    // four centuries in random order meet such pairs often, and the same days again after them.
    const days: number[] = [];
    for (let i = 0; i < 4000; i++) days.push(Math.floor(random() * 146_097) - 10_000);
    for (let i = 0; i < 4000; i++) days.push(days[Math.floor(random() * days.length)]!);
    days.push(15_150, 16_014, 15_150, 16_014);
    for (const day of days) {
      const ms = day * 86_400_000 + Math.floor(random() * 86_400_000);
      const iso = new Date(ms).toISOString();
      const text = Buffer.from(`,${iso},`, 'latin1');
      expect(parseIsoMillisecondsZ(text, 1)).toBe(ms);
      expect(parseTimestampBytes(text, 1, 25)).toBe(ms);
      // The general parser, on another form of the same instant.
      const spaced = Buffer.from(iso.replace('T', ' ').replace('Z', '+00:00'), 'latin1');
      expect(parseTimestampBytes(spaced, 0, spaced.length)).toBe(Date.parse(iso));
    }
  });

  it('still rejects impossible dates after their slot held a real one', () => {
    const good = Buffer.from('2011-02-28T00:00:00.000Z', 'latin1');
    expect(parseIsoMillisecondsZ(good, 0)).toBe(Date.parse('2011-02-28T00:00:00.000Z'));
    for (const bad of ['2011-02-29T00:00:00.000Z', '2011-13-01T00:00:00.000Z', '2011-00-10T00:00:00.000Z', '2011-04-31T00:00:00.000Z']) {
      expect(parseIsoMillisecondsZ(Buffer.from(bad, 'latin1'), 0)).toBeNaN();
    }
    expect(parseIsoMillisecondsZ(Buffer.from('2012-02-29T00:00:00.000Z', 'latin1'), 0)).toBe(Date.parse('2012-02-29T00:00:00.000Z'));
  });
});
