/**
 * End-to-end benchmark of the mining engine: ingest → discovery → performance → anomalies →
 * report, per log, each log in a fresh child process so that its peak RSS is its own.
 *
 *   npm run --silent bench -- [--json] [--log <path>] [--events <n>] [--repeat <n>]
 *
 * Without --log: bpic2012.xes.gz and receipt.csv from ../shared/datasets, plus a synthetic
 * CSV (default 2,000,000 events, seed 1) written to a temp dir and removed afterwards.
 * --json prints exactly one JSON object on stdout; progress and notes go to stderr.
 * --repeat n runs each log n times, each in a fresh process, and reports the fastest run.
 * Modules other engineers are still writing (miners, further performance analyses, report)
 * are imported dynamically and skipped with a note when absent.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { readEventLog, type EventLogFormat } from '../functions/mining/ingest/read-event-log.ts';
import { activityCounts, endActivities, startActivities } from '../functions/mining/discovery/activity-counts.ts';
import { directlyFollowsGraph } from '../functions/mining/discovery/directly-follows-graph.ts';
import { variants } from '../functions/mining/discovery/variants.ts';
import { caseDurationStats } from '../functions/mining/performance/case-duration-stats.ts';
import { cycleTimeOutliers, rareVariantCases } from '../functions/mining/ml/anomalies.ts';
import type { EventLog } from '../functions/mining/log/event-log.ts';
import { writeSyntheticCsv } from './synthetic-log.ts';

export interface BenchResult {
  name: string;
  events: number;
  cases: number;
  seconds: { ingest: number; discovery: number; performance: number; anomalies: number; report: number; total: number };
  eventsPerSecond: number;
  baselineRssBytes: number;
  peakRssBytes: number;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const MINING = join(ROOT, 'functions', 'mining');
const DATASETS = resolve(ROOT, '..', 'shared', 'datasets');
/** Heap for the child: 2M events need well under 1 GB; headroom keeps GC from dominating. */
const CHILD_HEAP_MB = 4096;

const note = (message: string) => process.stderr.write(`${message}\n`);

function formatOf(path: string): EventLogFormat {
  const name = path.toLowerCase();
  if (name.endsWith('.csv.gz')) return 'csv.gz';
  if (name.endsWith('.xes.gz')) return 'xes.gz';
  if (name.endsWith('.csv')) return 'csv';
  if (name.endsWith('.xes')) return 'xes';
  throw new Error(`Cannot tell the format of ${path}: expected .csv, .csv.gz, .xes or .xes.gz`);
}

type Step = (log: EventLog) => unknown;

/** First parameter names of a function, read from its source (compiled TS keeps them). */
function parameterNames(fn: (...args: never[]) => unknown): string[] {
  const match = /^[^(]*\(([^)]*)\)/.exec(fn.toString());
  return (match?.[1] ?? '').split(',').map((p) => p.trim().split(/[\s=:]/)[0] ?? '').filter((p) => p !== '');
}

/** Exported functions of a module whose first parameter is `log`, as one-argument steps. */
type LogFunction = (log: EventLog, extra?: unknown) => unknown;

function logFunctions(module: Record<string, unknown>): Array<[string, LogFunction]> {
  const out: Array<[string, LogFunction]> = [];
  for (const [name, value] of Object.entries(module)) {
    if (typeof value !== 'function' || /^[A-Z]/.test(name)) continue;
    if (parameterNames(value as (...args: never[]) => unknown)[0] === 'log') out.push([name, value as LogFunction]);
  }
  return out;
}

async function importIfPresent(path: string): Promise<Record<string, unknown> | undefined> {
  if (!existsSync(path)) return undefined;
  try {
    return (await import(pathToFileURL(path).href)) as Record<string, unknown>;
  } catch (error) {
    note(`  skipped ${basename(path)}: ${(error as Error).message.split('\n')[0]}`);
    return undefined;
  }
}

/** Steps present in this checkout, resolved once before timing starts. */
async function loadSteps(): Promise<{ discovery: Step[]; performance: Step[]; report: Step[] }> {
  const discovery: Step[] = [
    (log) => [activityCounts(log), startActivities(log), endActivities(log)],
    (log) => directlyFollowsGraph(log),
    (log) => variants(log),
  ];
  for (const [file, name] of [
    ['alpha-miner.ts', 'alphaMiner'],
    ['heuristics-miner.ts', 'heuristicsMiner'],
  ] as const) {
    const module = await importIfPresent(join(MINING, 'discovery', file));
    const miner = module?.[name];
    if (typeof miner === 'function') discovery.push((log) => (miner as Step)(log));
    else note(`  discovery: ${name} not available (functions/mining/discovery/${file}), skipped`);
  }

  const performance: Step[] = [(log) => caseDurationStats(log)];
  const performanceDir = join(MINING, 'performance');
  // Analyses taking (log, instances) share one activity-instance pass, as a caller would.
  const instancesModule = await importIfPresent(join(performanceDir, 'activity-instances.ts'));
  const activityInstances = instancesModule?.['activityInstances'] as ((log: EventLog) => unknown) | undefined;
  const extras: string[] = [];
  const withInstances: Array<(log: EventLog, instances: unknown) => unknown> = [];
  for (const file of readdirSync(performanceDir).filter((f) => f.endsWith('.ts')).sort()) {
    if (file === 'case-duration-stats.ts' || file === 'activity-instances.ts') continue;
    const module = await importIfPresent(join(performanceDir, file));
    if (module === undefined) continue;
    for (const [name, fn] of logFunctions(module)) {
      const params = parameterNames(fn as (...args: never[]) => unknown);
      if (params[1] === 'instances' && activityInstances !== undefined) withInstances.push(fn);
      else performance.push((log) => fn(log));
      extras.push(name);
    }
  }
  if (activityInstances !== undefined) {
    performance.push((log) => {
      const instances = activityInstances(log);
      for (const fn of withInstances) fn(log, instances);
    });
    extras.push('activityInstances');
  }
  note(`  performance: caseDurationStats${extras.length > 0 ? ` + ${extras.join(', ')}` : ''}`);

  const report: Step[] = [];
  const reportDir = join(MINING, 'report');
  if (existsSync(reportDir)) {
    for (const file of readdirSync(reportDir).filter((f) => f.endsWith('.ts') && !f.endsWith('.d.ts')).sort()) {
      // Renderers pull in heavy dependencies (PDF, fonts): import only a module that has a
      // function taking the log, so that the baseline RSS stays that of the engine itself.
      const path = join(reportDir, file);
      if (!/export\s+(async\s+)?function\s+\w+\s*\(\s*log\b/.test(readFileSync(path, 'utf8'))) continue;
      const module = await importIfPresent(path);
      for (const [name, fn] of module === undefined ? [] : logFunctions(module)) {
        report.push((log) => fn(log));
        note(`  report: ${name}`);
      }
    }
  }
  if (report.length === 0) {
    note('  report: no report function takes an EventLog (renderers take a ReportInput nothing builds from a log yet)');
    note('  report: timed as 0');
  }
  return { discovery, performance, report };
}

/** Runs one log in this process (the child side). */
async function runOne(path: string, name: string): Promise<BenchResult> {
  const steps = await loadSteps();
  let peak = 0;
  const sample = () => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  };
  const baselineRssBytes = process.memoryUsage.rss();
  // Between chunks during ingest; the synchronous steps are sampled around each call.
  const timer = setInterval(sample, 5);

  const timed = async (run: () => unknown): Promise<number> => {
    const t = performance.now();
    await run();
    sample();
    return (performance.now() - t) / 1000;
  };
  let log: EventLog | undefined;
  const ingest = await timed(async () => {
    ({ log } = await readEventLog(createReadStream(path, { highWaterMark: 1 << 16 }), { format: formatOf(path) }));
  });
  clearInterval(timer);
  const l = log!;
  const all = (list: Step[]) => async () => {
    for (const step of list) {
      // A module still being written must not sink the whole run.
      try {
        await step(l);
      } catch (error) {
        note(`  a step failed and was skipped: ${(error as Error).message.split('\n')[0]}`);
      }
      sample();
    }
  };
  const discovery = await timed(all(steps.discovery));
  const performanceSeconds = await timed(all(steps.performance));
  const anomalies = await timed(() => [cycleTimeOutliers(l), rareVariantCases(l)]);
  const report = steps.report.length === 0 ? 0 : await timed(all(steps.report));
  const total = ingest + discovery + performanceSeconds + anomalies + report;
  const events = l.activityCodes.length;
  // The kernel's high-water mark also sees peaks between samples; this process ran only this log.
  const peakRssBytes = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  return {
    name,
    events,
    cases: l.caseIds.length,
    seconds: { ingest, discovery, performance: performanceSeconds, anomalies, report, total },
    eventsPerSecond: Math.round(events / (total - report)),
    baselineRssBytes,
    peakRssBytes,
  };
}

/** Runs one log in a fresh child process; its result is the child's last stdout line. */
function runChild(path: string, name: string): Promise<BenchResult> {
  const args = [
    ...process.execArgv.filter((a) => !a.startsWith('--max-old-space-size')),
    `--max-old-space-size=${CHILD_HEAP_MB}`,
    fileURLToPath(import.meta.url),
    '--child',
    path,
    '--name',
    name,
  ];
  return new Promise((resolvePromise, reject) => {
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout.setEncoding('utf8').on('data', (data: string) => (out += data));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code !== 0) return reject(new Error(`benchmark of ${name} failed (exit ${code})`));
      const line = out.trim().split('\n').at(-1) ?? '';
      try {
        resolvePromise(JSON.parse(line) as BenchResult);
      } catch {
        reject(new Error(`benchmark of ${name} printed no result: ${out.slice(0, 200)}`));
      }
    });
  });
}

function table(results: BenchResult[]): string {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  const header = ['log', 'events', 'cases', 'ingest s', 'discov s', 'perf s', 'anom s', 'report s', 'total s'];
  header.push('events/s', 'base MB', 'peak MB');
  const rows = results.map((r) => [
    r.name,
    r.events.toLocaleString('en-US'),
    r.cases.toLocaleString('en-US'),
    r.seconds.ingest.toFixed(3),
    r.seconds.discovery.toFixed(3),
    r.seconds.performance.toFixed(3),
    r.seconds.anomalies.toFixed(3),
    r.seconds.report.toFixed(3),
    r.seconds.total.toFixed(3),
    r.eventsPerSecond.toLocaleString('en-US'),
    mb(r.baselineRssBytes),
    mb(r.peakRssBytes),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
  return [header, ...rows]
    .map((row) => row.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  '))
    .join('\n');
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const option = (flag: string) => {
    const i = argv.indexOf(flag);
    return i >= 0 ? argv[i + 1] : undefined;
  };
  const childPath = option('--child');
  if (childPath !== undefined) {
    const result = await runOne(childPath, option('--name') ?? basename(childPath));
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }

  const json = argv.includes('--json');
  const single = option('--log');
  const events = Number(option('--events') ?? 2_000_000);
  // Shared machines are noisy: --repeat n runs each log n times (fresh process each) and keeps the fastest.
  const repeat = Math.max(1, Number(option('--repeat') ?? 1));
  const results: BenchResult[] = [];
  let tempDir: string | undefined;
  try {
    let logs: Array<{ path: string; name: string }>;
    if (single !== undefined) {
      logs = [{ path: resolve(single), name: basename(single) }];
    } else {
      tempDir = mkdtempSync(join(tmpdir(), 'mining-bench-'));
      note(`writing the synthetic log (${events.toLocaleString('en-US')} events, seed 1)…`);
      const synthetic = writeSyntheticCsv({ events, seed: 1 }, join(tempDir, `synthetic-${events}.csv`));
      logs = [
        { path: join(DATASETS, 'bpic2012.xes.gz'), name: 'bpic2012.xes.gz' },
        { path: join(DATASETS, 'receipt.csv'), name: 'receipt.csv' },
        { path: synthetic, name: `synthetic-${events}.csv` },
      ];
    }
    for (const { path, name } of logs) {
      formatOf(path);
      if (!existsSync(path)) throw new Error(`No such log: ${path}`);
      let best: BenchResult | undefined;
      for (let run = 1; run <= repeat; run++) {
        note(`${name}${repeat > 1 ? ` (run ${run} of ${repeat})` : ''}…`);
        const result = await runChild(path, name);
        note(`  ${result.events.toLocaleString('en-US')} events in ${result.seconds.total.toFixed(2)} s`);
        if (best === undefined || result.seconds.total < best.seconds.total) best = result;
      }
      results.push(best!);
    }
  } finally {
    if (tempDir !== undefined) rmSync(tempDir, { recursive: true, force: true });
  }
  process.stdout.write(json ? `${JSON.stringify({ results }, null, 2)}\n` : `${table(results)}\n`);
}

main().catch((error: unknown) => {
  note(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
