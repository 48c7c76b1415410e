import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../bench/synthetic-log.ts';
import { activityCounts } from '../../../functions/mining/discovery/activity-counts.ts';
import { directlyFollowsGraph } from '../../../functions/mining/discovery/directly-follows-graph.ts';
import { redundantSilent } from '../../../functions/mining/discovery/heuristics-petri-net.ts';
import { mostFrequent } from '../../../functions/mining/discovery/variants.ts';
import { caseVariants, groupCases } from '../../../functions/mining/log/case-variants.ts';
import type { EventLog } from '../../../functions/mining/log/event-log.ts';
import { logCounts } from '../../../functions/mining/log/log-counts.ts';

/**
 * Discovery's one walk over the events (log-counts.ts) against the walks it replaced in the
 * directly-follows graph, the activity counts, the Heuristics Miner and the case variants, the
 * top-variant selection against a stable sort, and the Heuristics net's redundant silent
 * transitions against the pairwise rule: the same answers, not just close ones.
 */

/** The pairwise rule as heuristics-petri-net.ts applied it before. */
function plainRedundant(presets: string[][], postsets: string[][]): number[] {
  const alive = presets.map(() => true);
  const removed: number[] = [];
  for (let i = 0; i < presets.length; i++) {
    if (!alive[i]) continue;
    const pre = new Set(presets[i]);
    const post = new Set(postsets[i]);
    for (let j = 0; j < presets.length; j++) {
      if (j === i || !alive[j]) continue;
      const preJ = presets[j]!;
      const postJ = postsets[j]!;
      if (preJ.length === pre.size && postJ.length < post.size && preJ.every((p) => pre.has(p)) && postJ.every((p) => post.has(p))) {
        alive[j] = false;
        removed.push(j);
      }
    }
  }
  return removed;
}

/** The separate walks as they were written before. */
function plainCounts(log: EventLog) {
  const n = log.activities.length;
  const { caseOffsets, activityCodes, timestamps } = log;
  const occurrences = new Float64Array(n);
  for (let e = 0; e < activityCodes.length; e++) occurrences[activityCodes[e]!]!++;
  const starts = new Float64Array(n);
  const ends = new Float64Array(n);
  const follows = new Float64Array(n * n);
  const followsMs = new Float64Array(n * n);
  const triples = new Float64Array(n * n);
  for (let c = 0; c + 1 < caseOffsets.length; c++) {
    const from = caseOffsets[c]!;
    const to = caseOffsets[c + 1]!;
    if (from === to) continue;
    starts[activityCodes[from]!]!++;
    ends[activityCodes[to - 1]!]!++;
    for (let e = from + 1; e < to; e++) {
      const pair = activityCodes[e - 1]! * n + activityCodes[e]!;
      follows[pair]!++;
      followsMs[pair]! += timestamps[e]! - timestamps[e - 1]!;
      const code = activityCodes[e]!;
      if (e > from + 1 && activityCodes[e - 2] === code && activityCodes[e - 1] !== code) triples[code * n + activityCodes[e - 1]!]!++;
    }
  }
  return { occurrences, starts, ends, follows, followsMs, triples };
}

function randomLog(random: () => number, untimed: boolean, alphabet = 1 + Math.floor(random() * 9)): EventLog {
  const pick = (n: number) => Math.floor(random() * n);
  const activities = Array.from({ length: alphabet }, (_, a) => `A${a}`);
  const offsets = [0];
  const codes: number[] = [];
  const times: number[] = [];
  const cases = pick(60);
  let time = 1_300_000_000_000;
  for (let c = 0; c < cases; c++) {
    // Few distinct lengths and activities: many repeated variants, and empty cases.
    const events = pick(6);
    for (let e = 0; e < events; e++) {
      codes.push(random() < 0.3 && e > 1 ? codes[codes.length - 2]! : pick(activities.length));
      time += random() < 0.2 ? 0 : pick(100_000) + (random() < 0.2 ? 0.125 : 0);
      times.push(untimed ? NaN : time);
    }
    offsets.push(codes.length);
  }
  const none = new Uint32Array(codes.length).fill(0xffffffff);
  return {
    caseIds: Array.from({ length: cases }, (_, c) => `c${c}`),
    caseOffsets: Uint32Array.from(offsets),
    activities,
    activityCodes: Uint32Array.from(codes),
    timestamps: Float64Array.from(times),
    startTimestamps: null,
    resources: [],
    resourceCodes: none,
    lifecycles: [],
    lifecycleCodes: none,
    ...(untimed ? { untimed: true } : {}),
  };
}

describe('discovery counts in one walk', () => {
  it('counts what the separate walks counted, and groups cases like the plain variant walk', () => {
    const random = seededRandom(21);
    for (let round = 0; round < 300; round++) {
      const log = randomLog(random, round % 10 === 9);
      const counts = logCounts(log)!;
      const plain = plainCounts(log);
      expect(Array.from(counts.occurrences)).toEqual(Array.from(plain.occurrences));
      expect(Array.from(counts.starts)).toEqual(Array.from(plain.starts));
      expect(Array.from(counts.ends)).toEqual(Array.from(plain.ends));
      expect(Array.from(counts.follows)).toEqual(Array.from(plain.follows));
      expect(Array.from(counts.followsMs)).toEqual(Array.from(plain.followsMs));
      expect(Array.from(counts.triples)).toEqual(Array.from(plain.triples));
      expect(counts.variants).toEqual(groupCases(log));
    }
  });

  it('leaves large alphabets to the steps own walks, with the same counts', () => {
    const random = seededRandom(30);
    const log = randomLog(random, false, 300);
    expect(logCounts(log)).toBeNull();
    const plain = plainCounts(log);
    const n = log.activities.length;
    expect(directlyFollowsGraph(log).length).toBeGreaterThan(10);
    for (const edge of directlyFollowsGraph(log)) {
      const pair = log.activities.indexOf(edge.from) * n + log.activities.indexOf(edge.to);
      expect(edge.frequency).toBe(plain.follows[pair]);
      expect(edge.meanTransitionMs).toBe(plain.followsMs[pair]! / plain.follows[pair]!);
    }
    expect(Object.values(activityCounts(log)).reduce((x, y) => x + y, 0)).toBe(log.activityCodes.length);
    expect(caseVariants(log)).toEqual(groupCases(log));
  });

  it('picks the most frequent variants as a stable sort by count does', () => {
    const random = seededRandom(4);
    for (let round = 0; round < 300; round++) {
      const counts = Uint32Array.from({ length: Math.floor(random() * 200) }, () => 1 + Math.floor(random() * (round % 2 === 0 ? 4 : 1000)));
      const sorted = Array.from({ length: counts.length }, (_, v) => v).sort((a, b) => counts[b]! - counts[a]!);
      for (const limit of [0, 1, 3, 20, 2.5, 64, 65, 500, Infinity]) {
        expect(mostFrequent(counts, limit)).toEqual(sorted.slice(0, Math.max(0, Math.ceil(limit))));
      }
    }
  });

  it('removes the silent transitions the pairwise rule removes, in the same order', () => {
    const random = seededRandom(8);
    // Distinct places in random order, as a node's arcs list them.
    const places = (universe: number) => [...new Set(Array.from({ length: Math.floor(random() * 4) }, () => `p${Math.floor(random() * universe)}`))];
    for (let round = 0; round < 500; round++) {
      const universe = 2 + Math.floor(random() * 5);
      const count = Math.floor(random() * 30);
      const presets = Array.from({ length: count }, () => places(universe));
      const postsets = Array.from({ length: count }, () => places(universe));
      expect(redundantSilent(presets, postsets)).toEqual(plainRedundant(presets, postsets));
    }
  });
});
