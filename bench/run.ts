/**
 * End-to-end benchmark of the mining engine: ingest → discovery → performance → anomalies in a
 * fresh child process per log, so that its peak RSS is its own, then the report from the
 * analysis documents in another, as the service's phases hand them on.
 *
 *   npm run --silent bench -- [--json] [--log <path>] [--only <names>] [--events <n>] [--repeat <n>]
 *
 * Without --log: bpic2012.xes.gz and receipt.csv from ../shared/datasets, bpic2012.csv (the
 * same log as a 5-column CSV, bench/log-as-csv.ts) and a synthetic CSV (default 2,000,000
 * events, seed 1), both written to a temp dir and removed afterwards. --only keeps the named
 * ones (comma-separated, e.g. `--only bpic2012.csv,bpic2012.xes.gz`).
 * --json prints exactly one JSON object on stdout; progress and notes go to stderr.
 * --repeat n (default 5) runs each log n times, each in a fresh process, and reports the fastest
 * run with the median events/s: a single cold run of bpic2012 varies by ±5% on a shared machine.
 * Each process then runs ingest to anomalies a second time (`warm ev/s`): a phase function
 * whose container has run a job before, with the engine compiled. Each step's CPU time is
 * reported beside its wall time: on a shared machine the CPU time varies less.
 * Each process's peak is the kernel's RSS high-water mark from its baseline on: for the
 * analysis, the RSS before the log is read; for the report, the RSS once the renderers are
 * loaded and the documents read.
 * The steps are the functions the analysis phases call (functions/mining/analysis), so the
 * figures are those of the service's own pipeline; report renders the SVG map, anomalies CSV,
 * PDF and PNML, the default export formats.
 * Discovery includes the Inductive Miner (tree, workflow net, BPMN, token replay); `inductive`
 * times IM's tree alone on the same log, outside the total.
 * The children run this file as the phase function runs in AWS: bundled by esbuild with
 * NodejsFunction's options (minified, external source map; bench/function-bundle.ts) and started
 * with the function's NODE_OPTIONS (`nodeOptionsOf(RunPhase)`). Run from source through tsx, the
 * engine is not what ships: per-file modules, unminified, and on bpic2012 as CSV about 5-10 ms
 * slower cold (median of 12 alternating runs).
 */
import { spawn } from 'node:child_process';
import { createReadStream, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { readEventLog, type EventLogFormat } from '../functions/mining/ingest/read-event-log.ts';
import { analyseBehaviour } from '../functions/mining/analysis/analyse-behaviour.ts';
import { analysePerformance } from '../functions/mining/analysis/analyse-performance.ts';
import { discoverProcess } from '../functions/mining/analysis/discover-process.ts';
import { inductiveMiner } from '../functions/mining/discovery/inductive/inductive-miner.ts';
import type { AnalysisDocuments } from '../functions/mining/analysis/analysis-report.ts';
import { functions, nodeOptionsOf } from '../lib/topology.ts';
import { writeFunctionBundle } from './function-bundle.ts';
import { writeLogAsCsv } from './log-as-csv.ts';
import { describeMachine, machine, type Machine } from './machine.ts';
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
  /** The median over the runs (the other figures are the fastest run's); absent from one child's result. */
  medianEventsPerSecond?: number;
  /** Ingest to anomalies run a second time in the same process (a warm phase function), outside every other figure; the median over the runs. */
  warmEventsPerSecond: number;
  /** RSS of the analysis process before the log is read. */
  baselineRssBytes: number;
  /** Highest RSS of the analysis process: what ingest to anomalies needed. */
  peakRssBytes: number;
  /** RSS of the report process once the renderers are loaded and the documents read. */
  reportBaselineRssBytes: number;
  /** Highest RSS of the report process. */
  reportPeakRssBytes: number;
  /** The larger of the two processes' peaks above their baselines, per event. */
  bytesPerEvent: number;
}

/** What `--json` prints. */
export interface BenchReport {
  machine: Machine;
  /** Runs per log; each result is the fastest, with the median beside it. */
  repeat: number;
  results: BenchResult[];
}

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const DATASETS = resolve(ROOT, '..', 'shared', 'datasets');
/** Runs per log without --repeat: enough for a median that one slow run does not move. */
const DEFAULT_REPEAT = 5;

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
async function runOne(path: string, name: string, documentsPath: string): Promise<BenchResult> {
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

  const [{ log }, ingest] = await timed(() => readEventLog(createReadStream(path, { highWaterMark: 1 << 16 }), { format: formatOf(path) }), 'ingest');
  const [discovered, discovery] = await timed(() => discoverProcess(log), 'discovery');
  // IM's process tree alone (PM4Py's discover_process_tree_inductive), for the comparison with PM4Py.
  const [, inductive] = await timed(() => inductiveMiner(log));
  const [performanceAnalysis, performanceSeconds] = await timed(() => analysePerformance(log), 'performance');
  const [behaviour, anomalies] = await timed(() => analyseBehaviour(log, discovered.heuristicsPetriNet, { anomalies: true, predictions: true }), 'anomalies');
  // The kernel's high-water mark also sees peaks between samples; this process ran only this log.
  const peakRssBytes = Math.max(peak, process.resourceUsage().maxRSS * 1024);
  const documents: AnalysisDocuments = {
    discovery: discovered.discovery,
    performance: performanceAnalysis,
    behaviour,
    anomalies: behaviour.anomalies,
    alphaNet: discovered.alphaNet,
    heuristicsNet: discovered.heuristicsPetriNet,
    inductiveNet: discovered.inductivePetriNet,
    inductiveBpmn: discovered.inductiveBpmn,
  };
  // Handed to the report process as JSON, as the phases hand them on through S3.
  writeFileSync(documentsPath, JSON.stringify(documents));
  const events = log.activityCodes.length;
  const analysis = ingest + discovery + performanceSeconds + anomalies;
  const warm = await warmSeconds(path);
  return {
    name,
    events,
    cases: log.caseIds.length,
    seconds: { ingest, discovery, performance: performanceSeconds, anomalies, report: 0, total: analysis, inductive },
    cpuSeconds: cpu as BenchResult['cpuSeconds'],
    eventsPerSecond: Math.round(events / analysis),
    warmEventsPerSecond: Math.round(events / warm),
    baselineRssBytes,
    peakRssBytes,
    reportBaselineRssBytes: 0,
    reportPeakRssBytes: 0,
    bytesPerEvent: 0,
  };
}

/**
 * Ingest to anomalies once more in the same process, as a warm phase function (a container that
 * has run a job before) runs the next one: V8 has compiled the engine by then. Run after the
 * first pass has been measured, so it changes none of its figures.
 */
async function warmSeconds(path: string): Promise<number> {
  const t = performance.now();
  const { log } = await readEventLog(createReadStream(path, { highWaterMark: 1 << 16 }), { format: formatOf(path) });
  const discovered = discoverProcess(log);
  analysePerformance(log);
  analyseBehaviour(log, discovered.heuristicsPetriNet, { anomalies: true, predictions: true });
  return (performance.now() - t) / 1000;
}

/**
 * The report step in a process of its own, as the service renders reports in a phase of their
 * own that reads the analysis documents and never the log. The renderers are loaded here and
 * only here (as registry.ts loads them only for report phases): with pdfkit, pptxgenjs and
 * Graphviz in the heap from the start, ingest to anomalies ran about 35 ms slower on bpic2012.
 * Its baseline is taken once the renderers are loaded and initialised (Graphviz's WASM instance,
 * the fonts read: 21 MB of RSS, the same for every log) and the documents read.
 */
async function runReport(documentsPath: string, name: string): Promise<ReportRun> {
  const { recommendationsOf, renderReports, reportInputOf } = await import('../functions/mining/analysis/analysis-report.ts');
  // What every report needs whatever the log: the Graphviz WASM instance and the fonts.
  const { loadGraphviz, reportFonts } = await import('../functions/mining/report/index.ts');
  await loadGraphviz();
  reportFonts();
  const documents = JSON.parse(readFileSync(documentsPath, 'utf8')) as AnalysisDocuments;
  (globalThis as { gc?: () => void }).gc?.();
  const reportBaselineRssBytes = process.memoryUsage.rss();
  resetPeakRss();
  const t = performance.now();
  const c = process.cpuUsage();
  const input = reportInputOf(documents, name, new Date().toISOString(), null, recommendationsOf(documents, null));
  await renderReports(documents, input, ['SVG', 'CSV', 'PDF', 'PNML'], { visualizations: true });
  const used = process.cpuUsage(c);
  return {
    seconds: (performance.now() - t) / 1000,
    cpuSeconds: (used.user + used.system) / 1e6,
    reportBaselineRssBytes,
    reportPeakRssBytes: Math.max(process.memoryUsage.rss(), process.resourceUsage().maxRSS * 1024),
  };
}

interface ReportRun {
  seconds: number;
  cpuSeconds: number;
  reportBaselineRssBytes: number;
  reportPeakRssBytes: number;
}

/**
 * Runs `childArgs` in a fresh child process on `bundle` (this file as the phase function is
 * deployed); its result is the child's last stdout line.
 */
function runChild<T>(bundle: string, childArgs: string[], name: string): Promise<T> {
  const args = [
    `--max-old-space-size=${CHILD_HEAP_MB}`,
    // The options the phase function runs with (its NODE_OPTIONS in AWS).
    ...nodeOptionsOf(functions.RunPhase),
    '--expose-gc',
    bundle,
    ...childArgs,
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
        resolvePromise(JSON.parse(line) as T);
      } catch {
        reject(new Error(`benchmark of ${name} printed no result: ${out.slice(0, 200)}`));
      }
    });
  });
}

/** One log: ingest to anomalies in one fresh process, the report in another. */
async function runLog(bundle: string, path: string, name: string, documentsPath: string): Promise<BenchResult> {
  const analysis = await runChild<BenchResult>(bundle, ['--child', path, '--documents', documentsPath], name);
  const report = await runChild<ReportRun>(bundle, ['--report-child', documentsPath], name);
  const bytesPerEvent = Math.max(analysis.peakRssBytes - analysis.baselineRssBytes, report.reportPeakRssBytes - report.reportBaselineRssBytes) / analysis.events;
  return {
    ...analysis,
    seconds: { ...analysis.seconds, report: report.seconds, total: analysis.seconds.total + report.seconds },
    cpuSeconds: { ...analysis.cpuSeconds, report: report.cpuSeconds },
    reportBaselineRssBytes: report.reportBaselineRssBytes,
    reportPeakRssBytes: report.reportPeakRssBytes,
    bytesPerEvent: Math.round(bytesPerEvent),
  };
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
}

function table(results: BenchResult[]): string {
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  const header = ['log', 'events', 'cases', 'ingest s', 'discov s', 'perf s', 'anom s', 'report s', 'total s', 'IM s'];
  header.push('cpu s', 'events/s', 'median ev/s', 'warm ev/s', 'base MB', 'peak MB', 'report +MB', 'B/event');
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
    r.warmEventsPerSecond.toLocaleString('en-US'),
    mb(r.baselineRssBytes),
    mb(r.peakRssBytes),
    mb(r.reportPeakRssBytes - r.reportBaselineRssBytes),
    r.bytesPerEvent.toFixed(0),
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
    const result = await runOne(childPath, option('--name') ?? basename(childPath), option('--documents')!);
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  const documentsPath = option('--report-child');
  if (documentsPath !== undefined) {
    process.stdout.write(`${JSON.stringify(await runReport(documentsPath, option('--name') ?? 'report'))}\n`);
    return;
  }

  const json = argv.includes('--json');
  const single = option('--log');
  const events = Number(option('--events') ?? 2_000_000);
  const repeat = Math.max(1, Number(option('--repeat') ?? DEFAULT_REPEAT));
  // Taken before anything runs: the load average is the machine's, not the benchmark's.
  const host = machine();
  const results: BenchResult[] = [];
  const dir = mkdtempSync(join(tmpdir(), 'mining-bench-'));
  // Inside the project, so that the bundle resolves node_modules files (the report's fonts) as
  // the deployed function finds the copies beside it.
  mkdirSync(join(ROOT, 'cdk.out'), { recursive: true });
  const bundleDir = mkdtempSync(join(ROOT, 'cdk.out', 'bench-'));
  try {
    note('bundling the engine as the phase function is deployed (esbuild, minified, source maps)…');
    const bundle = await writeFunctionBundle('bench/run.ts', join(bundleDir, 'run.mjs'));
    let logs: Array<{ path: string; name: string }>;
    if (single !== undefined) {
      logs = [{ path: resolve(single), name: basename(single) }];
    } else {
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
        const result = await runLog(bundle, path, name, join(dir, 'documents.json'));
        note(`  ${result.events.toLocaleString('en-US')} events in ${result.seconds.total.toFixed(2)} s (${result.eventsPerSecond.toLocaleString('en-US')} events/s)`);
        runs.push(result);
      }
      const best = runs.reduce((a, b) => (b.eventsPerSecond > a.eventsPerSecond ? b : a));
      results.push({ ...best, medianEventsPerSecond: median(runs.map((r) => r.eventsPerSecond)), warmEventsPerSecond: median(runs.map((r) => r.warmEventsPerSecond)) });
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
    rmSync(bundleDir, { recursive: true, force: true });
  }
  const report: BenchReport = { machine: host, repeat, results };
  process.stdout.write(json ? `${JSON.stringify(report, null, 2)}\n` : `${describeMachine(host)}; best of ${repeat}\n${table(results)}\n`);
}

main().catch((error: unknown) => {
  note(error instanceof Error ? (error.stack ?? error.message) : String(error));
  process.exitCode = 1;
});
