import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { phaseFailure } from '../../../functions/domain/failures.ts';
import { analyseBehaviour } from '../../../functions/mining/analysis/analyse-behaviour.ts';
import { analysePerformance } from '../../../functions/mining/analysis/analyse-performance.ts';
import { discoverProcess } from '../../../functions/mining/analysis/discover-process.ts';
import { readEventLog } from '../../../functions/mining/ingest/read-event-log.ts';
import { deserializeEventLog, serializeEventLog } from '../../../functions/mining/log/event-log-codec.ts';
import { NoTimestampsError } from '../../../functions/mining/log/event-log-builder.ts';
import { hasTimestamps, type EventLog } from '../../../functions/mining/log/event-log.ts';
import { evaluatePredictions } from '../../../functions/mining/ml/transition-system-prediction.ts';
import { DATASETS_DIR, bytes } from './helpers.ts';

const runningExample = readFileSync(join(DATASETS_DIR, 'running-example.xes'), 'utf8');
/** The running example with every `time:timestamp` removed: what a generated or model-checking log looks like. */
const untimedXes = runningExample.replace(/\s*<date key="time:timestamp"[^>]*\/>/g, '');

/** Traces of an XES text in file order, read with a regex: an oracle independent of the engine's reader. */
function tracesOf(xes: string): { caseId: string; activities: string[] }[] {
  return [...xes.matchAll(/<trace>([\s\S]*?)<\/trace>/g)].map((m) => {
    const body = m[1]!;
    const caseId = /<string key="concept:name" value="([^"]*)"\/>\s*<event>/.exec(body)?.[1] ?? /<string key="concept:name" value="([^"]*)"/.exec(body)![1]!;
    const activities = [...body.matchAll(/<event>([\s\S]*?)<\/event>/g)].map((e) => /<string key="concept:name" value="([^"]*)"/.exec(e[1]!)![1]!);
    return { caseId, activities };
  });
}

const sequences = (log: EventLog) =>
  log.caseIds.map((caseId, c) => ({
    caseId,
    activities: Array.from(log.activityCodes.subarray(log.caseOffsets[c]!, log.caseOffsets[c + 1]!), (a) => log.activities[a]!),
  }));

function expectedDfg(traces: string[][]): Map<string, number> {
  const dfg = new Map<string, number>();
  for (const t of traces) for (let i = 1; i < t.length; i++) dfg.set(`${t[i - 1]}>${t[i]}`, (dfg.get(`${t[i - 1]}>${t[i]}`) ?? 0) + 1);
  return dfg;
}

function expectedVariants(traces: string[][]): Map<string, number> {
  const variants = new Map<string, number>();
  for (const t of traces) variants.set(t.join(','), (variants.get(t.join(',')) ?? 0) + 1);
  return variants;
}

/** Every number in a JSON-able value, with its path, that is NaN or infinite (JSON would turn it into null silently). */
function nonFiniteNumbers(value: unknown, path = '$'): string[] {
  if (typeof value === 'number') return Number.isFinite(value) ? [] : [path];
  if (Array.isArray(value)) return value.flatMap((v, i) => nonFiniteNumbers(v, `${path}[${i}]`));
  if (value !== null && typeof value === 'object') return Object.entries(value).flatMap(([k, v]) => nonFiniteNumbers(v, `${path}.${k}`));
  return [];
}

describe('an XES log without timestamps (the running example stripped of time:timestamp)', async () => {
  const { log, validation } = await readEventLog(bytes(untimedXes, 4096), { format: 'xes' });
  const { log: timed } = await readEventLog(bytes(runningExample), { format: 'xes' });
  const oracle = tracesOf(untimedXes);

  it('keeps every event, in file order within each case, cases in order of appearance', () => {
    expect(untimedXes).not.toContain('time:timestamp');
    expect(hasTimestamps(log)).toBe(false);
    expect(log.caseIds.length).toBe(6);
    expect(log.activityCodes.length).toBe(42);
    expect(sequences(log)).toEqual(oracle);
    expect(Array.from(log.timestamps).every(Number.isNaN)).toBe(true);
  });

  it('reports "no timestamps" as its own category, not as errors', () => {
    expect(validation).toEqual({
      recordsLoaded: 42,
      validRecords: 42,
      errorRecords: 0,
      errorsByType: [],
      inferredTimestamps: 0,
      outsideTimeWindow: 0,
      recordsWithoutTimestamp: 42,
      dataQualityScore: 100,
    });
  });

  it('discovers the same activities, DFG, variants and models as the file order gives (and as the timed log, whose order coincides)', () => {
    const traces = oracle.map((t) => t.activities);
    // The running example lists each trace's events in time order, so PM4Py's figures for the timed log apply.
    expect(sequences(timed).map((s) => s.activities)).toEqual(traces);

    const untimedResult = discoverProcess(log);
    const timedResult = discoverProcess(timed);
    const d = untimedResult.discovery;
    expect(d.cases).toBe(6);
    expect(d.events).toBe(42);
    expect(new Map(d.dfg.map((e) => [`${e.from}>${e.to}`, e.frequency]))).toEqual(expectedDfg(traces));
    expect(d.dfg.every((e) => e.meanTransitionMs === null)).toBe(true);
    expect(new Map(d.variants!.top.map((v) => [v.activities.join(','), v.count]))).toEqual(expectedVariants(traces));
    expect(d.variants!.total).toBe(expectedVariants(traces).size);

    const t = timedResult.discovery;
    expect(d.activities).toEqual(t.activities);
    expect(d.startActivities).toEqual(t.startActivities);
    expect(d.endActivities).toEqual(t.endActivities);
    expect(d.dfg.map(({ from, to, frequency }) => ({ from, to, frequency }))).toEqual(t.dfg.map(({ from, to, frequency }) => ({ from, to, frequency })));
    expect(d.variants).toEqual(t.variants);
    expect(d.alphaNet).toEqual(t.alphaNet);
    expect(d.heuristicsNet).toEqual(t.heuristicsNet);
    expect(d.inductive?.processTree).toBe(t.inductive?.processTree);
    expect(d.inductive?.fitness.logFitness).toBe(1);
    expect(untimedResult.warnings).toContainEqual(expect.stringMatching(/no timestamps/));
    expect(timedResult.warnings).toEqual([]);
  });

  it('leaves every time figure null or empty, with a warning, and no NaN anywhere', () => {
    const performance = analysePerformance(log);
    expect(performance.caseDurations).toBeNull();
    expect(performance.bottlenecks).toEqual([]);
    expect(performance.activityPerformance.totalCaseSeconds).toBeNull();
    for (const a of performance.activityPerformance.activities) expect([a.service, a.waiting, a.sojourn]).toEqual([null, null, null]);
    expect(performance.activityPerformance.activities.reduce((s, a) => s + a.occurrences, 0)).toBe(42);
    for (const r of performance.resourceWorkload.resources) expect([r.activeSpanSeconds, r.busySeconds, r.utilisation]).toEqual([null, null, null]);
    expect(performance.resourceWorkload.resources.reduce((s, r) => s + r.events, 0)).toBe(42);
    // Rework needs only the order of events.
    expect(performance.rework).toEqual(analysePerformance(timed).rework);
    expect(performance.warnings).toEqual([expect.stringMatching(/no timestamps/)]);
    expect(nonFiniteNumbers(performance)).toEqual([]);
    expect(analysePerformance(timed).warnings).toEqual([]);

    const behaviour = analyseBehaviour(log, discoverProcess(log).heuristicsPetriNet, { anomalies: true, predictions: true });
    expect(behaviour.anomalies!.some((a) => a.rule === 'CycleTimeOutlier')).toBe(false);
    expect(behaviour.conformance.cases).toBe(6);
    expect(behaviour.warnings).toEqual([expect.stringMatching(/cycle-time outlier/), expect.stringMatching(/remaining-time prediction/)]);
    expect(nonFiniteNumbers(behaviour)).toEqual([]);
  });

  it('survives the checkpoint between phases', () => {
    const restored = deserializeEventLog(serializeEventLog(log));
    expect(hasTimestamps(restored)).toBe(false);
    expect(sequences(restored)).toEqual(oracle);
    expect(hasTimestamps(deserializeEventLog(serializeEventLog(timed)))).toBe(true);
  });

  it('refuses a time window, with a failure code of its own', async () => {
    const error = await readEventLog(bytes(untimedXes), { format: 'xes', timeWindow: { start: 0 } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(NoTimestampsError);
    expect(phaseFailure(error)).toMatchObject({ code: 'NoTimestamps', message: expect.stringMatching(/no timestamps.*timeWindow/) });
  });
});

describe('a CSV without a timestamp column', () => {
  // Cases interleaved, as event streams are: file order within each case is the only order there is.
  const rows = ['case_id,activity,resource'];
  const traces: string[][] = [];
  for (let c = 0; c < 24; c++) traces.push(c % 3 === 0 ? ['register', 'check', 'decide', 'pay'] : c % 3 === 1 ? ['register', 'check', 'check', 'decide'] : ['register', 'decide', 'reject']);
  for (let step = 0; step < 4; step++) {
    for (let c = 0; c < traces.length; c++) if (step < traces[c]!.length) rows.push(`case-${c},${traces[c]![step]},r${(c + step) % 3}`);
  }
  const csv = rows.join('\n');

  it('is a log in file order, not an error', async () => {
    const { log, validation } = await readEventLog(bytes(csv, 97), { format: 'csv' });
    expect(hasTimestamps(log)).toBe(false);
    expect(log.caseIds).toEqual(traces.map((_, c) => `case-${c}`));
    expect(sequences(log).map((s) => s.activities)).toEqual(traces);
    expect(validation).toMatchObject({ recordsLoaded: 88, validRecords: 88, errorRecords: 0, recordsWithoutTimestamp: 88, dataQualityScore: 100 });
    const { discovery } = discoverProcess(log);
    expect(new Map(discovery.dfg.map((e) => [`${e.from}>${e.to}`, e.frequency]))).toEqual(expectedDfg(traces));
    expect(discovery.variants!.total).toBe(3);
    expect(discovery.startActivities).toEqual({ register: 24 });
    expect(discovery.endActivities).toEqual({ pay: 8, decide: 8, reject: 8 });
  });

  it('predicts next activities with cases in file order, and no remaining time', async () => {
    const { log } = await readEventLog(bytes(csv), { format: 'csv' });
    const predictions = evaluatePredictions(log)!;
    expect(predictions.meanAbsoluteErrorSeconds).toBeNull();
    expect(predictions.selection.every((s) => s.meanAbsoluteErrorSeconds === null)).toBe(true);
    // Train on the first 19 cases in file order, test on the last 5.
    expect([predictions.trainCases, predictions.testCases]).toEqual([19, 5]);
    expect(predictions.accuracy).toBeGreaterThan(0.5);
  });

  it('still needs a mapped timestamp column to exist', async () => {
    await expect(readEventLog(bytes(csv), { format: 'csv', columnMapping: { timestamp: 'when' } })).rejects.toThrow(/timestamp/);
  });

  it('keeps unparsable values as errors of their own when no record has a valid timestamp', async () => {
    const { log, validation } = await readEventLog(bytes('case,activity,timestamp\nc1,a,\nc1,b,yesterday\nc2,a,\n'), { format: 'csv' });
    expect(hasTimestamps(log)).toBe(false);
    expect(log.activityCodes.length).toBe(3);
    expect(validation).toMatchObject({ recordsLoaded: 3, validRecords: 2, errorRecords: 1, recordsWithoutTimestamp: 3 });
    expect(validation.errorsByType).toEqual([{ type: 'UnparsableTimestamp', count: 1, resolved: true }]);
  });
});

describe('a mixed log (some records with timestamps, some without)', () => {
  it('keeps today\'s inference: records before any timestamp are dropped, later ones inferred', async () => {
    const csv = [
      'case,activity,timestamp',
      'c0,only-before,', // no timestamp seen anywhere yet, nothing to infer from: dropped
      'c1,a,', // idem
      'c1,b,2024-01-01T00:00:00Z',
      'c1,c,', // inferred from c1's previous record
      'c2,a,2024-01-01T01:00:00Z',
    ].join('\n');
    const { log, validation } = await readEventLog(bytes(csv, 7), { format: 'csv' });
    expect(hasTimestamps(log)).toBe(true);
    expect(log.caseIds).toEqual(['c1', 'c2']);
    // The activity table holds only what the log has: the dropped records left no trace.
    expect(log.activities).toEqual(['b', 'c', 'a']);
    expect(sequences(log).map((s) => s.activities)).toEqual([['b', 'c'], ['a']]);
    expect(validation).toMatchObject({ recordsLoaded: 5, validRecords: 2, errorRecords: 3, inferredTimestamps: 1, recordsWithoutTimestamp: 0 });
    expect(validation.errorsByType).toEqual([
      { type: 'MissingTimestamp', count: 1, resolved: true },
      { type: 'MissingTimestamp', count: 2, resolved: false },
    ]);
  });

  it('applies a time window as before', async () => {
    const csv = 'case,activity,timestamp\nc1,a,\nc1,b,2024-01-01T00:00:00Z\nc1,c,2024-02-01T00:00:00Z\n';
    const { log, validation } = await readEventLog(bytes(csv), { format: 'csv', timeWindow: { end: Date.UTC(2024, 0, 15) } });
    expect(sequences(log).map((s) => s.activities)).toEqual([['b']]);
    expect(validation).toMatchObject({ outsideTimeWindow: 1, recordsWithoutTimestamp: 0 });
  });
});
