import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { readEventLog } from '../../../functions/mining/ingest/read-event-log.ts';
import type { EventLog } from '../../../functions/mining/log/event-log.ts';
import { activityInstances } from '../../../functions/mining/performance/activity-instances.ts';
import { activityPerformance } from '../../../functions/mining/performance/activity-performance.ts';
import { bottleneckActivities } from '../../../functions/mining/performance/bottlenecks.ts';
import { caseDurations } from '../../../functions/mining/performance/case-duration-stats.ts';
import { resourceWorkload } from '../../../functions/mining/performance/resource-workload.ts';
import { rework } from '../../../functions/mining/performance/rework.ts';
import { DATASETS_DIR, bytes } from './helpers.ts';

// Numeric timestamps are epoch seconds.
const intervalCsv = [
  'case,activity,start_timestamp,timestamp,resource',
  'c1,A,0,10,R1',
  'c1,B,15,30,R2',
  'c1,C,40,45,R1',
  'c2,A,100,120,R1',
  'c2,B,110,130,R2', // starts before A completed: waiting 0
  'c2,B,125,150,R2', // overlaps the previous B of R2: busy time counts [110, 150] once
].join('\n');

const lifecycleCsv = [
  'case,activity,timestamp,lifecycle,resource',
  'k1,A,0,complete,R1',
  'k1,B,5,start,R2',
  'k1,B,8,start,R2',
  'k1,B,20,complete,R2', // earliest unmatched start 5: service 15, waiting 5 - 0
  'k1,B,30,COMPLETE,R3', // start 8: service 22, waiting max(0, 8 - 20)
  'k1,C,40,schedule,R1', // not an instance
  'k1,C,50,complete,R1', // no start: service and waiting unknown
  'k1,B,60,complete,R2', // no start left
].join('\n');

const plainCsv = ['case,activity,timestamp', 'n1,A,0', 'n1,B,10', 'n1,C,30', 'n2,A,0', 'n2,C,50'].join('\n');

async function csvLog(text: string): Promise<EventLog> {
  return (await readEventLog(bytes(text), { format: 'csv' })).log;
}

const byName = <T extends { activity: string }>(rows: T[], name: string): T => rows.find((r) => r.activity === name)!;

describe('performance: interval log', async () => {
  const log = await csvLog(intervalCsv);

  it('takes start times from the start timestamp column', () => {
    const instances = activityInstances(log);
    expect(instances.source).toBe('interval');
    expect(Array.from(instances.starts)).toEqual([0, 15, 40, 100, 110, 125].map((s) => s * 1000));
  });

  it('measures service, waiting and sojourn per activity', () => {
    const report = activityPerformance(log);
    expect(report.startSource).toBe('interval');
    expect(report.totalCaseSeconds).toBe(35 + 30);
    expect(report.activities.map((a) => a.activity)).toEqual(['B', 'A', 'C']);
    expect(byName(report.activities, 'A')).toEqual({
      activity: 'A',
      occurrences: 2,
      service: { count: 2, totalSeconds: 30, meanSeconds: 15, medianSeconds: 20 },
      waiting: null,
      sojourn: null,
    });
    expect(byName(report.activities, 'B')).toEqual({
      activity: 'B',
      occurrences: 3,
      service: { count: 3, totalSeconds: 60, meanSeconds: 20, medianSeconds: 20 },
      waiting: { count: 3, totalSeconds: 5, meanSeconds: 5 / 3, medianSeconds: 0 },
      sojourn: { count: 3, totalSeconds: 50, meanSeconds: 50 / 3, medianSeconds: 20 },
    });
    expect(byName(report.activities, 'C').waiting).toEqual({ count: 1, totalSeconds: 10, meanSeconds: 10, medianSeconds: 10 });
  });

  it('ranks bottlenecks by total waiting time as a share of total case time', () => {
    expect(bottleneckActivities(log)).toEqual([
      { activity: 'C', measure: 'waiting', totalSeconds: 10, share: 10 / 65, meanSeconds: 10, medianSeconds: 10, measuredOccurrences: 1 },
      { activity: 'B', measure: 'waiting', totalSeconds: 5, share: 5 / 65, meanSeconds: 5 / 3, medianSeconds: 0, measuredOccurrences: 3 },
    ]);
    expect(bottleneckActivities(log, { top: 1 }).map((b) => b.activity)).toEqual(['C']);
    const bySojourn = bottleneckActivities(log, { measure: 'sojourn' });
    expect(bySojourn.map((b) => [b.activity, b.totalSeconds])).toEqual([
      ['B', 50],
      ['C', 15],
    ]);
    // Sojourn times partition the case time when every event is an instance.
    expect(bySojourn.reduce((s, b) => s + b.share!, 0)).toBeCloseTo(1, 12);
  });

  it('computes workload with busy time as the union of service intervals', () => {
    const { resources, eventsWithoutResource } = resourceWorkload(log);
    expect(eventsWithoutResource).toBe(0);
    expect(resources).toEqual([
      { resource: 'R1', events: 3, cases: 2, instances: 3, serviceMeasured: 3, busySeconds: 35, activeSpanSeconds: 120, utilisation: 35 / 120 },
      { resource: 'R2', events: 3, cases: 2, instances: 3, serviceMeasured: 3, busySeconds: 55, activeSpanSeconds: 135, utilisation: 55 / 135 },
    ]);
  });

  it('counts rework and self-loops', () => {
    expect(rework(log)).toEqual({
      casesWithRework: 1,
      reworkShare: 0.5,
      activities: [{ activity: 'B', casesWithRepetition: 1, repeatCount: 1, selfLoops: 1 }],
      selfLoops: 1,
      lengthTwoLoops: 0,
      lengthTwoLoopPatterns: [],
    });
  });
});

describe('performance: lifecycle start/complete pairs', async () => {
  const log = await csvLog(lifecycleCsv);

  it('pairs each complete with the earliest unmatched start of its activity', () => {
    const instances = activityInstances(log);
    expect(instances.source).toBe('lifecycle');
    expect(Array.from(instances.activityCodes, (a) => log.activities[a])).toEqual(['A', 'B', 'B', 'C', 'B']);
    expect(Array.from(instances.starts)).toEqual([NaN, 5000, 8000, NaN, NaN]);
  });

  it('measures service and waiting where a start is paired, sojourn everywhere', () => {
    const report = activityPerformance(log);
    const b = byName(report.activities, 'B');
    expect(b.occurrences).toBe(3);
    expect(b.service).toEqual({ count: 2, totalSeconds: 37, meanSeconds: 18.5, medianSeconds: 22 });
    expect(b.waiting).toEqual({ count: 2, totalSeconds: 5, meanSeconds: 2.5, medianSeconds: 5 });
    expect(b.sojourn).toEqual({ count: 3, totalSeconds: 40, meanSeconds: 40 / 3, medianSeconds: 10 });
    const c = byName(report.activities, 'C');
    expect([c.occurrences, c.service, c.waiting, c.sojourn?.totalSeconds]).toEqual([1, null, null, 20]);
    expect(bottleneckActivities(log)).toEqual([
      { activity: 'B', measure: 'waiting', totalSeconds: 5, share: 5 / 60, meanSeconds: 2.5, medianSeconds: 5, measuredOccurrences: 2 },
    ]);
  });

  it('counts every event for workload but busy time only where service is known', () => {
    expect(resourceWorkload(log).resources).toEqual([
      { resource: 'R2', events: 4, cases: 1, instances: 2, serviceMeasured: 1, busySeconds: 15, activeSpanSeconds: 55, utilisation: 15 / 55 },
      { resource: 'R1', events: 3, cases: 1, instances: 2, serviceMeasured: 0, busySeconds: null, activeSpanSeconds: 50, utilisation: null },
      // Its work began at the start event (R2's) at 8 s.
      { resource: 'R3', events: 1, cases: 1, instances: 1, serviceMeasured: 1, busySeconds: 22, activeSpanSeconds: 22, utilisation: 1 },
    ]);
  });

  it('finds rework over instances, not lifecycle events', () => {
    expect(rework(log)).toEqual({
      casesWithRework: 1,
      reworkShare: 1,
      activities: [{ activity: 'B', casesWithRepetition: 1, repeatCount: 2, selfLoops: 1 }],
      selfLoops: 1,
      lengthTwoLoops: 1,
      lengthTwoLoopPatterns: [{ activity: 'B', via: 'C', count: 1, cases: 1 }],
    });
  });
});

describe('performance: no start information', async () => {
  const log = await csvLog(plainCsv);

  it('reports service and waiting as null and sojourn instead', () => {
    const report = activityPerformance(log);
    expect(report.startSource).toBe('none');
    for (const a of report.activities) {
      expect(a.service).toBeNull();
      expect(a.waiting).toBeNull();
    }
    expect(byName(report.activities, 'C').sojourn).toEqual({ count: 2, totalSeconds: 70, meanSeconds: 35, medianSeconds: 50 });
    expect(bottleneckActivities(log).map((b) => [b.activity, b.measure, b.share])).toEqual([
      ['C', 'sojourn', 70 / 80],
      ['B', 'sojourn', 10 / 80],
    ]);
    expect(resourceWorkload(log)).toEqual({ resources: [], eventsWithoutResource: 5 });
    expect(rework(log).casesWithRework).toBe(0);
  });

  it('handles length-two loops and counts overlapping patterns', async () => {
    const loops = await csvLog(['case,activity,timestamp', 'x,A,0', 'x,B,1', 'x,A,2', 'x,B,3', 'x,A,4'].join('\n'));
    const report = rework(loops);
    expect(report.lengthTwoLoopPatterns).toEqual([
      { activity: 'A', via: 'B', count: 2, cases: 1 },
      { activity: 'B', via: 'A', count: 1, cases: 1 },
    ]);
    expect(report.activities).toEqual([
      { activity: 'A', casesWithRepetition: 1, repeatCount: 2, selfLoops: 0 },
      { activity: 'B', casesWithRepetition: 1, repeatCount: 1, selfLoops: 0 },
    ]);
  });
});

describe('performance on shared datasets', () => {
  let interval: EventLog;
  let bpic: EventLog;
  beforeAll(async () => {
    interval = (await readEventLog(createReadStream(join(DATASETS_DIR, 'interval_event_log.csv')), { format: 'csv' })).log;
    bpic = (await readEventLog(createReadStream(join(DATASETS_DIR, 'bpic2012.xes.gz')), { format: 'xes.gz' })).log;
  });

  it('interval_event_log.csv: every event is an instance with a start', () => {
    const instances = activityInstances(interval);
    expect(instances.source).toBe('interval');
    expect(instances.events.length).toBe(8109);
    const report = activityPerformance(interval, instances);
    expect(report.startAfterCompletion).toBe(0);
    expect(report.activities.reduce((s, a) => s + a.occurrences, 0)).toBe(8109);
    for (const a of report.activities) expect(a.service!.count).toBe(a.occurrences);
    const sojournTotal = report.activities.reduce((s, a) => s + (a.sojourn?.totalSeconds ?? 0), 0);
    expect(sojournTotal).toBeCloseTo(report.totalCaseSeconds!, 3);
    const bottlenecks = bottleneckActivities(interval, { performance: report, top: 100 });
    expect(bottlenecks[0]!.measure).toBe('waiting');
    const shareSum = bottlenecks.reduce((s, b) => s + b.share!, 0);
    expect(shareSum).toBeGreaterThan(0);
    expect(shareSum).toBeLessThanOrEqual(1);
    for (const r of resourceWorkload(interval, instances).resources) {
      expect(r.utilisation === null || (r.utilisation >= 0 && r.utilisation <= 1)).toBe(true);
    }
  });

  it('bpic2012: pairs START/COMPLETE, quickly', () => {
    const started = performance.now();
    const instances = activityInstances(bpic);
    const report = activityPerformance(bpic, instances);
    const bottlenecks = bottleneckActivities(bpic, { performance: report });
    const workload = resourceWorkload(bpic, instances);
    const loops = rework(bpic, instances);
    const elapsed = performance.now() - started;
    expect(elapsed).toBeLessThan(2000);

    expect(instances.source).toBe('lifecycle');
    // The COMPLETE events (README: 164,506).
    expect(instances.events.length).toBe(164_506);
    expect(report.activities).toHaveLength(23);
    // Only W_ activities have START events; A_ and O_ ones are atomic.
    for (const a of report.activities) {
      if (a.activity.startsWith('W_')) expect(a.service).not.toBeNull();
      else expect(a.service).toBeNull();
    }
    expect(bottlenecks).toHaveLength(5);
    for (const b of bottlenecks) {
      expect(b.measure).toBe('waiting');
      expect(b.activity.startsWith('W_')).toBe(true);
    }
    expect(bottlenecks.map((b) => b.totalSeconds)).toEqual([...bottlenecks.map((b) => b.totalSeconds)].sort((x, y) => y - x));
    let durationTotal = 0;
    for (const d of caseDurations(bpic)) durationTotal += d;
    expect(report.totalCaseSeconds).toBeCloseTo(durationTotal, 3);
    expect(workload.resources.reduce((s, r) => s + r.events, 0) + workload.eventsWithoutResource).toBe(262_200);
    for (const r of workload.resources) expect(r.utilisation === null || (r.utilisation >= 0 && r.utilisation <= 1)).toBe(true);
    expect(loops.casesWithRework).toBeGreaterThan(0);
    expect(loops.casesWithRework).toBeLessThanOrEqual(13_087);
  });
});
