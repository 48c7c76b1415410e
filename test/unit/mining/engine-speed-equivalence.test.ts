import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../bench/synthetic-log.ts';
import { readEventLog } from '../../../functions/mining/ingest/read-event-log.ts';
import { compileNet, type ReplayNet } from '../../../functions/mining/ml/replay-net.ts';
import { SilentSearch } from '../../../functions/mining/ml/silent-search.ts';
import { tokenReplay } from '../../../functions/mining/ml/token-replay.ts';
import { activityInstances } from '../../../functions/mining/performance/activity-instances.ts';
import { resourceWorkload } from '../../../functions/mining/performance/resource-workload.ts';
import { bytes, logOfTraces, plainSearch } from './helpers.ts';

/**
 * The faster forms of replay and resource workload against the plain algorithms they replaced:
 * the same answers, not just close ones.
 */

/** A random net over `places` places: `transitions` transitions with 1-2 inputs and outputs, some silent. */
function randomNet(random: () => number, places: number, transitions: number, labels: string[]): ReplayNet {
  const pick = () => `p${Math.floor(random() * places)}`;
  const ts = Array.from({ length: transitions }, (_, t) => ({ id: `t${t}`, label: random() < 0.6 ? null : labels[Math.floor(random() * labels.length)]! }));
  const arcs: { source: string; target: string }[] = [];
  for (const t of ts) {
    const ins = new Set([pick(), ...(random() < 0.4 ? [pick()] : [])]);
    const outs = new Set([pick(), ...(random() < 0.4 ? [pick()] : [])]);
    for (const p of ins) arcs.push({ source: p, target: t.id });
    for (const p of outs) arcs.push({ source: t.id, target: p });
  }
  return {
    places: Array.from({ length: places }, (_, p) => `p${p}`),
    transitions: ts,
    arcs,
    initialMarking: { p0: 1 },
    finalMarking: { [`p${places - 1}`]: 1 },
  };
}

describe('silent-transition search', () => {
  it('finds the same shortest path as the plain breadth-first search, expansion limit included', () => {
    const random = seededRandom(7);
    let found = 0;
    let limited = 0;
    for (let round = 0; round < 300; round++) {
      const net = compileNet(randomNet(random, 4 + Math.floor(random() * 8), 6 + Math.floor(random() * 14), ['a', 'b', 'c']));
      const search = new SilentSearch(net);
      const start = Int32Array.from({ length: net.placeIds.length }, () => (random() < 0.3 ? 1 + Math.floor(random() * 2) : 0));
      const goalPlace = Math.floor(random() * net.placeIds.length);
      const goal = (m: Int32Array) => m[goalPlace]! >= 2 + (start[goalPlace] ?? 0);
      const limit = 1 + Math.floor(random() * 40);
      const expected = plainSearch(net, start, net.silent, goal, limit);
      // The search object is reused across searches, as the replayer does.
      expect(search.find(start, net.silent, goal, limit)).toEqual(expected);
      expect(search.find(start, net.silent, goal, 1000)).toEqual(plainSearch(net, start, net.silent, goal, 1000));
      if (expected !== null) found++;
      if (expected === null && plainSearch(net, start, net.silent, goal, 1000) !== null) limited++;
    }
    // The random cases exercise both outcomes and the limit.
    expect(found).toBeGreaterThan(20);
    expect(limited).toBeGreaterThan(0);
  });
});

describe('token replay with remembered (marking, activity) outcomes', () => {
  it('gives every case the counts it gets when replayed alone', async () => {
    const random = seededRandom(11);
    for (let round = 0; round < 20; round++) {
      const net = randomNet(random, 6, 14, ['a', 'b', 'c', 'd']);
      const traces = Array.from({ length: 25 }, () => Array.from({ length: 1 + Math.floor(random() * 7) }, () => 'abcde'[Math.floor(random() * 5)]!));
      const whole = tokenReplay(await logOfTraces(traces), net, { maxSilentExpansions: 50 });
      for (let c = 0; c < traces.length; c++) {
        const alone = tokenReplay(await logOfTraces([traces[c]!]), net, { maxSilentExpansions: 50 });
        const { caseId: _a, ...got } = whole.cases[c]!;
        const { caseId: _b, ...want } = alone.cases[0]!;
        expect(got).toEqual(want);
      }
    }
  });
});

describe('resource busy time', () => {
  it('is the length of the union of each resource service intervals', async () => {
    const random = seededRandom(3);
    const rows = ['case,activity,start_timestamp,timestamp,resource'];
    const intervals = new Map<string, [number, number][]>();
    for (let e = 0; e < 400; e++) {
      const resource = `R${Math.floor(random() * 5)}`;
      const start = Math.floor(random() * 500);
      // Some zero-length and touching intervals, where merging rules matter.
      const end = start + (random() < 0.2 ? 0 : Math.floor(random() * 40));
      rows.push(`c${Math.floor(random() * 30)},A${Math.floor(random() * 4)},${start},${end},${resource}`);
      (intervals.get(resource) ?? intervals.set(resource, []).get(resource)!).push([start, end]);
    }
    const { log } = await readEventLog(bytes(rows.join('\n')), { format: 'csv' });
    const workload = resourceWorkload(log, activityInstances(log));
    for (const r of workload.resources) {
      const sorted = [...intervals.get(r.resource)!].sort((x, y) => x[0] - y[0]);
      let total = 0;
      let [runStart, runEnd] = sorted[0]!;
      for (const [s, e] of sorted.slice(1)) {
        if (s > runEnd) {
          total += runEnd - runStart;
          [runStart, runEnd] = [s, e];
        } else if (e > runEnd) runEnd = e;
      }
      // Numeric timestamps are epoch seconds.
      expect(r.busySeconds).toBe(total + runEnd - runStart);
    }
  });
});
