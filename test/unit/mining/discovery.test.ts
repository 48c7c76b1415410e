import { describe, expect, it } from 'vitest';
import { activityCounts, endActivities, startActivities } from '../../../functions/mining/discovery/activity-counts.ts';
import { directlyFollowsGraph } from '../../../functions/mining/discovery/directly-follows-graph.ts';
import { summarizeLog } from '../../../functions/mining/discovery/summarize-log.ts';
import { variants } from '../../../functions/mining/discovery/variants.ts';
import { readEventLog } from '../../../functions/mining/ingest/read-event-log.ts';
import { caseDurationStats, quantile } from '../../../functions/mining/performance/case-duration-stats.ts';
import { bytes } from './helpers.ts';

// Durations: c1 10 s, c2 20 s, c3 30 s, c4 40 s.
const csv = [
  'case,activity,timestamp',
  'c1,A,0',
  'c1,B,4',
  'c1,C,10',
  'c2,A,100',
  'c2,C,120',
  'c3,A,200',
  'c3,B,210',
  'c3,C,230',
  'c4,A,300',
  'c4,C,340',
  'c5,B,500',
  'c5,B,500',
].join('\n');

describe('discovery', async () => {
  const { log } = await readEventLog(bytes(csv), { format: 'csv' });

  it('counts activities, start and end activities', () => {
    expect(activityCounts(log)).toEqual({ A: 4, B: 4, C: 4 });
    expect(startActivities(log)).toEqual({ A: 4, B: 1 });
    expect(endActivities(log)).toEqual({ C: 4, B: 1 });
    expect(Object.getPrototypeOf(activityCounts(log))).toBeNull();
  });

  it('builds the directly-follows graph with mean transition times', () => {
    expect(directlyFollowsGraph(log)).toEqual([
      // Equal frequencies: activity-table order of `from`, then `to`.
      { from: 'A', to: 'B', frequency: 2, meanTransitionMs: 7_000 },
      { from: 'A', to: 'C', frequency: 2, meanTransitionMs: 30_000 },
      { from: 'B', to: 'C', frequency: 2, meanTransitionMs: 13_000 },
      { from: 'B', to: 'B', frequency: 1, meanTransitionMs: 0 },
    ]);
  });

  it('ranks variants by count, ties by first appearance, and honours the limit', () => {
    expect(variants(log)).toEqual({
      total: 3,
      top: [
        { activities: ['A', 'B', 'C'], count: 2 },
        { activities: ['A', 'C'], count: 2 },
        { activities: ['B', 'B'], count: 1 },
      ],
    });
    expect(variants(log, { limit: 1 }).top).toHaveLength(1);
    expect(variants(log, { limit: 1 }).total).toBe(3);
  });

  it('computes case duration statistics (upper median, numpy p90)', () => {
    // Durations 0, 10, 20, 30, 40: odd count.
    expect(caseDurationStats(log)).toEqual({ min: 0, median: 20, mean: 20, p90: 36, max: 40 });
  });

  it('reports the upper middle value as median for an even number of cases', async () => {
    const even = await readEventLog(bytes('case,activity,timestamp\na,X,0\na,Y,10\nb,X,0\nb,Y,20\nc,X,0\nc,Y,30\nd,X,0\nd,Y,40\n'), {
      format: 'csv',
    });
    expect(caseDurationStats(even.log)).toEqual({ min: 10, median: 30, mean: 25, p90: 37, max: 40 });
  });

  it('interpolates quantiles like numpy', () => {
    const sorted = Float64Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(quantile(sorted, 0.9)).toBeCloseTo(9.1, 12);
    expect(quantile(sorted, 0)).toBe(1);
    expect(quantile(sorted, 1)).toBe(10);
    expect(quantile(Float64Array.from([5]), 0.9)).toBe(5);
  });

  it('summarizes the log', () => {
    expect(summarizeLog(log)).toEqual({
      cases: 5,
      events: 12,
      activities: 3,
      variants: 3,
      dfgEdges: 4,
      startActivities: 2,
      endActivities: 2,
    });
  });

  it('handles an empty log', async () => {
    const empty = await readEventLog(bytes('case,activity,timestamp\n'), { format: 'csv' });
    expect(summarizeLog(empty.log)).toEqual({
      cases: 0,
      events: 0,
      activities: 0,
      variants: 0,
      dfgEdges: 0,
      startActivities: 0,
      endActivities: 0,
    });
    expect(caseDurationStats(empty.log)).toEqual({ min: 0, median: 0, mean: 0, p90: 0, max: 0 });
  });
});
