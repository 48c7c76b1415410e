import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEventLog } from '../../../functions/mining/ingest/read-event-log.ts';
import {
  EventLogCodecError,
  deserializeEventLog,
  serializeEventLog,
} from '../../../functions/mining/log/event-log-codec.ts';
import { bytes, DATASETS_DIR } from './helpers.ts';

describe('event log checkpoint codec', () => {
  it('round-trips a log with start timestamps, NaN, absent values and non-ASCII names exactly', async () => {
    const csv = [
      'case,activity,start_timestamp,timestamp,resource,lifecycle',
      'c-é,Prüfen,2020-01-01T00:00:00.123456Z,2020-01-01T01:00:00Z,r1,start',
      'c-é,"Done, ""ok""",,2020-01-01T02:00:00Z,,',
      '𝔠2,Prüfen,2020-01-02T00:00:00Z,2020-01-03T00:00:00Z,r2,complete',
    ].join('\n');
    const { log } = await readEventLog(bytes(csv), { format: 'csv' });
    const buffer = serializeEventLog(log);
    const copy = deserializeEventLog(buffer);
    expect(copy).toEqual(log);
    expect(Number.isNaN(copy.startTimestamps![1]!)).toBe(true);
    expect(serializeEventLog(copy).equals(buffer)).toBe(true);
  });

  it('round-trips a real log, also from an unaligned buffer', async () => {
    const { log } = await readEventLog(createReadStream(join(DATASETS_DIR, 'receipt.csv')), { format: 'csv' });
    const buffer = serializeEventLog(log);
    const unaligned = Buffer.alloc(buffer.length + 3);
    buffer.copy(unaligned, 3);
    const copy = deserializeEventLog(unaligned.subarray(3));
    expect(copy).toEqual(log);
    // The copy owns its memory rather than pinning the caller's buffer.
    expect(copy.timestamps.buffer).not.toBe(unaligned.buffer);
  });

  it('round-trips an empty log', async () => {
    const { log } = await readEventLog(bytes('case,activity,timestamp\n'), { format: 'csv' });
    expect(deserializeEventLog(serializeEventLog(log))).toEqual(log);
  });

  it('rejects foreign, truncated or future-version input', async () => {
    const { log } = await readEventLog(bytes('case,activity,timestamp\nc,A,2020-01-01\n'), { format: 'csv' });
    const buffer = serializeEventLog(log);
    expect(() => deserializeEventLog(Buffer.from('hello world, not a log'))).toThrow(EventLogCodecError);
    expect(() => deserializeEventLog(buffer.subarray(0, buffer.length - 1))).toThrow(EventLogCodecError);
    const future = Buffer.from(buffer);
    future.writeUInt32LE(99, 4);
    expect(() => deserializeEventLog(future)).toThrow(/version 99/);
  });
});
