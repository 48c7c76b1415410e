import { beforeAll, describe, expect, it } from 'vitest';
import { alphaMiner, alphaMinerFromDfg, type AlphaPlace } from '../../../functions/mining/discovery/alpha-miner.ts';
import type { EventLogFormat } from '../../../functions/mining/ingest/read-event-log.ts';
import { petriNetSize } from '../../../functions/mining/models/petri-net.ts';
import type { EventLog } from '../../../functions/mining/log/event-log.ts';
import { logOfTraces, readDataset } from './helpers.ts';

const load = async (file: string, format: EventLogFormat): Promise<EventLog> => (await readDataset(file, format)).log;
const logOf = logOfTraces;

/** Places as comparable strings, independent of discovery order. */
function placeSet(places: AlphaPlace[]): string[] {
  return places.map((p) => `{${[...p.inputs].sort().join(', ')}} -> {${[...p.outputs].sort().join(', ')}}`).sort();
}

describe('alpha miner on the running example', () => {
  let log: EventLog;
  beforeAll(async () => {
    log = await load('running-example.xes', 'xes');
  });

  it('finds the textbook net (van der Aalst, Process Mining, fig. 6.1 / 6.2)', () => {
    const { net, places } = alphaMiner(log);
    expect(petriNetSize(net)).toEqual({ places: 7, transitions: 8, arcs: 19 });
    expect(placeSet(places)).toEqual(
      [
        '{} -> {register request}',
        '{register request, reinitiate request} -> {examine casually, examine thoroughly}',
        '{register request, reinitiate request} -> {check ticket}',
        '{examine casually, examine thoroughly} -> {decide}',
        '{check ticket} -> {decide}',
        '{decide} -> {pay compensation, reinitiate request, reject request}',
        '{pay compensation, reject request} -> {}',
      ].sort(),
    );
    // Source first and sink last, carrying the initial and final marking.
    expect(places[0]).toEqual({ inputs: [], outputs: ['register request'] });
    expect(places.at(-1)).toEqual({ inputs: ['pay compensation', 'reject request'], outputs: [] });
    const source = net.places[0]!;
    const sink = net.places.at(-1)!;
    expect([source.name, sink.name]).toEqual(['start', 'end']);
    expect({ ...net.initialMarking }).toEqual({ [source.id]: 1 });
    expect({ ...net.finalMarking }).toEqual({ [sink.id]: 1 });
    expect(net.transitions.every((t) => t.label !== null)).toBe(true);
    expect(net.transitions.map((t) => t.label).sort()).toEqual([...log.activities].sort());
  });

  it('names internal places by their transition sets and wires arcs through them', () => {
    const { net } = alphaMiner(log);
    const label = new Map(net.transitions.map((t) => [t.id, t.label]));
    const place = net.places.find((p) => p.name === '({check ticket}, {decide})')!;
    expect(place).toBeDefined();
    expect(net.arcs.filter((a) => a.target === place.id).map((a) => label.get(a.source))).toEqual(['check ticket']);
    expect(net.arcs.filter((a) => a.source === place.id).map((a) => label.get(a.target))).toEqual(['decide']);
    expect(net.arcs.every((a) => a.weight === 1)).toBe(true);
  });

  it('derives the footprint', () => {
    const { footprint } = alphaMiner(log);
    const has = (pairs: Array<[string, string]>, a: string, b: string) => pairs.some(([x, y]) => x === a && y === b);
    expect(has(footprint.causal, 'register request', 'examine casually')).toBe(true);
    expect(has(footprint.causal, 'decide', 'reinitiate request')).toBe(true);
    expect(has(footprint.parallel, 'check ticket', 'examine casually')).toBe(true);
    expect(has(footprint.parallel, 'examine casually', 'check ticket')).toBe(true);
    // Choice: neither follows the other.
    expect(has(footprint.causal, 'pay compensation', 'reject request')).toBe(false);
    expect(has(footprint.parallel, 'pay compensation', 'reject request')).toBe(false);
    expect(footprint.causal.length + footprint.parallel.length).toBe(16);
  });
});

describe('alpha miner on small logs', () => {
  it('keeps length-one loops out of places (classic alpha limitation, as in PM4Py)', async () => {
    const { places, net } = alphaMiner(await logOf([['a', 'b', 'b', 'c'], ['a', 'c']]));
    expect(placeSet(places)).toEqual(['{} -> {a}', '{a} -> {c}', '{c} -> {}'].sort());
    expect(net.transitions).toHaveLength(3);
  });

  it('separates parallel branches into their own places', async () => {
    const { places } = alphaMiner(await logOf([['a', 'b', 'c', 'd'], ['a', 'c', 'b', 'd']]));
    expect(placeSet(places)).toEqual(['{} -> {a}', '{a} -> {b}', '{a} -> {c}', '{b} -> {d}', '{c} -> {d}', '{d} -> {}'].sort());
  });

  it('merges exclusive choices into one place', async () => {
    const { places } = alphaMiner(await logOf([['a', 'b', 'd'], ['a', 'c', 'd']]));
    expect(placeSet(places)).toEqual(['{} -> {a}', '{a} -> {b, c}', '{b, c} -> {d}', '{d} -> {}'].sort());
  });

  it('handles names that are not plain identifiers', async () => {
    const { places, net } = alphaMiner(await logOf([['申請受付', '__proto__', '承認'], ['申請受付', 'constructor', '承認']]));
    expect(placeSet(places)).toEqual(['{} -> {申請受付}', '{__proto__, constructor} -> {承認}', '{承認} -> {}', '{申請受付} -> {__proto__, constructor}'].sort());
    expect(petriNetSize(net)).toEqual({ places: 4, transitions: 4, arcs: 8 });
  });
});

/**
 * README reference figures (PM4Py 2.7.11, `discover_petri_net_alpha`). PM4Py counts the
 * source and sink places in `len(net.places)`, and so do we.
 */
const references: Array<{ file: string; format: EventLogFormat; size: { places: number; transitions: number; arcs: number } }> = [
  { file: 'running-example.xes', format: 'xes', size: { places: 7, transitions: 8, arcs: 19 } },
  { file: 'roadtraffic100traces.xes', format: 'xes', size: { places: 10, transitions: 10, arcs: 21 } },
  { file: 'helpdesk.xes.gz', format: 'xes.gz', size: { places: 5, transitions: 14, arcs: 18 } },
  { file: 'bpic2012.xes.gz', format: 'xes.gz', size: { places: 10, transitions: 24, arcs: 35 } },
  { file: 'receipt.csv', format: 'csv', size: { places: 39, transitions: 27, arcs: 137 } },
];

describe.each(references)('alpha miner on $file', ({ file, format, size }) => {
  let log: EventLog;
  beforeAll(async () => {
    log = await load(file, format);
  }, 60_000);

  it('matches the reference places / transitions / arcs, quickly', () => {
    const started = performance.now();
    const { net, places } = alphaMiner(log);
    const elapsedMs = performance.now() - started;
    expect(petriNetSize(net)).toEqual(size);
    expect(places).toHaveLength(size.places);
    // Arcs = sum of the place sets' sizes (every arc touches exactly one place).
    expect(places.reduce((sum, p) => sum + p.inputs.length + p.outputs.length, 0)).toBe(size.arcs);
    // bpic2012 (24 activities, 125 DFG edges, 262,200 events) takes ~20 ms here.
    expect(elapsedMs).toBeLessThan(1_000);
  });
});

describe('alpha miner on interval_event_log.csv', () => {
  let log: EventLog;
  beforeAll(async () => {
    log = await load('interval_event_log.csv', 'csv');
  });

  /**
   * The README's 8 / 8 / 17 comes from PM4Py building the DFG in start-timestamp order (14
   * edges) while taking start/end activities in completion order. We order every event by
   * completion time (one documented order for DFG, variants and Alpha; 15 DFG edges): there
   * 'send invoice' sometimes completes before 'place order', so the two are parallel and the
   * place ({place order}, {send invoice}) of the start-order net, with its two arcs, does not
   * exist. 7 / 8 / 15 is the right figure for our ordering.
   */
  it('gives 7 / 8 / 15 in completion order', () => {
    const { net, places } = alphaMiner(log);
    expect(petriNetSize(net)).toEqual({ places: 7, transitions: 8, arcs: 15 });
    expect(places[0]).toEqual({ inputs: [], outputs: ['place order', 'send invoice'] });
    expect(places.some((p) => p.inputs.join() === 'place order' && p.outputs.join() === 'send invoice')).toBe(false);
  });

  it("reproduces PM4Py's 8 / 8 / 17 from its mixed ordering", () => {
    const startOrderDfg = new Map<string, { from: string; to: string; frequency: number }>();
    const starts = new Set<string>();
    const ends = new Set<string>();
    for (let c = 0; c + 1 < log.caseOffsets.length; c++) {
      const events: number[] = [];
      for (let e = log.caseOffsets[c]!; e < log.caseOffsets[c + 1]!; e++) events.push(e);
      starts.add(log.activities[log.activityCodes[events[0]!]!]!);
      ends.add(log.activities[log.activityCodes[events.at(-1)!]!]!);
      events.sort((x, y) => log.startTimestamps![x]! - log.startTimestamps![y]!);
      for (let i = 1; i < events.length; i++) {
        const from = log.activities[log.activityCodes[events[i - 1]!]!]!;
        const to = log.activities[log.activityCodes[events[i]!]!]!;
        const edge = startOrderDfg.get(`${from}\u0000${to}`) ?? { from, to, frequency: 0 };
        edge.frequency++;
        startOrderDfg.set(`${from}\u0000${to}`, edge);
      }
    }
    expect(startOrderDfg.size).toBe(14);
    const { net, places } = alphaMinerFromDfg({ dfg: [...startOrderDfg.values()], startActivities: [...starts], endActivities: [...ends] });
    expect(petriNetSize(net)).toEqual({ places: 8, transitions: 8, arcs: 17 });
    expect(places).toContainEqual({ inputs: ['place order'], outputs: ['send invoice'] });
  });
});
