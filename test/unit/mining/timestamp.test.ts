import { describe, expect, it } from 'vitest';
import { daysFromCivil, parseTimestamp } from '../../../functions/mining/ingest/timestamp.ts';

describe('parseTimestamp', () => {
  it.each([
    ['2011-10-11 13:45:40.276000+02:00', Date.UTC(2011, 9, 11, 11, 45, 40, 276)],
    ['2010-12-30T14:32:00.000+01:00', Date.UTC(2010, 11, 30, 13, 32)],
    ['2012-10-09T14:50:17+00:00', Date.UTC(2012, 9, 9, 14, 50, 17)],
    ['2015-01-05 09:02:50+00:00', Date.UTC(2015, 0, 5, 9, 2, 50)],
    ['2012-10-09T14:50:17Z', Date.UTC(2012, 9, 9, 14, 50, 17)],
    ['2012-10-09t14:50:17z', Date.UTC(2012, 9, 9, 14, 50, 17)],
    ['2012-10-09T14:50:17-05:00', Date.UTC(2012, 9, 9, 19, 50, 17)],
    ['2012-10-09T14:50:17+0530', Date.UTC(2012, 9, 9, 9, 20, 17)],
    ['2012-10-09T14:50:17+05', Date.UTC(2012, 9, 9, 9, 50, 17)],
    ['2012-10-09T14:50', Date.UTC(2012, 9, 9, 14, 50)],
    ['2012-10-09', Date.UTC(2012, 9, 9)],
    ['2012-10-09T14:50:17.5', Date.UTC(2012, 9, 9, 14, 50, 17, 500)],
    ['2012-10-09T14:50:17,25Z', Date.UTC(2012, 9, 9, 14, 50, 17, 250)],
    ['2012-10-09T24:00:00Z', Date.UTC(2012, 9, 10)],
    ['  2012-10-09T14:50:17Z ', Date.UTC(2012, 9, 9, 14, 50, 17)],
    ['2020-02-29T00:00:00Z', Date.UTC(2020, 1, 29)],
    ['2000-02-29', Date.UTC(2000, 1, 29)],
    ['1969-12-31T23:59:59Z', -1000],
  ])('parses %j', (text, expected) => {
    expect(parseTimestamp(text)).toBe(expected);
  });

  it('treats a timestamp without offset as UTC', () => {
    expect(parseTimestamp('2011-10-11 13:45:40')).toBe(Date.UTC(2011, 9, 11, 13, 45, 40));
  });

  it('keeps sub-millisecond precision of 9-digit fractions', () => {
    const base = Date.UTC(2020, 0, 1);
    expect(parseTimestamp('2020-01-01T00:00:00.123456789Z')).toBeCloseTo(base + 123.456789, 6);
    expect(parseTimestamp('2020-01-01T00:00:00.000000001+00:00')).toBeCloseTo(base + 0.000001, 9);
    expect(parseTimestamp('2020-01-01T00:00:00.276000Z')).toBe(base + 276);
    // Digits beyond nanoseconds are accepted and ignored.
    expect(parseTimestamp('2020-01-01T00:00:00.1234567891234Z')).toBeCloseTo(base + 123.456789, 6);
  });

  it('reads epoch seconds and milliseconds', () => {
    expect(parseTimestamp('1318333540')).toBe(1_318_333_540_000);
    expect(parseTimestamp('1318333540.276')).toBeCloseTo(1_318_333_540_276, 3);
    expect(parseTimestamp('1318333540276')).toBe(1_318_333_540_276);
    expect(parseTimestamp('0')).toBe(0);
    expect(parseTimestamp('-86400')).toBe(-86_400_000);
  });

  it.each([
    '',
    '   ',
    'abc',
    'NaN',
    '2020-13-01',
    '2020-00-10',
    '2020-02-30',
    '2019-02-29',
    '1900-02-29',
    '2020-01-01T25:00',
    '2020-01-01T24:00:01',
    '2020-01-01T10:60',
    '2020-01-01T10:00:60',
    '2020-01-01X10:00',
    '2020-01-01T10',
    '2020-01-01T10:00+25:00',
    '2020-01-01T10:00+01:00x',
    '2020-01-01T10:00:00.Z',
    '2020-01-01T10:00:00ZZ',
    '2020/01/01 10:00',
    '12:00:00',
    '1e12',
    '12abc',
  ])('rejects %j', (text) => {
    expect(parseTimestamp(text)).toBeNaN();
  });

  it('agrees with Date.parse over a range of dates and offsets', () => {
    // Years 0001..9999: the four-digit years ISO strings and this parser use.
    for (let day = -719_000; day < 2_900_000; day += 9_973) {
      const ms = day * 86_400_000 + ((day * 7919) % 86_400) * 1000 + (day % 1000);
      const iso = new Date(ms).toISOString();
      expect(parseTimestamp(iso)).toBe(ms);
      const shifted = `${new Date(ms + 3_600_000 * 5.5).toISOString().slice(0, 23)}+05:30`;
      expect(parseTimestamp(shifted)).toBe(Date.parse(shifted));
      expect(parseTimestamp(shifted)).toBe(ms);
    }
    expect(daysFromCivil(1970, 1, 1)).toBe(0);
  });
});
