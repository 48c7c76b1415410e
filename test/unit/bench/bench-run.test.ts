import { spawnSync } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { BenchReport, BenchResult } from '../../../bench/run.ts';
import { DATASETS_DIR, readDataset } from '../mining/helpers.ts';

// The benchmark as `npm run bench` runs it, on the smallest shared log: the figures it reports
// (never its speed, which is the benchmark's business, not a test's).
describe('npm run bench', () => {
  it('runs the analysis and the report in processes of their own, the asked number of times, and reports both peaks', async () => {
    const run = spawnSync(process.execPath, ['--import', 'tsx', 'bench/run.ts', '--json', '--log', join(DATASETS_DIR, 'running-example.xes'), '--repeat', '2'], { encoding: 'utf8' });
    expect(run.status, run.stderr).toBe(0);
    const { machine, repeat, results } = JSON.parse(run.stdout) as BenchReport;
    // Where and when it ran, as the README reports the figures.
    expect(machine).toMatchObject({ node: process.version, v8: process.versions.v8, cores: cpus().length, memoryBytes: totalmem() });
    expect(machine.cpu.length).toBeGreaterThan(0);
    expect(machine.loadAverage).toBeGreaterThanOrEqual(0);
    expect(Date.now() - Date.parse(machine.startedAt)).toBeGreaterThan(0);
    expect(Date.now() - Date.parse(machine.startedAt)).toBeLessThan(60_000);
    expect(repeat).toBe(2);
    expect(results).toHaveLength(1);
    const [result] = results as [BenchResult];
    const { log } = await readDataset('running-example.xes', 'xes');
    expect({ name: result.name, events: result.events, cases: result.cases }).toEqual({ name: 'running-example.xes', events: log.activityCodes.length, cases: log.caseIds.length });
    const { ingest, discovery, performance, anomalies, report, total } = result.seconds;
    for (const seconds of [ingest, discovery, performance, anomalies, report]) expect(seconds).toBeGreaterThan(0);
    expect(total).toBeCloseTo(ingest + discovery + performance + anomalies + report, 9);
    expect(result.eventsPerSecond).toBe(Math.round(result.events / (ingest + discovery + performance + anomalies)));
    // The figures are the fastest of the two runs; the median of two lies between them.
    expect(result.medianEventsPerSecond).toBeGreaterThan(0);
    expect(result.medianEventsPerSecond).toBeLessThanOrEqual(result.eventsPerSecond);
    // The second pass in the same process is measured on its own: a positive rate, not folded into the first.
    expect(Number.isInteger(result.warmEventsPerSecond) && result.warmEventsPerSecond > 0).toBe(true);
    expect(result.peakRssBytes).toBeGreaterThanOrEqual(result.baselineRssBytes);
    expect(result.reportPeakRssBytes).toBeGreaterThanOrEqual(result.reportBaselineRssBytes);
    const perEvent = Math.max(result.peakRssBytes - result.baselineRssBytes, result.reportPeakRssBytes - result.reportBaselineRssBytes) / result.events;
    expect(result.bytesPerEvent).toBe(Math.round(perEvent));
  }, 60_000);
});
