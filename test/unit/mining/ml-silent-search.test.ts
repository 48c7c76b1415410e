import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../bench/synthetic-log.ts';
import { compileNet, type CompiledNet, type ReplayNet } from '../../../functions/mining/ml/replay-net.ts';
import { SilentSearch, type SilentGoal } from '../../../functions/mining/ml/silent-search.ts';
import { plainSearch } from './helpers.ts';

/**
 * The silent-firing search's shortcuts (the reachability bound, the search on bits, the joint
 * search for the end of a trace) against the plain breadth-first search on random nets: the
 * same paths, the same nulls, at every expansion limit.
 */

/** A random net: transitions with 1-2 inputs and outputs (sometimes none), most silent; in some nets, arcs of weight 2. */
function randomNet(random: () => number, places: number, transitions: number): ReplayNet {
  const pick = () => `p${Math.floor(random() * places)}`;
  const heavy = random() < 0.25;
  const ts = Array.from({ length: transitions }, (_, t) => ({ id: `t${t}`, label: random() < 0.8 ? null : 'a' }));
  const arcs: { source: string; target: string; weight: number }[] = [];
  for (const t of ts) {
    const weight = () => (heavy && random() < 0.1 ? 2 : 1);
    const ins = random() < 0.04 ? [] : [...new Set([pick(), ...(random() < 0.4 ? [pick()] : [])])];
    const outs = [...new Set([pick(), ...(random() < 0.4 ? [pick()] : [])])];
    for (const p of ins) arcs.push({ source: p, target: t.id, weight: weight() });
    for (const p of outs) arcs.push({ source: t.id, target: p, weight: weight() });
  }
  return {
    places: Array.from({ length: places }, (_, p) => `p${p}`),
    transitions: ts,
    arcs,
    initialMarking: { p0: 1 },
    finalMarking: { [`p${places - 1}`]: 1 },
  };
}

const equal = (a: Int32Array, b: Int32Array) => a.every((v, i) => v === b[i]);
const covering = (a: Int32Array, b: Int32Array) => a.every((v, i) => v >= b[i]!);

/** What each structured goal means, searched the plain way. */
function plainGoal(
  net: CompiledNet,
  start: Int32Array,
  silent: readonly number[],
  goal: Exclude<SilentGoal, (m: Int32Array) => boolean>,
  limit: number,
): number[] | null {
  switch (goal.kind) {
    case 'enables': {
      const inputs = net.inputs[goal.transition]!;
      return plainSearch(
        net,
        start,
        silent,
        (m) => {
          for (let i = 0; i < inputs.length; i += 2) if (m[inputs[i]!]! < inputs[i + 1]!) return false;
          return true;
        },
        limit,
      );
    }
    case 'equals':
      return plainSearch(net, start, silent, (m) => equal(m, goal.target), limit);
    case 'covers':
      return plainSearch(net, start, silent, (m) => covering(m, goal.target), limit);
    case 'ends':
      return (
        plainSearch(net, start, silent, (m) => equal(m, goal.target), limit) ??
        (covering(start, goal.target) ? null : plainSearch(net, start, silent, (m) => covering(m, goal.target), limit))
      );
  }
}

describe('silent-transition search with structured goals', () => {
  it('finds what the plain breadth-first search finds, on bits and on token counts', () => {
    const random = seededRandom(21);
    const outcomes = { found: 0, empty: 0 };
    for (let round = 0; round < 200; round++) {
      // Small nets, and a few past the 64 places the search on bits holds.
      const places = round % 10 === 0 ? 66 + Math.floor(random() * 6) : 4 + Math.floor(random() * 10);
      const net = compileNet(randomNet(random, places, 6 + Math.floor(random() * (places > 64 ? 80 : 16))));
      // The search object is reused across searches, as the replayer does.
      const search = new SilentSearch(net);
      for (let trial = 0; trial < 6; trial++) {
        // Mostly one token per place, sometimes 2-9: up to 7 the search on bits, then the search on counts.
        const start = Int32Array.from({ length: places }, () => (random() < 0.3 ? (random() < 0.2 ? 2 + Math.floor(random() * 8) : 1) : 0));
        const target = Int32Array.from({ length: places }, () => (random() < 0.15 ? 1 : 0));
        // Whole lists and sub-lists (the replayer searches among the transitions feeding a goal).
        const silent = random() < 0.5 ? net.silent : net.silent.filter(() => random() < 0.6);
        const goals: Exclude<SilentGoal, (m: Int32Array) => boolean>[] = [
          { kind: 'enables', transition: Math.floor(random() * net.inputs.length) },
          { kind: 'equals', target },
          { kind: 'covers', target },
          { kind: 'ends', target },
        ];
        for (const goal of goals) {
          const limit = random() < 0.5 ? 1 + Math.floor(random() * 30) : 300;
          const expected = plainGoal(net, start, silent, goal, limit);
          expect(search.find(start, silent, goal, limit), `round ${round}, ${goal.kind}`).toEqual(expected);
          if (expected === null) outcomes.empty++;
          else outcomes.found++;
        }
      }
    }
    expect(outcomes.found).toBeGreaterThan(300);
    expect(outcomes.empty).toBeGreaterThan(300);
  });

  it('drains and fills places token by token past each bit plane (1-9 tokens)', () => {
    // t0 takes a token from p0, t1 moves one from p1 to p2, t2 puts one on p3: reaching the
    // target means emptying p0 whatever it held; covering a marked p3, one firing of t2.
    const net = compileNet({
      places: ['p0', 'p1', 'p2', 'p3'],
      transitions: [
        { id: 't0', label: null },
        { id: 't1', label: null },
        { id: 't2', label: null },
      ],
      arcs: [
        { source: 'p0', target: 't0' },
        { source: 'p1', target: 't1' },
        { source: 't1', target: 'p2' },
        { source: 't2', target: 'p3' },
      ],
      initialMarking: {},
      finalMarking: {},
    });
    const search = new SilentSearch(net);
    for (let tokens = 1; tokens <= 9; tokens++) {
      for (const [start, target, silent] of [
        [
          [tokens, 1, 0, 0],
          [0, 0, 1, 0],
          [0, 1],
        ],
        [
          [tokens, 0, 0, tokens],
          [0, 0, 0, 1],
          [0, 2],
        ],
        [[0, 0, 0, tokens - 1], [0, 0, 0, 1], [2]],
      ] as const) {
        for (const kind of ['equals', 'covers', 'ends'] as const) {
          const goal = { kind, target: Int32Array.from(target) };
          const expected = plainGoal(net, Int32Array.from(start), silent, goal, 50);
          expect(search.find(Int32Array.from(start), silent, goal, 50), `${tokens} tokens, ${kind} ${start}`).toEqual(expected);
        }
      }
    }
  });
});
