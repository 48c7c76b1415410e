import { formatBytes, humanDuration } from '../durations.ts';
import type { OperationRecord, ResourceSample, TimelineEvent } from '../records.ts';

const round1 = (value: number) => Math.round(value * 10) / 10;
const percent = (part: number, whole: number) => (whole > 0 ? round1((100 * part) / whole) : null);

/**
 * Trend thresholds: the least-squares line through a series, over the series' time span, moves by
 * more than this share of the series' mean. Fewer samples than `minimumTrendSamples` say nothing.
 */
export const trendThreshold = 0.1;
export const minimumTrendSamples = 3;

/** Relative change of the least-squares fit of `values` (at `times`, ms) over their span, or null. */
export function relativeSlope(times: number[], values: number[]): number | null {
  if (values.length < minimumTrendSamples) return null;
  const n = values.length;
  const meanT = times.reduce((a, b) => a + b, 0) / n;
  const meanV = values.reduce((a, b) => a + b, 0) / n;
  const sxx = times.reduce((sum, t) => sum + (t - meanT) ** 2, 0);
  if (sxx === 0 || meanV === 0) return sxx === 0 ? null : 0;
  const slope = times.reduce((sum, t, i) => sum + (t - meanT) * (values[i]! - meanV), 0) / sxx;
  return (slope * (times.at(-1)! - times[0]!)) / Math.abs(meanV);
}

function trendOf(change: number | null, up: string, down: string): string | null {
  if (change === null) return null;
  return change > trendThreshold ? up : change < -trendThreshold ? down : 'Stable';
}

/** Records per second between consecutive samples of the same stage (the counter restarts with each stage). */
export function sampleRates(samples: ResourceSample[]): { t: number; rate: number }[] {
  const rates: { t: number; rate: number }[] = [];
  for (let i = 1; i < samples.length; i += 1) {
    const [a, b] = [samples[i - 1]!, samples[i]!];
    const dt = (Date.parse(b.timestamp) - Date.parse(a.timestamp)) / 1000;
    if (a.stage === b.stage && dt > 0 && b.recordsProcessed >= a.recordsProcessed) rates.push({ t: Date.parse(b.timestamp), rate: (b.recordsProcessed - a.recordsProcessed) / dt });
  }
  return rates;
}

/** Run time of a finished operation, or the records per second it achieved. */
const durationOf = (op: OperationRecord) => (op.startTime && op.endTime ? Date.parse(op.endTime) - Date.parse(op.startTime) : null);
const throughputOf = (op: OperationRecord, now: Date) => {
  const records = op.processedRecords ?? op.totalRecords;
  if (!op.startTime || !records) return null;
  const seconds = (Date.parse(op.endTime ?? now.toISOString()) - Date.parse(op.startTime)) / 1000;
  return seconds > 0 ? records / seconds : null;
};

/** Runs within this share of each other's duration count as similar in `similarJobsComparison`. */
export const similarShare = 0.1;

export interface MetricsInput {
  op: OperationRecord;
  samples: ResourceSample[];
  events: TimelineEvent[];
  /** The project's completed operations of the same type (newest first), this one excluded. */
  history: OperationRecord[];
  /** The phase function's configured memory, the allocation when a sample does not carry the runtime's. */
  phaseMemoryBytes: number;
  now: Date;
}

export function resourceUtilisation({ op, samples, phaseMemoryBytes: defaultMemoryBytes }: MetricsInput) {
  // The operation's own phase size when it has one (phase-sizes.ts), else the default function's.
  const phaseMemoryBytes = op.phaseMemoryMb ? op.phaseMemoryMb * 1024 * 1024 : defaultMemoryBytes;
  const latest = samples.at(-1) ?? op.latestSample;
  if (!latest) return unsampled(phaseMemoryBytes);
  const finished = op.phases.filter((p) => p.resources && p.durationMs);
  const cores = latest.cores ?? null;
  const cpuSeconds = finished.reduce((sum, p) => sum + p.resources!.cpuSeconds, 0);
  const phaseSeconds = finished.reduce((sum, p) => sum + p.durationMs! / 1000, 0);
  // Share of the CPUs the process could use that the job's phases kept busy while they ran.
  const cpuEfficiency =
    cores && phaseSeconds > 0 ? Math.min(100, percent(cpuSeconds, phaseSeconds * cores)!) : samples.length ? round1(samples.reduce((s, x) => s + x.cpuPercent, 0) / samples.length) : null;
  const allocated = latest.memoryLimitBytes ?? phaseMemoryBytes;
  const peak = Math.max(latest.rssBytes, ...samples.map((s) => s.rssBytes), ...op.phases.map((p) => p.resources?.peakRssBytes ?? 0));
  const fsReads = latest.fsReadBytes;
  return {
    cpu: { usage: Math.round(latest.cpuPercent), cores, efficiency: cpuEfficiency },
    memory: {
      used: formatBytes(latest.rssBytes),
      usedBytes: latest.rssBytes,
      allocated: formatBytes(allocated),
      allocatedBytes: allocated,
      peak: formatBytes(peak),
      peakBytes: peak,
      // How much of the allocation the job put to use at its peak.
      efficiency: percent(peak, allocated),
    },
    // getrusage counts 512-byte blocks, not operations, and no call reports their latency.
    disk: { reads: formatBytes(fsReads), writes: formatBytes(latest.fsWriteBytes), iops: null, latency: null },
    network: {
      bytesIn: formatBytes(latest.networkInBytes),
      bytesOut: latest.networkOutBytes === undefined ? null : formatBytes(latest.networkOutBytes),
      requests: latest.storageRequests ?? null,
      // The SDK's connection pool is not observable from the phase.
      connections: null,
    },
  };
}

/** Before the first sample (a job not started yet) every field is there, unknown except the allocation. */
function unsampled(allocated: number) {
  return {
    cpu: { usage: null, cores: null, efficiency: null },
    memory: { used: null, usedBytes: null, allocated: formatBytes(allocated), allocatedBytes: allocated, peak: null, peakBytes: null, efficiency: null },
    disk: { reads: null, writes: null, iops: null, latency: null },
    network: { bytesIn: null, bytesOut: null, requests: null, connections: null },
  };
}

/** Stage attempts from the timeline: a stage started twice was retried (Step Functions retries the phase's Lambda). */
function stageAttempts(events: TimelineEvent[]) {
  const started = events.filter((e) => e.eventType === 'StageStarted').length;
  const stages = new Set(events.filter((e) => e.eventType === 'StageStarted').map((e) => (e.details?.stageName as string | undefined) ?? e.description)).size;
  const finished = events.filter((e) => e.eventType === 'StageCompleted' || e.eventType === 'StageFailed').length;
  const completed = events.filter((e) => e.eventType === 'StageCompleted').length;
  return { started, retries: started - stages, finished, completed };
}

export function processing({ op, events, now }: MetricsInput, rate: number | null) {
  const loading = op.phases.find((p) => p.id === 'DataLoadingValidation')?.results as { recordsLoaded?: number; errorRecords?: number } | undefined;
  const attempts = stageAttempts(events);
  const reattempts = Math.max(0, (op.attempts?.length ?? 1) - 1);
  const inPhases = op.phases.reduce((sum, p) => sum + (p.durationMs ?? (p.status === 'Running' && p.startTime ? now.getTime() - Date.parse(p.startTime) : 0)), 0);
  const elapsed = op.startTime ? Date.parse(op.endTime ?? now.toISOString()) - Date.parse(op.startTime) : 0;
  return {
    recordsPerSecond: rate,
    recordsProcessed: op.processedRecords ?? 0,
    totalRecords: op.totalRecords ?? null,
    // Share of the job's elapsed time spent inside phases (the rest is hand-over between states).
    processingEfficiency: elapsed > 0 ? Math.min(100, percent(inPhases, elapsed)!) : null,
    errorRate: loading?.recordsLoaded ? (loading.errorRecords ?? 0) / loading.recordsLoaded : null,
    // Re-run stages and, for an operation retried automatically, its earlier attempts, over all tries.
    retryRate: attempts.started + reattempts ? (attempts.retries + reattempts) / (attempts.started + reattempts) : null,
  };
}

export function stages({ op, events }: MetricsInput) {
  const done = op.phases.filter((p) => p.status === 'Completed');
  const attempts = stageAttempts(events);
  return {
    completed: done.length,
    running: op.phases.filter((p) => p.status === 'Running').length,
    pending: op.phases.filter((p) => p.status === 'Pending').length,
    failed: op.phases.filter((p) => p.status === 'Failed').length,
    averageStageTime: done.length ? humanDuration(done.reduce((sum, p) => sum + (p.durationMs ?? 0), 0) / done.length) : null,
    // Share of finished stage attempts that completed.
    stageEfficiency: attempts.finished ? percent(attempts.completed, attempts.finished) : null,
  };
}

/** Mean accuracy of the estimates stored on past runs: 100 × (1 − |estimated − actual| / actual), floored at 0. */
export function predictionAccuracy(history: OperationRecord[]): number | null {
  const scored = history.flatMap((op) => {
    const actual = durationOf(op);
    return op.estimate && actual ? [Math.max(0, 1 - Math.abs(op.estimate.durationMs - actual) / actual)] : [];
  });
  return scored.length ? round1((100 * scored.reduce((a, b) => a + b, 0)) / scored.length) : null;
}

export function performanceTrends(input: MetricsInput, efficiencies: (number | null)[]) {
  const { samples } = input;
  const times = samples.map((s) => Date.parse(s.timestamp));
  const rates = sampleRates(samples);
  const known = efficiencies.filter((e): e is number => e !== null);
  const overall = known.length ? known.reduce((a, b) => a + b, 0) / known.length : null;
  return {
    cpuTrend: trendOf(relativeSlope(times, samples.map((s) => s.cpuPercent)), 'Increasing', 'Declining'),
    memoryTrend: trendOf(relativeSlope(times, samples.map((s) => s.rssBytes)), 'Increasing', 'Declining'),
    throughputTrend: trendOf(relativeSlope(rates.map((r) => r.t), rates.map((r) => r.rate)), 'Improving', 'Declining'),
    // Mean of the processing, stage and CPU efficiencies: Good from 70, Fair from 40, else Poor.
    overallEfficiency: overall === null ? null : overall >= 70 ? 'Good' : overall >= 40 ? 'Fair' : 'Poor',
    predictionAccuracy: predictionAccuracy(input.history),
  };
}

/** This job against the project's completed runs of the same type: by duration once it ended, by throughput while it runs. */
export function benchmarks({ op, history, now }: MetricsInput) {
  const durations = history.map(durationOf).filter((d): d is number => d !== null);
  const throughputs = history.map((h) => throughputOf(h, now)).filter((t): t is number => t !== null);
  const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length;
  const own = durationOf(op);
  const ownRate = throughputOf(op, now);
  let comparison: { fasterThan: number; similarTo: number; slowerThan: number } | null = null;
  if (own !== null && durations.length) {
    comparison = { fasterThan: durations.filter((d) => own < d * (1 - similarShare)).length, similarTo: 0, slowerThan: durations.filter((d) => own > d * (1 + similarShare)).length };
  } else if (ownRate !== null && throughputs.length) {
    comparison = { fasterThan: throughputs.filter((t) => ownRate > t * (1 + similarShare)).length, similarTo: 0, slowerThan: throughputs.filter((t) => ownRate < t * (1 - similarShare)).length };
  }
  if (comparison) comparison.similarTo = (own !== null ? durations.length : throughputs.length) - comparison.fasterThan - comparison.slowerThan;
  const compared = comparison ? comparison.fasterThan + comparison.similarTo + comparison.slowerThan : 0;
  const rank = comparison && compared ? Math.round((100 * (comparison.fasterThan + comparison.similarTo / 2)) / compared) : null;
  return {
    jobType: op.operationType,
    comparedJobs: history.length,
    averageJobDuration: durations.length ? humanDuration(mean(durations)) : null,
    averageThroughput: throughputs.length ? `${Math.round(mean(throughputs))} records/second` : null,
    currentPerformanceRank: rank === null ? null : `${rank}${ordinal(rank)} percentile`,
    similarJobsComparison: comparison ?? { fasterThan: 0, similarTo: 0, slowerThan: 0 },
  };
}

function ordinal(n: number): string {
  if (n % 100 >= 11 && n % 100 <= 13) return 'th';
  return ({ 1: 'st', 2: 'nd', 3: 'rd' } as Record<number, string>)[n % 10] ?? 'th';
}
