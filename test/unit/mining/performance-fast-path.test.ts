import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../bench/synthetic-log.ts';
import { analysePerformance } from '../../../functions/mining/analysis/analyse-performance.ts';
import { NO_VALUE, type EventLog } from '../../../functions/mining/log/event-log.ts';
import { activityInstances } from '../../../functions/mining/performance/activity-instances.ts';
import { activityPerformance } from '../../../functions/mining/performance/activity-performance.ts';
import { bottleneckActivities } from '../../../functions/mining/performance/bottlenecks.ts';
import { caseDurationStats } from '../../../functions/mining/performance/case-duration-stats.ts';
import { performancePass } from '../../../functions/mining/performance/performance-pass.ts';
import { resourceWorkload } from '../../../functions/mining/performance/resource-workload.ts';
import { rework } from '../../../functions/mining/performance/rework.ts';
import { SPAN, sortKeys } from '../../../functions/mining/performance/sort-keys.ts';

/**
 * The one-walk performance analysis (performance-pass.ts, performance-reports.ts, sort-keys.ts)
 * against the plain functions it stands in for: the same figures, bit for bit.
 */

/** analysePerformance as it was written before the one-walk path. */
function plainPerformance(log: EventLog) {
  const instances = activityInstances(log);
  const activities = activityPerformance(log, instances);
  const timed = log.untimed !== true;
  return {
    caseDurations: log.caseIds.length > 0 && timed ? caseDurationStats(log) : null,
    activityPerformance: activities,
    bottlenecks: timed ? bottleneckActivities(log, { top: 5, performance: activities }) : [],
    resourceWorkload: resourceWorkload(log, instances),
    rework: rework(log, instances),
    warnings: analysePerformance(log).warnings,
  };
}

interface Shape {
  /** Start timestamps column: none, some known. */
  intervals: boolean;
  /** Lifecycle values drawn from these (plus absent). */
  lifecycles: string[];
  /** Timestamps with fractions of a millisecond (the plain path then runs). */
  fractional: boolean;
  untimed: boolean;
  /** Typical gap between events, ms. */
  gap: number;
}

/** A random log: events in timestamp order within each case, as the builder leaves them. */
function randomLog(random: () => number, shape: Shape): EventLog {
  const pick = (n: number) => Math.floor(random() * n);
  const activities = Array.from({ length: 1 + pick(7) }, (_, a) => `A${a}`);
  const resources = Array.from({ length: 1 + pick(5) }, (_, r) => `R${r}`);
  const caseIds: string[] = [];
  const offsets = [0];
  const codes: number[] = [];
  const times: number[] = [];
  const starts: number[] = [];
  const resourceCodes: number[] = [];
  const lifecycleCodes: number[] = [];
  const cases = pick(40);
  let clock = 1_300_000_000_000 + pick(1000);
  for (let c = 0; c < cases; c++) {
    caseIds.push(`c${c}`);
    let time = clock + pick(shape.gap * 10);
    const events = pick(12);
    for (let e = 0; e < events; e++) {
      // Ties (a gap of 0) and long gaps both occur.
      time += random() < 0.2 ? 0 : pick(shape.gap) + (shape.fractional && random() < 0.3 ? 0.25 : 0);
      codes.push(random() < 0.3 && codes.length > 0 ? codes[codes.length - 1 - pick(Math.min(2, codes.length))]! : pick(activities.length));
      times.push(shape.untimed ? NaN : time);
      starts.push(shape.untimed || !shape.intervals || random() < 0.3 ? NaN : time - pick(shape.gap * 2));
      resourceCodes.push(random() < 0.15 ? NO_VALUE : pick(resources.length));
      lifecycleCodes.push(shape.lifecycles.length === 0 || random() < 0.1 ? NO_VALUE : pick(shape.lifecycles.length));
    }
    offsets.push(codes.length);
    clock += pick(shape.gap * 5);
  }
  return {
    caseIds,
    caseOffsets: Uint32Array.from(offsets),
    activities,
    activityCodes: Uint32Array.from(codes),
    timestamps: Float64Array.from(times),
    startTimestamps: shape.intervals ? Float64Array.from(starts) : null,
    resources,
    resourceCodes: Uint32Array.from(resourceCodes),
    lifecycles: shape.lifecycles,
    lifecycleCodes: Uint32Array.from(lifecycleCodes),
    ...(shape.untimed ? { untimed: true } : {}),
  };
}

const shapes: Shape[] = [
  { intervals: false, lifecycles: ['complete', 'START', ' Start ', 'schedule'], fractional: false, untimed: false, gap: 60_000 },
  { intervals: false, lifecycles: ['COMPLETE', 'start'], fractional: false, untimed: false, gap: 5 },
  { intervals: false, lifecycles: [], fractional: false, untimed: false, gap: 3_600_000 },
  { intervals: true, lifecycles: [], fractional: false, untimed: false, gap: 60_000 },
  { intervals: true, lifecycles: ['complete', 'start'], fractional: false, untimed: false, gap: 1000 },
  { intervals: false, lifecycles: ['custom'], fractional: false, untimed: false, gap: 86_400_000 },
  { intervals: false, lifecycles: ['complete', 'start'], fractional: true, untimed: false, gap: 1000 },
  { intervals: false, lifecycles: ['complete', 'start'], fractional: false, untimed: true, gap: 1000 },
];

describe('performance analysis in one walk', () => {
  it('gives the figures of the plain functions on random logs of every shape', () => {
    const random = seededRandom(12);
    let fast = 0;
    for (let round = 0; round < 400; round++) {
      const shape = shapes[round % shapes.length]!;
      const log = randomLog(random, shape);
      expect(analysePerformance(log)).toEqual(plainPerformance(log));
      if (performancePass(log) !== null) fast++;
      // Fractions of a millisecond and logs without timestamps take the plain path.
      if (shape.fractional && log.activityCodes.length > 20) expect(performancePass(log)).toBeNull();
      if (shape.untimed) expect(performancePass(log)).toBeNull();
    }
    // Six of the eight shapes take the one-walk path.
    expect(fast).toBeGreaterThanOrEqual(280);
  });

  it('takes the plain path for spans beyond its keys and gives the same figures', () => {
    const random = seededRandom(5);
    const log = randomLog(random, shapes[0]!);
    const last = log.caseOffsets[1]! - 1;
    if (last < 1) return;
    const far = Float64Array.from(log.timestamps);
    // One case lasting 40 years.
    for (let e = 1; e <= last; e++) far[e] = far[e]! + 40 * 365 * 86_400_000;
    const stretched = { ...log, timestamps: far };
    expect(performancePass(stretched)).toBeNull();
    expect(analysePerformance(stretched)).toEqual(plainPerformance(stretched));
  });
});

describe('sorting (group, value) keys', () => {
  it('orders every group like a native sort of its values', () => {
    const random = seededRandom(9);
    for (let round = 0; round < 60; round++) {
      const groups = 1 + Math.floor(random() * (round % 2 === 0 ? 5 : 3000));
      const length = Math.floor(random() * (round % 3 === 0 ? 50 : 20_000));
      // Narrow and wide value ranges: skipped digits and full ones, many duplicates.
      const range = [10, 5000, 2 ** 30, SPAN][round % 4]!;
      const keys = new Float64Array(length);
      const byGroup: number[][] = Array.from({ length: groups }, () => []);
      for (let i = 0; i < length; i++) {
        const g = Math.floor(random() * groups);
        const v = Math.floor(random() * range);
        keys[i] = g * SPAN + v;
        byGroup[g]!.push(v);
      }
      const sorted = sortKeys(keys, length, groups);
      for (let g = 0; g < groups; g++) {
        const got = Array.from(sorted.keys.subarray(sorted.offsets[g]!, sorted.offsets[g + 1]!), (k) => k - g * SPAN);
        expect(got).toEqual(Array.from(Float64Array.from(byGroup[g]!).sort()));
      }
    }
  });
});
