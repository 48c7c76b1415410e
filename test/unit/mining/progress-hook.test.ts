import { describe, expect, it } from 'vitest';
import { analyseBehaviour, behaviourModels } from '../../../functions/mining/analysis/analyse-behaviour.ts';
import { analysePerformance } from '../../../functions/mining/analysis/analyse-performance.ts';
import { recommendationsOf, renderReports, reportInputOf } from '../../../functions/mining/analysis/analysis-report.ts';
import { discoverProcess } from '../../../functions/mining/analysis/discover-process.ts';
import { readEventLog } from '../../../functions/mining/ingest/read-event-log.ts';
import { PROGRESS_EVERY, runStepsYielding, type ProgressHook } from '../../../functions/mining/progress.ts';
import { discoverProcessSteps } from '../../../functions/mining/analysis/discover-process.ts';
import { bytes, readDataset } from './helpers.ts';
import { SAFE_POINT_EXPANSIONS } from '../../../functions/mining/conformance/align-log.ts';

/** A hook that keeps every call. */
function recorder() {
  const calls: Array<{ done: number; total: number; activity: string }> = [];
  const hook: ProgressHook = (done, total, activity) => void calls.push({ done, total, activity });
  return { calls, hook };
}

/** Every call is within bounds, `done` never decreases, and the last call reports all done. */
function expectMeasured(calls: Array<{ done: number; total: number; activity: string }>) {
  expect(calls.length).toBeGreaterThan(1);
  for (const [i, call] of calls.entries()) {
    expect(call.done).toBeGreaterThanOrEqual(0);
    expect(call.done).toBeLessThanOrEqual(call.total);
    expect(call.activity.length).toBeGreaterThan(0);
    if (i > 0) expect(call.done).toBeGreaterThanOrEqual(calls[i - 1]!.done);
  }
  expect(calls.at(-1)!.done).toBe(calls.at(-1)!.total);
}

function syntheticCsv(cases: number): string {
  const lines = ['case:concept:name,concept:name,time:timestamp,org:resource'];
  for (let c = 0; c < cases; c += 1) {
    const start = Date.UTC(2025, 0, 1) + c * 60_000;
    const path = c % 3 === 0 ? ['Submit', 'Check', 'Rework', 'Check', 'Approve'] : ['Submit', 'Check', 'Approve'];
    path.forEach((activity, i) => lines.push(`c${c},${activity},${new Date(start + i * 3_600_000 * (1 + (c % 5))).toISOString()},r${(c + i) % 4}`));
  }
  return `${lines.join('\n')}\n`;
}

describe('the engine progress hook', () => {
  it('is called by ingest every 65,536 records and once at the end', async () => {
    const seen: number[] = [];
    await readEventLog(bytes(syntheticCsv(25_000)), { format: 'csv', onProgress: (records) => seen.push(records) });
    expect(seen.slice(0, -1).every((n) => n % PROGRESS_EVERY === 0)).toBe(true);
    expect(seen.at(-1)).toBe(25_000 * 3 + Math.ceil(25_000 / 3) * 2);
  });

  it('is called by discovery, performance, the models and report rendering, per sub-step, in order', async () => {
    const { log } = await readEventLog(bytes(syntheticCsv(300)), { format: 'csv' });
    const discovery = recorder();
    const discovered = discoverProcess(log, { progress: discovery.hook });
    expectMeasured(discovery.calls);
    expect(discovery.calls.map((c) => c.activity)).toContain('Running the Inductive Miner');

    const performance = recorder();
    const analysedPerformance = analysePerformance(log, 5, { progress: performance.hook });
    expectMeasured(performance.calls);

    const behaviour = recorder();
    const options = { anomalies: true, predictions: true };
    const analysed = analyseBehaviour(log, discovered.heuristicsPetriNet, { ...options, progress: behaviour.hook });
    expectMeasured(behaviour.calls);
    // One call per model before it runs, then the end: the hook's `done` counts models completed.
    expect(behaviour.calls.slice(0, -1).map((c) => c.activity)).toEqual(behaviourModels(options));
    expect(behaviour.calls.map((c) => c.done)).toEqual([0, 1, 2, 3]);

    const report = recorder();
    const documents = {
      discovery: discovered.discovery,
      performance: analysedPerformance,
      behaviour: analysed,
      anomalies: analysed.anomalies,
      alphaNet: discovered.alphaNet,
      heuristicsNet: discovered.heuristicsPetriNet,
      inductiveNet: discovered.inductivePetriNet,
      inductiveBpmn: discovered.inductiveBpmn,
    };
    const input = reportInputOf(documents, 'progress', '2026-01-01T00:00:00.000Z', null, recommendationsOf(documents, null));
    await renderReports(documents, input, ['CSV', 'PNML'], { visualizations: false, progress: report.hook });
    expect(report.calls).toEqual([
      { done: 0, total: 2, activity: 'Writing the anomalies CSV' },
      { done: 1, total: 2, activity: 'Exporting the process models' },
      { done: 2, total: 2, activity: 'Reports rendered' },
    ]);
  });

  it('stops the engine at a safe point when the hook throws', () => {
    return readEventLog(bytes(syntheticCsv(2_000)), { format: 'csv' }).then(({ log }) => {
      let calls = 0;
      const stop: ProgressHook = () => {
        calls += 1;
        if (calls === 2) throw new Error('cancelled');
      };
      expect(() => discoverProcess(log, { progress: stop })).toThrow('cancelled');
      expect(calls).toBe(2);
    });
  });

  it('reaches safe points inside the alignment step, which stop it when the hook throws', async () => {
    // receipt's IMf net: 180,244 expansions, so a safe point every 10,000 or so.
    const { log } = await readDataset('receipt.csv', 'csv');
    const aligning = 'Aligning the log on the Inductive net';
    const options = { noiseThreshold: 0.2, alignments: true } as const;
    const discovery = recorder();
    const discovered = discoverProcess(log, { ...options, progress: discovery.hook });
    expectMeasured(discovery.calls);
    const inStep = discovery.calls.filter((c) => c.activity === aligning);
    // Named when it starts, then again at each safe point, with the same steps done: a safe point is not a step.
    expect(inStep.length).toBeGreaterThan(1);
    expect(inStep.length - 1).toBeLessThanOrEqual(discovered.discovery.inductive!.alignments!.expansions.total / SAFE_POINT_EXPANSIONS);
    expect(new Set(inStep.map((c) => c.done))).toEqual(new Set([5]));

    let seen = 0;
    const stopInside: ProgressHook = (_done, _total, activity) => {
      if (activity === aligning && ++seen === 2) throw new Error('cancelled');
    };
    expect(() => discoverProcess(log, { ...options, progress: stopInside })).toThrow('cancelled');
  });

  it('gives the event loop a turn between steps when run yielding, with the same result', async () => {
    const { log } = await readEventLog(bytes(syntheticCsv(300)), { format: 'csv' });
    // Counts turns of the event loop: an immediate that queues itself runs once per turn. (A 0 ms
    // interval did not always fire: the whole discovery of 300 cases can take under its 1 ms.)
    let turns = 0;
    let pending: NodeJS.Immediate;
    const tick = () => {
      turns += 1;
      pending = setImmediate(tick);
    };
    pending = setImmediate(tick);
    const seen: number[] = [];
    const stepwise = await runStepsYielding(discoverProcessSteps(log), () => seen.push(turns));
    clearImmediate(pending);
    // The loop turned between the first step and the last.
    expect(seen.at(-1)!).toBeGreaterThan(seen[0]!);
    expect(stepwise.discovery).toEqual(discoverProcess(log).discovery);
  });
});
