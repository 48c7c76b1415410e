import { describe, expect, it } from 'vitest';
import { alignTrace } from '../../../functions/mining/conformance/align-trace.ts';
import { compileNet, replayNetOf } from '../../../functions/mining/ml/replay-net.ts';
import { FittingCompletion } from '../../../functions/mining/conformance/fitting-completion.ts';
import { netGraph } from '../../../functions/mining/conformance/net-graph.ts';
import { traceFitness } from '../../../functions/mining/conformance/align-log.ts';
import { activity, node, tau, type ProcessTree, type TreeOperator } from '../../../functions/mining/discovery/inductive/process-tree.ts';
import { processTreeToPetriNet } from '../../../functions/mining/discovery/inductive/tree-to-petri-net.ts';
import { PetriNetBuilder, type PetriNet } from '../../../functions/mining/models/petri-net.ts';
import { referenceAlignmentCost } from './reference-alignment.ts';

const netOf = (tree: ProcessTree) => processTreeToPetriNet(tree).net;
const graphOf = (net: PetriNet) => netGraph(compileNet(replayNetOf(net)))!;
const aligned = (net: PetriNet, trace: string[]) => {
  const outcome = alignTrace(graphOf(net), trace);
  if (outcome.status !== 'aligned') throw new Error(`not aligned: ${outcome.status}`);
  return outcome;
};
/** The alignment as PM4Py prints it: (event, transition label), '>>' for no move, silent moves as null labels. */
const shown = (net: PetriNet, trace: string[]) => {
  const { steps } = aligned(net, trace);
  return steps.map((s) => [s.event < 0 ? '>>' : trace[s.event]!, s.transition < 0 ? '>>' : net.transitions[s.transition]!.label]);
};

// A small seeded generator, so that a failing case can be replayed.
function random(seed: number) {
  let s = seed >>> 0;
  return () => (s = (Math.imul(s, 1_103_515_245) + 12_345) >>> 0) / 2 ** 32;
}

function randomTree(next: () => number, depth: number, alphabet: string[]): ProcessTree {
  if (depth === 0 || next() < 0.3) return next() < 0.15 ? tau() : activity(alphabet[Math.floor(next() * alphabet.length)]!);
  const operators: TreeOperator[] = ['->', 'X', '+', '*'];
  const operator = operators[Math.floor(next() * 4)]!;
  const count = operator === '*' ? 2 : 2 + Math.floor(next() * 2);
  return node(
    operator,
    Array.from({ length: count }, () => randomTree(next, depth - 1, alphabet)),
  );
}

describe('alignTrace', () => {
  it('finds the optimal cost of the plain Dijkstra reference on random process-tree nets and random traces', () => {
    const next = random(20261130);
    const alphabet = ['a', 'b', 'c', 'd', 'e'];
    let compared = 0;
    let deviating = 0;
    for (let n = 0; n < 60; n++) {
      const net = netOf(randomTree(next, 3, alphabet));
      const compiled = graphOf(net);
      const fitting = new FittingCompletion(compiled);
      for (let k = 0; k < 5; k++) {
        // 'z' is in no net: a log move whatever the model.
        const trace = Array.from({ length: Math.floor(next() * 7) }, () => [...alphabet, 'z'][Math.floor(next() * 6)]!);
        const expected = referenceAlignmentCost(net, trace);
        // One FittingCompletion per net, as alignLog shares it: the layers of a shared suffix are reused.
        const outcome = alignTrace(compiled, trace, undefined, fitting);
        expect(outcome.status).toBe(expected === null ? 'unreachable' : 'aligned');
        if (outcome.status === 'aligned') {
          expect(outcome.cost, `${JSON.stringify(trace)} on ${net.transitions.map((t) => t.label ?? 'tau')}`).toBe(expected);
          compared++;
          if (outcome.cost >= 10_000) deviating++;
        }
      }
    }
    // The comparison covers deviating traces, not only fitting ones.
    expect(compared).toBe(300);
    expect(deviating).toBeGreaterThan(100);
  });

  it('matches the reference on a net that is no process tree: duplicate labels, a loop, a source transition', () => {
    const b = new PetriNetBuilder('duplicates');
    const [p0, p1, p2, p3] = [b.addPlace('p0'), b.addPlace('p1'), b.addPlace('p2'), b.addPlace('p3')];
    const a1 = b.addTransition('a');
    const a2 = b.addTransition('a');
    const c = b.addTransition('c');
    const back = b.addTransition(null);
    const d = b.addTransition('d');
    b.addArc(p0, a1);
    b.addArc(a1, p1);
    b.addArc(p0, a2);
    b.addArc(a2, p2);
    b.addArc(p1, c);
    b.addArc(c, p3);
    b.addArc(p2, d);
    b.addArc(d, p3);
    b.addArc(p3, back);
    b.addArc(back, p0);
    const done = b.addPlace('done');
    const end = b.addTransition('e');
    b.addArc(p3, end);
    b.addArc(end, done);
    b.mark('initial', p0);
    b.mark('final', done);
    const net = b.build();
    const compiled = graphOf(net);
    for (const trace of [['a', 'c', 'e'], ['a', 'd', 'e'], ['a', 'c', 'a', 'd', 'e'], ['c', 'e'], ['a', 'a', 'd'], [], ['e', 'a']]) {
      const outcome = alignTrace(compiled, trace);
      expect(outcome.status).toBe('aligned');
      expect(outcome.status === 'aligned' && outcome.cost).toBe(referenceAlignmentCost(net, trace));
    }
    // The second 'a' goes to the branch that 'd' needs: a sync move, not a model move.
    expect(aligned(net, ['a', 'd', 'e']).cost).toBe(0);
    // Around the loop: one silent move.
    expect(aligned(net, ['a', 'c', 'a', 'd', 'e']).cost).toBe(1);
  });

  const sequence = netOf(node('->', [activity('a'), activity('b'), activity('c')]));

  it('aligns a fitting trace with sync moves only (cost 0, fitness 1)', () => {
    expect(shown(sequence, ['a', 'b', 'c'])).toEqual([
      ['a', 'a'],
      ['b', 'b'],
      ['c', 'c'],
    ]);
    expect(traceFitness(0, 3, aligned(sequence, []).cost)).toBe(1);
  });

  it('makes an extra event a log move', () => {
    expect(shown(sequence, ['a', 'x', 'b', 'c'])).toEqual([
      ['a', 'a'],
      ['x', '>>'],
      ['b', 'b'],
      ['c', 'c'],
    ]);
    expect(aligned(sequence, ['a', 'x', 'b', 'c']).cost).toBe(10_000);
  });

  it("makes a missing activity a model move, with PM4Py's fitness 1 - 1 / (3 + 3)", () => {
    expect(shown(sequence, ['a', 'c'])).toEqual([
      ['a', 'a'],
      ['>>', 'b'],
      ['c', 'c'],
    ]);
    const empty = aligned(sequence, []).cost;
    expect(empty).toBe(30_000);
    // PM4Py: 1 - (10000 // 10000) / ((2·10000 + 30000) // 10000) = 1 - 1/5.
    expect(traceFitness(10_000, 2, empty)).toBeCloseTo(0.8, 12);
  });

  it('skips an optional activity through the silent transition (cost 1, fitness still 1)', () => {
    const optional = netOf(node('->', [activity('a'), node('X', [activity('b'), tau()]), activity('c')]));
    const outcome = aligned(optional, ['a', 'c']);
    expect(outcome.cost).toBe(1);
    expect(shown(optional, ['a', 'c'])).toEqual([
      ['a', 'a'],
      ['>>', null],
      ['c', 'c'],
    ]);
    expect(traceFitness(outcome.cost, 2, aligned(optional, []).cost)).toBe(1);
  });

  it('goes round a loop as often as the trace does, one silent move per round', () => {
    const loop = netOf(node('*', [activity('a'), activity('b')]));
    for (const [trace, cost] of [
      [['a'], referenceAlignmentCost(loop, ['a'])],
      [['a', 'b', 'a'], referenceAlignmentCost(loop, ['a', 'b', 'a'])],
      [['a', 'b', 'a', 'b', 'a'], referenceAlignmentCost(loop, ['a', 'b', 'a', 'b', 'a'])],
    ] as const) {
      expect(aligned(loop, [...trace]).cost).toBe(cost);
      expect(aligned(loop, [...trace]).cost).toBeLessThan(10_000);
    }
    // A 'b' with no 'a' after it: dropping it (10,000) beats going round again on a model move on 'a' (10,001).
    expect(shown(loop, ['a', 'b']).filter(([, t]) => t !== null)).toEqual([
      ['a', 'a'],
      ['b', '>>'],
    ]);
    expect(aligned(loop, ['a', 'b']).cost).toBe(referenceAlignmentCost(loop, ['a'])! + 10_000);
  });

  it('gives up at the budget instead of guessing', () => {
    const wide = netOf(
      node(
        '+',
        ['a', 'b', 'c', 'd', 'e', 'f'].map((x) => node('X', [activity(x), tau()])),
      ),
    );
    const outcome = alignTrace(graphOf(wide), ['f', 'e', 'd', 'c', 'b', 'a', 'x', 'y'], 5);
    expect(outcome).toEqual({ status: 'overBudget', expansions: 5 });
  });
});
