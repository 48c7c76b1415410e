/**
 * End-to-end benchmark of the mining engine: ingest → discovery → performance → anomalies →
 * report, per log, each log in a fresh child process so that its peak RSS is its own.
 *
 *   npm run --silent bench -- [--json] [--log <path>] [--only <names>] [--events <n>] [--repeat <n>]
 *
 * Without --log: bpic2012.xes.gz and receipt.csv from ../shared/datasets, bpic2012.csv (the
 * same log as a 5-column CSV, bench/log-as-csv.ts) and a synthetic CSV (default 2,000,000
 * events, seed 1), both written to a temp dir and removed afterwards. --only keeps the named
 * ones (comma-separated, e.g. `--only bpic2012.csv,bpic2012.xes.gz`).
 * --json prints exactly one JSON object on stdout; progress and notes go to stderr.
 * --repeat n runs each log n times, each in a fresh process, and reports the fastest run with
 * the median events/s. Each step's CPU time is reported beside its wall time: on a shared
 * machine the CPU time varies less. The peak is the kernel's RSS high-water mark from the
 * baseline on; the log is released (and, with --expose-gc, collected) before the report step,
 * as the service's report phase never loads it.
 * The steps are the functions the analysis phases call (functions/mining/analysis), so the
 * figures are those of the service's own pipeline; report renders the SVG map, anomalies CSV,
 * PDF and PNML, the default export formats.
 * Discovery includes the Inductive Miner (tree, workflow net, BPMN, token replay); `inductive`
 * times IM's tree alone on the same log, outside the total.
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEventLog, type EventLogFormat } from '../functions/mining/ingest/read-event-log.ts';
import { analyseBehaviour } from '../functions/mining/analysis/analyse-behaviour.ts';
import { analysePerformance } from '../functions/mining/analysis/analyse-performance.ts';
import { recommendationsOf, renderReports, reportInputOf } from '../functions/mining/analysis/analysis-report.ts';
import { discoverProcess } from '../functions/mining/analysis/discover-process.ts';
import { inductiveMiner } from '../functions/mining/discovery/inductive/inductive-miner.ts';
import { writeLogAsCsv } from './log-as-csv.ts';
import { writeSyntheticCsv } from './synthetic-log.ts';

export interface BenchResult {
  name: string;
  events: number;
  cases: number;
  seconds: { ingest: number; discovery: number; performance: number; anomalies: number; report: number; total: number; inductive: number };
  /**
   * CPU time of the process per step (user + system, all its threads: GC and JIT helpers
   * included). On a shared machine it varies less than the wall-clock `seconds`.
   */
  cpuSeconds: { ingest: number; discovery: number; performance: number; anomalies: number; report: number };
  eventsPerSecond: number;
  /** With --repeat: the median over the runs (the other figures are the fastest run's). */
  medianEventsPerSecond?: number;
  baselineRssBytes: number;
  /** Highest RSS of the child over the whole run, report included. */
  peakRssBytes: number;
  /** Highest RSS before report rendering: what ingest to anomalies needed. */
  peakRssBeforeReportBytes: number;
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

/**
 * Starts the kernel's RSS high-water mark afresh (Linux: `/proc/self/clear_refs`), so that the
 * peak is that of the run, not of module loading before it, which rose ~7 MB above the
 * baseline on its own. Elsewhere the high-water mark covers the whole process.
 */
function resetPeakRss(): void {
  try {
    writeFileSync('/proc/self/clear_refs', '5');
  } catch {
    // Not Linux, or not allowed: the peak then includes module loading.
  }
}

/** Runs one log in this process (the child side). */
async function runOne(path: string, name: string): Promise<BenchResult> {
  let peak = 0;
  const sample = () => {
    const rss = process.memoryUsage.rss();
    if (rss > peak) peak = rss;
  };
  const baselineRssBytes = process.memoryUsage.rss();
  resetPeakRss();
  // The kernel's high-water mark (below) sees every peak; sampling RSS every few ms during ingest
  // cost ~15 ms of bpic2012's ingest, so each step is only sampled when it ends.
  const cpu: Record<string, number> = {};
  const timed = async <T>(run: () => T | Promise<T>, step?: string): Promise<[T, number]> => {
    const t = performance.now();
    const c = process.cpuUsage();
    const value = await run();
    const used = process.cpuUsage(c);
    if (step !== undefined) cpu[step] = (used.user + used.system) / 1e6;
    sample();
    return [value, (performance.now() - t) / 1000];
  };

  // Ingest to anomalies in a scope of its own: the service's report phase is a separate
  // invocation that never loads the event log, so the log is let go before the report step.
  const analyse = async () => {
    const [{ log }, ingest] = await timed(() => readEventLog(createReadStream(path, { highWaterMark: 1 << 16 }), { format: formatOf(path) }), 'ingest');
    const [discovered, discovery] = await timed(() => discoverProcess(log), 'discovery');
    // IM's process tree alone (PM4Py's discover_process_tree_inductive), for the comparison with PM4Py.
    const [, inductive] = await timed(() => inductiveMiner(log));
    const [performanceAnalysis, performanceSeconds] = await timed(() => analysePerformance(log), 'performance');
    const [behaviour, anomalies] = await timed(() => analyseBehaviour(log, discovered.heuristicsPetriNet, { anomalies: true, predictions: true }), 'anomalies');
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
    return { documents, events: log.activityCodes.length, cases: log.caseIds.length, seconds: { ingest, discovery, performance: performanceSeconds, anomalies, inductive } };
  };
  const analysed = await analyse();
  const peakBeforeReport = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  // With --expose-gc (runChild passes it), collect the log now, as the phase boundary would.
  (globalThis as { gc?: () => void }).gc?.();
  const [, report] = await timed(async () => {
    const input = reportInputOf(analysed.documents, name, new Date().toISOString(), null, recommendationsOf(analysed.documents, null));
    return renderReports(analysed.documents, input, ['SVG', 'CSV', 'PDF', 'PNML'], { visualizations: true });
  }, 'report');
  const { ingest, discovery, performance: performanceSeconds, anomalies, inductive } = analysed.seconds;
  const total = ingest + discovery + performanceSeconds + anomalies + report;
  const events = analysed.events;
  // The kernel's high-water mark also sees peaks between samples; this process ran only this log.
  const peakRssBytes = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  return {
    name,
    events,
    cases: analysed.cases,
    seconds: { ingest, discovery, performance: performanceSeconds, anomalies, report, total, inductive },
    cpuSeconds: cpu as BenchResult['cpuSeconds'],
    // Report rendering is excluded: its cost depends on the graph, not on the number of events.
    eventsPerSecond: Math.round(events / (total - report)),
    baselineRssBytes,
    peakRssBytes,
    peakRssBeforeReportBytes: peakBeforeReport,
  };
}

/** Runs one log in a fresh child process; its result is the child's last stdout line. */
function runChild(path: string, name: string): Promise<BenchResult> {
  const args = [
    ...process.execArgv.filter((a) => !a.startsWith('--max-old-space-size')),
    `--max-old-space-size=${CHILD_HEAP_MB}`,
    '--expose-gc',
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

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

function table(results: BenchResult[]): string {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  const header = ['log', 'events', 'cases', 'ingest s', 'discov s', 'perf s', 'anom s', 'report s', 'total s', 'IM s'];
  header.push('cpu s', 'events/s', 'median ev/s', 'base MB', 'peak MB', 'B/event');
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
    (r.cpuSeconds.ingest + r.cpuSeconds.discovery + r.cpuSeconds.performance + r.cpuSeconds.anomalies).toFixed(3),
    r.eventsPerSecond.toLocaleString('en-US'),
    (r.medianEventsPerSecond ?? r.eventsPerSecond).toLocaleString('en-US'),
    mb(r.baselineRssBytes),
    mb(r.peakRssBytes),
    ((r.peakRssBytes - r.baselineRssBytes) / r.events).toFixed(0),
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
      const dir = tempDir;
      const only = option('--only')?.split(',');
      const wanted = (name: string) => only === undefined || only.includes(name);
      const syntheticName = `synthetic-${events}.csv`;
      logs = [];
      if (wanted('bpic2012.xes.gz')) logs.push({ path: join(DATASETS, 'bpic2012.xes.gz'), name: 'bpic2012.xes.gz' });
      if (wanted('bpic2012.csv')) {
        note('writing bpic2012 as a 5-column CSV…');
        const path = await writeLogAsCsv(join(DATASETS, 'bpic2012.xes.gz'), 'xes.gz', join(dir, 'bpic2012.csv'));
        logs.push({ path, name: 'bpic2012.csv' });
      }
      if (wanted('receipt.csv')) logs.push({ path: join(DATASETS, 'receipt.csv'), name: 'receipt.csv' });
      if (wanted(syntheticName)) {
        note(`writing the synthetic log (${events.toLocaleString('en-US')} events, seed 1)…`);
        logs.push({ path: writeSyntheticCsv({ events, seed: 1 }, join(dir, syntheticName)), name: syntheticName });
      }
      if (logs.length === 0) throw new Error(`--only matched none of bpic2012.xes.gz, bpic2012.csv, receipt.csv, ${syntheticName}`);
    }
    for (const { path, name } of logs) {
      formatOf(path);
      if (!existsSync(path)) throw new Error(`No such log: ${path}`);
      const runs: BenchResult[] = [];
      for (let run = 1; run <= repeat; run++) {
        note(`${name}${repeat > 1 ? ` (run ${run} of ${repeat})` : ''}…`);
        const result = await runChild(path, name);
        note(`  ${result.events.toLocaleString('en-US')} events in ${result.seconds.total.toFixed(2)} s (${result.eventsPerSecond.toLocaleString('en-US')} events/s)`);
        runs.push(result);
      }
      const best = runs.reduce((a, b) => (b.seconds.total < a.seconds.total ? b : a));
      results.push({ ...best, medianEventsPerSecond: median(runs.map((r) => r.eventsPerSecond)) });
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
