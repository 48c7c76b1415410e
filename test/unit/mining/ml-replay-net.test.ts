import { describe, expect, it } from 'vitest';
import { compileNet, ReplayNetError, type ReplayNet } from '../../../functions/mining/ml/replay-net.ts';

const net = (arcs: ReplayNet['arcs'], extra: Partial<ReplayNet> = {}): ReplayNet => ({
  places: ['p', 'q', 'r'],
  transitions: [
    { id: 't', label: 'a' },
    { id: 'u', label: null },
    { id: 'v', label: 'a' },
  ],
  arcs,
  initialMarking: { p: 1 },
  finalMarking: { r: 2 },
  ...extra,
});

describe('compileNet', () => {
  it('adds up parallel arcs, places in order of their first arc, and passes the others through', () => {
    const compiled = compileNet(
      net([
        { source: 'q', target: 't' },
        { source: 'p', target: 't', weight: 2 },
        { source: 'q', target: 't', weight: 3 },
        { source: 't', target: 'r' },
        { source: 'p', target: 'u' },
        { source: 'u', target: 'q' },
        { source: 'u', target: 'r', weight: 2 },
        { source: 'u', target: 'q' },
      ]),
    );
    expect([...compiled.inputs[0]!]).toEqual([1, 4, 0, 2]);
    expect([...compiled.outputs[0]!]).toEqual([2, 1]);
    expect([...compiled.inputs[1]!]).toEqual([0, 1]);
    expect([...compiled.outputs[1]!]).toEqual([1, 2, 2, 2]);
    expect(compiled.inputs[2]!.length).toBe(0);
    expect(compiled.silent).toEqual([1]);
    expect(compiled.byLabel.get('a')).toEqual([0, 2]);
    expect(compiled.transitionIds).toEqual(['t', 'u', 'v']);
    expect([...compiled.initial]).toEqual([1, 0, 0]);
    expect([...compiled.final]).toEqual([0, 0, 2]);
  });

  it('rejects duplicate ids, bad weights, arcs that do not join a place and a transition, and unknown places in markings', () => {
    const bad: [string, ReplayNet][] = [
      ['duplicate place p', net([], { places: ['p', 'q', 'p'] })],
      ['duplicate node id q', net([], { transitions: [{ id: 'q', label: null }] })],
      [
        'duplicate node id t',
        net([], {
          transitions: [
            { id: 't', label: null },
            { id: 't', label: 'a' },
          ],
        }),
      ],
      ['arc p -> t has weight 0', net([{ source: 'p', target: 't', weight: 0 }])],
      ['arc p -> q does not join', net([{ source: 'p', target: 'q' }])],
      ['arc t -> u does not join', net([{ source: 't', target: 'u' }])],
      ['arc p -> nowhere does not join', net([{ source: 'p', target: 'nowhere' }])],
      ['marking names unknown place nowhere', net([], { initialMarking: { nowhere: 1 } })],
      ['marking names unknown place t', net([], { finalMarking: { t: 1 } })],
    ];
    for (const [message, malformed] of bad) {
      expect(() => compileNet(malformed), message).toThrow(ReplayNetError);
      expect(() => compileNet(malformed), message).toThrow(message);
    }
  });
});
