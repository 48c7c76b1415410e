import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { variants } from '../../../functions/mining/discovery/variants.ts';
import { readEventLog } from '../../../functions/mining/ingest/read-event-log.ts';
import type { EventLog } from '../../../functions/mining/log/event-log.ts';
import { cycleTimeOutliers, detectAnomalies, modelDeviations, rareVariantCases } from '../../../functions/mining/ml/anomalies.ts';
import { ReplayNetError, type ReplayNet } from '../../../functions/mining/ml/replay-net.ts';
import { tokenReplay } from '../../../functions/mining/ml/token-replay.ts';
import { DATASETS_DIR, bytes } from './helpers.ts';

async function csvLog(lines: string[]): Promise<EventLog> {
  return (await readEventLog(bytes(['case,activity,timestamp', ...lines].join('\n')), { format: 'csv' })).log;
}

/** Traces as `id:ABC`, one second per event. */
function traces(...specs: string[]): Promise<EventLog> {
  const lines: string[] = [];
  for (const spec of specs) {
    const [id, activities] = spec.split(':') as [string, string];
    [...activities].forEach((a, i) => lines.push(`${id},${a},${i}`));
  }
  return csvLog(lines);
}

/** i -A-> p1 -B-> p2 -C-> o, plus optional extra transitions and arcs. */
function sequenceNet(extra: Pick<ReplayNet, 'transitions' | 'arcs'> = { transitions: [], arcs: [] }): ReplayNet {
  return {
    places: ['i', 'p1', 'p2', 'o'],
    transitions: [{ id: 'tA', label: 'A' }, { id: 'tB', label: 'B' }, { id: 'tC', label: 'C' }, ...extra.transitions],
    arcs: [
      { source: 'i', target: 'tA' },
      { source: 'tA', target: 'p1' },
      { source: 'p1', target: 'tB' },
      { source: 'tB', target: 'p2' },
      { source: 'p2', target: 'tC' },
      { source: 'tC', target: 'o' },
      ...extra.arcs,
    ],
    initialMarking: { i: 1 },
    finalMarking: { o: 1 },
  };
}

describe('token-based replay', () => {
  it('gives a perfectly fitting trace fitness 1', async () => {
    const result = tokenReplay(await traces('t1:ABC'), sequenceNet());
    expect(result.cases).toEqual([{ caseId: 't1', fitness: 1, missing: 0, consumed: 4, remaining: 0, produced: 4, activitiesNotInModel: 0 }]);
    expect(result.logFitness).toBe(1);
    expect(result.fittingCases).toBe(1);
  });

  it('penalises a skipped step (hand-computed)', async () => {
    // A: consumes i, produces p1. C: p2 is empty, 1 missing; produces o. End: o consumed by the
    // final marking, p1 remains. p = 1 initial + 3 fired = 3, c = 2 fired + 1 final = 3.
    // fitness = 1/2 (1 - 1/3) + 1/2 (1 - 1/3) = 2/3.
    const result = tokenReplay(await traces('t1:AC', 't2:ABC'), sequenceNet());
    expect(result.cases[0]).toEqual({ caseId: 't1', fitness: expect.closeTo(2 / 3, 12), missing: 1, consumed: 3, remaining: 1, produced: 3, activitiesNotInModel: 0 });
    // Log fitness over summed tokens: m 1, c 7, r 1, p 7.
    expect(result.logFitness).toBeCloseTo(1 - 1 / 7, 12);
    expect(result.averageFitness).toBeCloseTo((2 / 3 + 1) / 2, 12);
    expect(result.fittingCases).toBe(1);
  });

  it('penalises an unfinished case and a repeated step', async () => {
    // AB: p2 remains, o missing at the end: c = 2 + 1, m = 1, p = 3, r = 1.
    // ABBC: the second B lacks p1 (m 1) and leaves an extra p2 token (r 1): c 5, p 5.
    const result = tokenReplay(await traces('u:AB', 'v:ABBC'), sequenceNet());
    expect(result.cases.map((c) => [c.missing, c.consumed, c.remaining, c.produced])).toEqual([
      [1, 3, 1, 3],
      [1, 5, 1, 5],
    ]);
    expect(result.cases[1]!.fitness).toBeCloseTo(0.8, 12);
  });

  it('fires silent transitions to enable a step and to reach the final marking', async () => {
    // A silent skip of B: p1 -tau-> p2.
    const skip = sequenceNet({ transitions: [{ id: 'tau', label: null }], arcs: [{ source: 'p1', target: 'tau' }, { source: 'tau', target: 'p2' }] });
    expect(tokenReplay(await traces('t:AC'), skip).cases[0]).toMatchObject({ fitness: 1, missing: 0, consumed: 4, remaining: 0, produced: 4 });
    // A flower net: i -tau-> centre, every activity loops on centre, centre -tau-> o.
    const flower: ReplayNet = {
      places: ['i', 'centre', 'o'],
      transitions: [
        { id: 'in', label: null },
        { id: 'out', label: null },
        ...['A', 'B', 'C'].map((a) => ({ id: a, label: a })),
      ],
      arcs: [
        { source: 'i', target: 'in' },
        { source: 'in', target: 'centre' },
        { source: 'centre', target: 'out' },
        { source: 'out', target: 'o' },
        ...['A', 'B', 'C'].flatMap((a) => [
          { source: 'centre', target: a },
          { source: a, target: 'centre' },
        ]),
      ],
      initialMarking: { i: 1 },
      finalMarking: { o: 1 },
    };
    const result = tokenReplay(await traces('x:CBA', 'y:AAB'), flower);
    expect(result.cases.map((c) => c.fitness)).toEqual([1, 1]);
  });

  it('skips activities outside the model but counts them', async () => {
    const result = tokenReplay(await traces('t:ABXC'), sequenceNet());
    expect(result.cases[0]).toMatchObject({ fitness: 1, activitiesNotInModel: 1 });
    expect(result.fittingCases).toBe(0);
  });

  it('rejects malformed nets', () => {
    const net = sequenceNet();
    expect(() => tokenReplay({ ...emptyLog() }, { ...net, arcs: [{ source: 'i', target: 'p1' }] })).toThrow(ReplayNetError);
    expect(() => tokenReplay(emptyLog(), { ...net, initialMarking: { nowhere: 1 } })).toThrow(ReplayNetError);
  });
});

describe('anomaly rules', () => {
  it('flags cases below the fitness threshold with severity by fitness', async () => {
    const log = await traces('ok:ABC', 'skip:AC', 'unknown:ABXC', 'wrong:CBA');
    const anomalies = modelDeviations(log, sequenceNet());
    expect(anomalies.map((a) => [a.caseId, a.severity, a.score])).toEqual([
      ['skip', 'Medium', 0.3333],
      ['unknown', 'Medium', 0],
      // CBA: C lacks p2, B lacks p1, A consumes i; c 4, m 2; p 4, r 2 (p1, p2): fitness 0.5.
      ['wrong', 'Medium', 0.5],
    ]);
    expect(anomalies.every((a) => a.rule === 'LowReplayFitness')).toBe(true);
    expect(anomalies[0]!.reason).toContain('1 missing of 3 consumed');
    expect(modelDeviations(log, sequenceNet(), { fitnessThreshold: 0.6 }).map((a) => a.caseId)).toEqual(['unknown', 'wrong']);
  });

  it('flags rare variants', async () => {
    // 2 of 303 cases is under 1%.
    const specs = Array.from({ length: 300 }, (_, i) => `c${i}:ABC`);
    const log = await traces(...specs, 'odd:ACB', 'twin1:AB', 'twin2:AB');
    expect(rareVariantCases(log).map((a) => [a.caseId, a.severity])).toEqual([
      ['odd', 'Medium'],
      ['twin1', 'Low'],
      ['twin2', 'Low'],
    ]);
  });

  it('flags cycle-time outliers against cases of the same variant', async () => {
    // 30 ABC cases lasting 100 to 129 s and one of 100,000 s; 5 AB cases (too few for a
    // baseline of their own) are judged against the whole log.
    const lines: string[] = [];
    for (let i = 0; i < 30; i++) lines.push(`n${i},A,0`, `n${i},B,50`, `n${i},C,${100 + i}`);
    lines.push('slow,A,0', 'slow,B,50', 'slow,C,100000');
    for (let i = 0; i < 5; i++) lines.push(`s${i},A,0`, `s${i},B,${110 + i}`);
    const log = await csvLog(lines);
    const outliers = cycleTimeOutliers(log);
    expect(outliers.map((a) => [a.caseId, a.rule, a.severity])).toEqual([['slow', 'CycleTimeOutlier', 'High']]);
    expect(outliers[0]!.reason).toContain('of the 31 cases of its variant');
    expect(cycleTimeOutliers(log, { baseline: 'log' }).map((a) => a.caseId)).toEqual(['slow']);
    expect(detectAnomalies(log, { net: sequenceNet() }).filter((a) => a.rule === 'LowReplayFitness')).toHaveLength(5);
  });
});

describe('anomalies on bpic2012', () => {
  let bpic: EventLog;
  beforeAll(async () => {
    bpic = (await readEventLog(createReadStream(join(DATASETS_DIR, 'bpic2012.xes.gz')), { format: 'xes.gz' })).log;
  });

  it('replays 13,087 cases quickly; the top variant fits its own sequence net', () => {
    const top = variants(bpic, { limit: 1 }).top[0]!;
    const places = top.activities.map((_, i) => `p${i}`).concat(`p${top.activities.length}`);
    const net: ReplayNet = {
      places,
      transitions: top.activities.map((a, i) => ({ id: `t${i}`, label: a })),
      arcs: top.activities.flatMap((_, i) => [
        { source: `p${i}`, target: `t${i}` },
        { source: `t${i}`, target: `p${i + 1}` },
      ]),
      initialMarking: { p0: 1 },
      finalMarking: { [`p${top.activities.length}`]: 1 },
    };
    const started = performance.now();
    const replay = tokenReplay(bpic, net);
    const anomalies = modelDeviations(bpic, net, { replay });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(replay.cases).toHaveLength(13_087);
    expect(replay.fittingCases).toBe(top.count);
    for (const c of replay.cases) expect(c.fitness).toBeGreaterThanOrEqual(0);
    expect(anomalies.length).toBeGreaterThan(0);
    expect(anomalies.length).toBeLessThanOrEqual(13_087 - top.count);
  });

  it('runs the statistical rules quickly', () => {
    const started = performance.now();
    const outliers = cycleTimeOutliers(bpic);
    const rare = rareVariantCases(bpic);
    expect(performance.now() - started).toBeLessThan(2000);
    expect(outliers.length).toBeGreaterThan(0);
    expect(outliers.length).toBeLessThan(13_087 * 0.05);
    expect(rare.length).toBeGreaterThan(0);
  });
});

function emptyLog(): EventLog {
  return {
    caseIds: [],
    caseOffsets: new Uint32Array([0]),
    activities: [],
    activityCodes: new Uint32Array(0),
    timestamps: new Float64Array(0),
    startTimestamps: null,
    resources: [],
    resourceCodes: new Uint32Array(0),
    lifecycles: [],
    lifecycleCodes: new Uint32Array(0),
  };
}
