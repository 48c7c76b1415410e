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
 * The steps are the functions the analysis phases call (functions/mining/analysis), so the
 * figures are those of the service's own pipeline; report renders the SVG map, anomalies CSV,
 * PDF and PNML, the default export formats.
 * Discovery includes the Inductive Miner (tree, workflow net, BPMN, token replay); `inductive`
 * times IM's tree alone on the same log, outside the total.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEventLog, type EventLogFormat } from '../functions/mining/ingest/read-event-log.ts';
import { analyseBehaviour } from '../functions/mining/analysis/analyse-behaviour.ts';
import { analysePerformance } from '../functions/mining/analysis/analyse-performance.ts';
import { recommendationsOf, renderReports, reportInputOf } from '../functions/mining/analysis/analysis-report.ts';
import { discoverProcess } from '../functions/mining/analysis/discover-process.ts';
import { inductiveMiner } from '../functions/mining/discovery/inductive/inductive-miner.ts';
import { writeSyntheticCsv } from './synthetic-log.ts';

export interface BenchResult {
  name: string;
  events: number;
  cases: number;
  seconds: { ingest: number; discovery: number; performance: number; anomalies: number; report: number; total: number; inductive: number };
  eventsPerSecond: number;
  baselineRssBytes: number;
  peakRssBytes: number;
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
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

/** Runs one log in this process (the child side). */
async function runOne(path: string, name: string): Promise<BenchResult> {
  let peak = 0;
  const sample = () => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  };
  const baselineRssBytes = process.memoryUsage.rss();
  // Between chunks during ingest; the synchronous steps are sampled after each call.
  const timer = setInterval(sample, 5);
  const timed = async <T>(run: () => T | Promise<T>): Promise<[T, number]> => {
    const t = performance.now();
    const value = await run();
    sample();
    return [value, (performance.now() - t) / 1000];
  };

  const [{ log }, ingest] = await timed(() => readEventLog(createReadStream(path, { highWaterMark: 1 << 16 }), { format: formatOf(path) }));
  clearInterval(timer);
  const [discovered, discovery] = await timed(() => discoverProcess(log));
  // IM's process tree alone (PM4Py's discover_process_tree_inductive), for the comparison with PM4Py.
  const [, inductive] = await timed(() => inductiveMiner(log));
  const [performanceAnalysis, performanceSeconds] = await timed(() => analysePerformance(log));
  const [behaviour, anomalies] = await timed(() => analyseBehaviour(log, discovered.heuristicsPetriNet, { anomalies: true, predictions: true }));
  const [, report] = await timed(async () => {
    const documents = {
      discovery: discovered.discovery,
      performance: performanceAnalysis,
      behaviour,
      anomalies: behaviour.anomalies,
      alphaNet: discovered.alphaNet,
      heuristicsNet: discovered.heuristicsPetriNet,
      inductiveNet: discovered.inductivePetriNet,
      inductiveBpmn: discovered.inductiveBpmn,
    };
    const input = reportInputOf(documents, name, new Date().toISOString(), null, recommendationsOf(documents, null));
    return renderReports(documents, input, ['SVG', 'CSV', 'PDF', 'PNML'], { visualizations: true });
  });
  const total = ingest + discovery + performanceSeconds + anomalies + report;
  const events = log.activityCodes.length;
  // The kernel's high-water mark also sees peaks between samples; this process ran only this log.
  const peakRssBytes = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  return {
    name,
    events,
    cases: log.caseIds.length,
    seconds: { ingest, discovery, performance: performanceSeconds, anomalies, report, total, inductive },
    // Report rendering is excluded: its cost depends on the graph, not on the number of events.
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
  const header = ['log', 'events', 'cases', 'ingest s', 'discov s', 'perf s', 'anom s', 'report s', 'total s', 'IM s'];
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
    r.seconds.inductive.toFixed(3),
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
