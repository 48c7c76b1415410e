import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { readEventLog } from '../../../functions/mining/ingest/read-event-log.ts';
import { NO_VALUE } from '../../../functions/mining/log/event-log.ts';
import { bytes } from './helpers.ts';

const xes = `<?xml version="1.0" encoding="UTF-8" ?>
<log xes.version="1.0" xmlns="http://www.xes-standard.org/">
  <global scope="trace"><string key="concept:name" value="GLOBAL-TRACE"/></global>
  <global scope="event">
    <string key="concept:name" value="GLOBAL-EVENT"/>
    <date key="time:timestamp" value="1970-01-01T00:00:00.000+01:00"/>
  </global>
  <string key="concept:name" value="log name"/>
  <trace>
    <string key="concept:name" value="t1"/>
    <event>
      <string key="concept:name" value="Check &amp; approve"/>
      <string key="org:resource" value="ann"/>
      <date key="time:timestamp" value="2011-01-01T10:00:00.000+01:00"/>
      <string key="lifecycle:transition" value="complete"/>
      <list key="notes"><string key="concept:name" value="NESTED"/></list>
    </event>
    <event>
      <date key="time:timestamp" value="2011-01-01T08:30:00.000Z"/>
      <string key="concept:name" value="Register"/>
    </event>
  </trace>
  <trace>
    <event>
      <string key="concept:name" value="Register"/>
      <date key="time:timestamp" value="2011-01-02T00:00:00Z"/>
    </event>
    <string key="concept:name" value="t2"/>
  </trace>
  <trace>
    <event><string key="concept:name" value="Orphan"/><date key="time:timestamp" value="2011-01-02T00:00:00Z"/></event>
  </trace>
  <trace>
    <string key="concept:name" value="t3"/>
    <event><string key="concept:name" value="Register"/><date key="time:timestamp" value="2011-01-03T00:00:00Z"/></event>
    <event><string key="concept:name" value="Later"/></event>
  </trace>
</log>`;

describe('readEventLog (xes)', () => {
  it('reads traces and events, ignoring globals, log attributes and nested attributes', async () => {
    const { log, validation } = await readEventLog(bytes(xes, 7), { format: 'xes' });
    expect(log.caseIds).toEqual(['t1', 't2', 't3']);
    expect(Array.from(log.caseOffsets)).toEqual([0, 2, 3, 5]);
    expect(Array.from(log.activityCodes, (a) => log.activities[a])).toEqual([
      'Register',
      'Check & approve',
      'Register',
      'Register',
      'Later',
    ]);
    expect(log.timestamps[0]).toBe(Date.UTC(2011, 0, 1, 8, 30));
    expect(log.timestamps[1]).toBe(Date.UTC(2011, 0, 1, 9));
    expect(log.resources).toEqual(['ann']);
    expect(log.resourceCodes[1]).toBe(0);
    expect(log.resourceCodes[0]).toBe(NO_VALUE);
    expect(log.lifecycles).toEqual(['complete']);
    expect(log.startTimestamps).toBeNull();
    // The trace without concept:name loses its event; "Later" inherits t3's previous timestamp.
    expect(log.timestamps[4]).toBe(Date.UTC(2011, 0, 3));
    expect(validation).toMatchObject({
      recordsLoaded: 6,
      validRecords: 4,
      errorRecords: 2,
      inferredTimestamps: 1,
      errorsByType: [
        { type: 'MissingCaseId', count: 1, resolved: false },
        { type: 'MissingTimestamp', count: 1, resolved: true },
      ],
    });
  });

  it('reads gzipped XES and custom attribute keys', async () => {
    const custom = `<log><trace><string key="id" value="A-1"/>
      <event><string key="task" value="T"/><date key="end" value="2020-01-01T00:00:00Z"/><date key="begin" value="2019-12-31T23:00:00Z"/></event>
    </trace></log>`;
    const { log } = await readEventLog(bytes(gzipSync(custom), 3), {
      format: 'xes.gz',
      columnMapping: { caseId: 'id', activity: 'task', timestamp: 'end', startTimestamp: 'begin' },
    });
    expect(log.caseIds).toEqual(['A-1']);
    expect(log.activities).toEqual(['T']);
    expect(Array.from(log.startTimestamps ?? [])).toEqual([Date.UTC(2019, 11, 31, 23)]);
  });

  it('rejects malformed XML', async () => {
    await expect(readEventLog(bytes('<log><trace></log>'), { format: 'xes' })).rejects.toThrow();
  });
});
