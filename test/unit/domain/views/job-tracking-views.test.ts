import { describe, expect, it } from 'vitest';
import { benchmarks, performanceTrends, predictionAccuracy, processing, relativeSlope, resourceUtilisation, stages, type MetricsInput } from '../../../../functions/domain/views/job-metrics.ts';
import { estimatedStarts, systemHealth } from '../../../../functions/domain/views/system-health.ts';
import { eventDescription, languageOf, phaseIdOf, phaseName } from '../../../../functions/domain/views/localisation.ts';
import { progressStep } from '../../../../functions/domain/views/progress-events.ts';
import { blockingConditions } from '../../../../functions/domain/views/job-dependencies.ts';
import type { OperationRecord, ResourceSample, TimelineEvent } from '../../../../functions/domain/records.ts';

const t0 = Date.parse('2026-01-01T10:00:00Z');
const at = (s: number) => new Date(t0 + s * 1000).toISOString();

function op(fields: Partial<OperationRecord> = {}): OperationRecord {
  return {
    tenantId: 't',
    projectId: 'p',
    operationId: 'op-1',
    jobId: 'job-1',
    operationType: 'ProcessMiningAnalysis',
    operationName: 'analysis',
    priority: 'Normal',
    status: 'Completed',
    parameters: {} as OperationRecord['parameters'],
    timeoutSeconds: 3600,
    submittedBy: 'u',
    dateCreated: at(0),
    timeoutAt: at(3600),
    phases: [],
    ...fields,
  };
}

const sample = (s: number, fields: Partial<ResourceSample> = {}): ResourceSample => ({
  timestamp: at(s),
  stage: 'Data Loading & Validation',
  cpuPercent: 50,
  rssBytes: 100 * 2 ** 20,
  heapUsedBytes: 1,
  memoryLimitBytes: null,
  fsReadBytes: 0,
  fsWriteBytes: 0,
  networkInBytes: 10,
  recordsProcessed: 0,
  cores: 2,
  networkOutBytes: 20,
  storageRequests: 3,
  ...fields,
});

const stageEvent = (eventType: TimelineEvent['eventType'], stageName: string, s: number): TimelineEvent => ({ timestamp: at(s), eventType, description: `${stageName} x`, details: { stageName } });

describe('metrics computed from measurements', () => {
  const finished = op({
    startTime: at(0),
    endTime: at(100),
    processedRecords: 1000,
    totalRecords: 1000,
    phases: [
      { id: 'DataLoadingValidation', name: 'Data Loading & Validation', status: 'Completed', durationMs: 40_000, recordsProcessed: 1000, resources: { samples: 2, averageCpuPercent: 50, peakRssBytes: 300 * 2 ** 20, cpuSeconds: 40 }, results: { recordsLoaded: 1000, errorRecords: 10 } },
      { id: 'ProcessDiscovery', name: 'Process Discovery', status: 'Completed', durationMs: 40_000, resources: { samples: 2, averageCpuPercent: 50, peakRssBytes: 200 * 2 ** 20, cpuSeconds: 40 } },
    ],
  });
  const events = [stageEvent('StageStarted', 'Data Loading & Validation', 0), stageEvent('StageFailed', 'Data Loading & Validation', 10), stageEvent('StageStarted', 'Data Loading & Validation', 10), stageEvent('StageCompleted', 'Data Loading & Validation', 50), stageEvent('StageStarted', 'Process Discovery', 50), stageEvent('StageCompleted', 'Process Discovery', 90)];
  const input = (history: OperationRecord[] = []): MetricsInput => ({ op: finished, samples: [sample(0), sample(5, { rssBytes: 150 * 2 ** 20 })], events, history, phaseMemoryBytes: 3008 * 2 ** 20, now: new Date(at(200)) });

  it('derives efficiencies and rates from what was measured, null where nothing is', () => {
    const used = resourceUtilisation(input())!;
    // 80 CPU seconds over 80 phase seconds on 2 cores.
    expect(used.cpu).toEqual({ usage: 50, cores: 2, efficiency: 50 });
    expect(used.memory).toMatchObject({ allocated: '2.94 GB', allocatedBytes: 3008 * 2 ** 20, peakBytes: 300 * 2 ** 20, efficiency: Math.round((1000 * 300) / 3008) / 10 });
    expect(used.disk).toMatchObject({ iops: null, latency: null });
    expect(used.network).toMatchObject({ bytesOut: '20 B', requests: 3, connections: null });
    const work = processing(input(), 25);
    expect(work).toMatchObject({ processingEfficiency: 80, errorRate: 0.01, retryRate: 1 / 3 });
    expect(stages(input())).toMatchObject({ completed: 2, averageStageTime: '40 seconds', stageEfficiency: Math.round(1000 * 2 / 3) / 10 });
  });

  it('classifies trends by the slope of the samples against a 10 % threshold', () => {
    expect(relativeSlope([0, 1, 2], [10, 10, 10])).toBe(0);
    expect(relativeSlope([0, 1], [1, 2])).toBeNull();
    const rising = { ...input(), samples: [0, 5, 10, 15].map((s, i) => sample(s, { cpuPercent: 20 + 20 * i, recordsProcessed: [0, 100, 300, 600][i]! })) };
    expect(performanceTrends(rising, [80, 60])).toMatchObject({ cpuTrend: 'Increasing', memoryTrend: 'Stable', throughputTrend: 'Improving', overallEfficiency: 'Good', predictionAccuracy: null });
    expect(performanceTrends(rising, [null]).overallEfficiency).toBeNull();
  });

  it('measures past estimates against what happened and ranks the job among similar runs', () => {
    const past = (ms: number, estimateMs?: number, id = String(ms)) =>
      op({ operationId: id, startTime: at(0), endTime: new Date(t0 + ms).toISOString(), processedRecords: 1000, ...(estimateMs ? { estimate: { durationMs: estimateMs, lowMs: estimateMs, highMs: estimateMs, basedOnOperations: 3 } } : {}) });
    expect(predictionAccuracy([past(100_000, 90_000), past(200_000, 300_000)])).toBe(70);
    expect(predictionAccuracy([past(100_000)])).toBeNull();
    const marks = benchmarks(input([past(200_000), past(105_000), past(50_000)]));
    expect(marks).toMatchObject({ jobType: 'ProcessMiningAnalysis', comparedJobs: 3, averageJobDuration: '1 minute 58 seconds', averageThroughput: '12 records/second', similarJobsComparison: { fasterThan: 1, similarTo: 1, slowerThan: 1 }, currentPerformanceRank: '50th percentile' });
    expect(benchmarks(input([]))).toMatchObject({ averageJobDuration: null, averageThroughput: null, currentPerformanceRank: null, similarJobsComparison: { fasterThan: 0, similarTo: 0, slowerThan: 0 } });
  });
});

describe('multi-job tracking', () => {
  const now = new Date(at(1000));
  it('reports load, queue health and the capacity left', () => {
    const waiting = [op({ operationId: 'q', status: 'Queued', dateCreated: at(900), waitingFor: 'capacity' })];
    expect(systemHealth({ active: 3, limit: 4, waiting, recent: [], now })).toMatchObject({ overallLoad: 75, queueHealth: 'Fair', resourceAvailability: 'Low', estimatedCapacity: '0 additional jobs', estimatedCapacityJobs: 0 });
    expect(systemHealth({ active: 1, limit: 4, waiting: [], recent: [], now })).toMatchObject({ overallLoad: 25, queueHealth: 'Good', resourceAvailability: 'High', estimatedCapacityJobs: 3 });
  });

  it('expects queued jobs to start as estimated slots free, in admission order', () => {
    const estimate = (ms: number) => ({ durationMs: ms, lowMs: ms, highMs: ms, basedOnOperations: 3 });
    const active = [op({ operationId: 'a', status: 'Running', startTime: at(900), estimate: estimate(200_000) })];
    const queue = [op({ operationId: 'q1', status: 'Queued', estimate: estimate(50_000) }), op({ operationId: 'q2', status: 'Queued', estimate: estimate(50_000) })];
    const starts = estimatedStarts(active, queue, 1, now);
    expect(starts.get('q1')).toBe(at(1100));
    expect(starts.get('q2')).toBe(at(1150));
    expect(estimatedStarts([op({ status: 'Running' })], queue, 1, now).get('q1')).toBeNull();
  });
});

describe('blocking conditions', () => {
  it('turns a batch dependency into a condition resolved when it completes', () => {
    const waiting = op({ status: 'Queued', dateCreated: at(0) });
    const dep = op({ operationId: 'd', jobId: 'jd', status: 'Running' });
    expect(blockingConditions({ op: waiting, batchPrerequisites: [{ operationKey: 'prep', op: dep }], dataset: undefined, queuePosition: null })).toEqual([
      { condition: 'Waiting for dependency prep', status: 'Active', details: { jobId: 'jd', dependencyStatus: 'Running' } },
    ]);
    const done = { ...dep, status: 'Completed' as const, endTime: at(50) };
    expect(blockingConditions({ op: waiting, batchPrerequisites: [{ operationKey: 'prep', op: done }], dataset: undefined, queuePosition: null })[0]).toMatchObject({ status: 'Resolved', resolvedAt: at(50) });
    const slot = blockingConditions({ op: op({ status: 'Queued', waitingFor: 'capacity' }), batchPrerequisites: [], dataset: undefined, queuePosition: 2 });
    expect(slot).toEqual([{ condition: 'Waiting for a free slot in the project', status: 'Active', details: { queuePosition: 2 } }]);
  });
});

describe('languages and progress steps', () => {
  it('speaks Japanese when asked to', () => {
    expect(languageOf('ja')).toBe('ja');
    expect(languageOf('en-US,ja;q=0.5')).toBe('en');
    expect(languageOf('fr, ja-JP;q=0.8')).toBe('ja');
    expect(languageOf(undefined)).toBe('en');
    expect(phaseName('Process Discovery', 'ja')).toBe('プロセス発見');
    expect(phaseIdOf('データの読み込みと検証')).toBe('DataLoadingValidation');
    expect(phaseIdOf('プロセスディスカバリー')).toBe('ProcessDiscovery');
    expect(phaseIdOf('performanceanalysis')).toBe('PerformanceAnalysis');
    expect(eventDescription({ timestamp: at(0), eventType: 'StageStarted', description: 'x', details: { stageName: 'Performance Analysis' } }, 'ja')).toBe('パフォーマンス分析ステージ開始');
    expect(eventDescription({ timestamp: at(0), eventType: 'JobStarted', description: 'Job started' }, 'ja')).toBe('ジョブ実行開始');
  });

  it('marks each 10 % reached once', () => {
    expect(progressStep(0, 5, 100)).toBeNull();
    expect(progressStep(0, 25, 100)).toBe(20);
    expect(progressStep(20, 29, 100)).toBeNull();
    expect(progressStep(20, 100, 100)).toBe(100);
    expect(progressStep(0, 5, undefined)).toBeNull();
  });
});
