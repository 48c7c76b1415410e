import { elapsedMs, formatBytes, humanDuration } from './durations.ts';
import { NotFoundError } from './errors.ts';
import type { Clock, DatasetStore, JobJournal, JobScope, OperationStore } from './ports.ts';
import { progressOf } from './progress.ts';
import { recordsPerSecond, resourceUsageOf } from './views/measurements.ts';
import { estimatesOf } from './views/operation-view.ts';
import type { LogEntry, LogLevel, OperationRecord, PhaseRecord, ResourceSample, TimelineEvent } from './records.ts';
import type { JobLogsQuery, JobMetricsQuery, JobTimelineQuery, TrackingQuery } from '../schemas/job.ts';
import { logLevels } from '../schemas/job.ts';

const severity = (level: LogLevel) => logLevels.indexOf(level);
const majorEvents = new Set<TimelineEvent['eventType']>(['JobStarted', 'StageStarted', 'StageCompleted', 'StageFailed', 'JobCompleted', 'JobFailed', 'JobCancelled']);
const intervalMs = { '1m': 60_000, '5m': 300_000, '15m': 900_000 } as const;

function stageView(phase: PhaseRecord, order: number, op: OperationRecord) {
  return {
    stageName: phase.name,
    stageOrder: order,
    status: phase.status,
    progress: phase.status === 'Completed' ? 100 : phase.status === 'Running' && op.totalRecords && phase.recordsProcessed ? Math.floor((100 * phase.recordsProcessed) / op.totalRecords) : 0,
    ...(phase.startTime ? { startTime: phase.startTime } : {}),
    ...(phase.endTime ? { endTime: phase.endTime } : {}),
    ...(phase.durationMs !== undefined ? { duration: humanDuration(phase.durationMs), durationMs: phase.durationMs } : {}),
    ...(phase.recordsProcessed !== undefined ? { recordsProcessed: phase.recordsProcessed } : {}),
    ...(op.totalRecords !== undefined ? { totalRecords: op.totalRecords } : {}),
    ...(phase.results ? { metrics: phase.results } : {}),
    ...(phase.resources ? { resources: phase.resources } : {}),
  };
}

const rawLine = (entry: LogEntry) => `${entry.timestamp} ${entry.level.padEnd(5)} [${entry.component}] ${entry.stage}: ${entry.message}${entry.details ? ` ${JSON.stringify(entry.details)}` : ''}`;

/** The job-tracking API, served only from what the phases recorded. */
export class JobTrackingService {
  constructor(
    private readonly operations: OperationStore,
    private readonly datasets: DatasetStore,
    private readonly journal: JobJournal,
    private readonly clock: Clock,
  ) {}

  private async operationOf(job: JobScope): Promise<OperationRecord> {
    const op = await this.operations.getByJob(job, job.jobId);
    if (!op) throw new NotFoundError(`Job ${job.jobId} does not exist in this project`);
    return op;
  }

  async logs(job: JobScope, query: JobLogsQuery) {
    const op = await this.operationOf(job);
    const all = await this.journal.read(job, 'logs', {
      ...(query.fromTime ? { from: new Date(query.fromTime).toISOString() } : {}),
      ...(query.toTime ? { to: new Date(query.toTime).toISOString() } : {}),
    });
    const count = (level: LogLevel) => all.filter((e) => e.level === level).length;
    const selected = all.filter((e) => severity(e.level) >= severity(query.level)).slice(0, query.limit);
    const progress = progressOf(op);
    const sample = op.latestSample;
    const rate = recordsPerSecond(op);
    return {
      jobId: op.jobId,
      jobName: op.operationName,
      jobStatus: op.status,
      logsSummary: {
        totalEntries: all.length,
        debugEntries: count('DEBUG'),
        infoEntries: count('INFO'),
        warnEntries: count('WARN'),
        errorEntries: count('ERROR'),
        returnedEntries: selected.length,
        timeRange: all.length ? { startTime: all[0]!.timestamp, endTime: all.at(-1)!.timestamp } : null,
      },
      logs: query.format === 'raw' ? selected.map(rawLine) : selected,
      executionMetrics: {
        currentStage: progress.currentPhase,
        overallProgress: progress.percentage,
        processingRate: rate === null ? null : `${rate} records/second`,
        memoryUsage: sample ? formatBytes(sample.rssBytes) : null,
        cpuUsage: sample ? Math.round(sample.cpuPercent) : null,
        estimatedCompletion: estimatesOf(op, this.clock.now()).estimatedCompletion,
      },
    };
  }

  async progress(job: JobScope) {
    const op = await this.operationOf(job);
    const logs = await this.journal.read(job, 'logs');
    const progress = progressOf(op);
    const current = [...logs].reverse().find((entry) => entry.stage === progress.currentPhase);
    const loading = op.phases.find((p) => p.id === 'DataLoadingValidation')?.results as { dataQualityScore?: number } | undefined;
    const rate = recordsPerSecond(op);
    const usage = resourceUsageOf(op.latestSample);
    return {
      jobId: op.jobId,
      jobName: op.operationName,
      status: op.status,
      overallProgress: {
        percentage: progress.percentage,
        startTime: op.startTime ?? null,
        ...(op.startTime ? { elapsedTime: humanDuration(elapsedMs(op.startTime, op.endTime ?? this.clock.now())) } : {}),
        ...(op.endTime ? { endTime: op.endTime } : {}),
        estimatedRemaining: estimatesOf(op, this.clock.now()).estimatedRemaining,
        estimatedCompletion: estimatesOf(op, this.clock.now()).estimatedCompletion,
      },
      stages: op.phases.map((phase, i) => stageView(phase, i + 1, op)),
      currentActivity: current ? { component: current.component, operation: current.message, details: current.details ?? null } : null,
      resourceUsage: usage ? { ...usage, processingRate: rate === null ? null : `${rate} records/second` } : null,
      qualityMetrics: {
        dataQualityScore: loading?.dataQualityScore ?? null,
        stagesCompleted: op.phases.filter((p) => p.status === 'Completed').length,
        stagesFailed: op.phases.filter((p) => p.status === 'Failed').length,
        warningsGenerated: logs.filter((e) => e.level === 'WARN').length,
        errorsEncountered: logs.filter((e) => e.level === 'ERROR').length,
      },
    };
  }

  /**
   * `major_events` keeps job and stage transitions; `seconds` and `minutes` list every event
   * (milestones and warnings too when includeSubEvents) with `timestamp` truncated to that unit
   * and the exact instant in `exactTimestamp`.
   */
  async timeline(job: JobScope, query: JobTimelineQuery) {
    const op = await this.operationOf(job);
    const events = await this.journal.read(job, 'events');
    const withSub = query.granularity !== 'major_events' && query.includeSubEvents;
    const unit = query.granularity === 'seconds' ? 1000 : 60_000;
    const timeline = events
      .filter((e) => withSub || majorEvents.has(e.eventType))
      .map((e) =>
        query.granularity === 'major_events'
          ? e
          : { ...e, timestamp: new Date(Math.floor(Date.parse(e.timestamp) / unit) * unit).toISOString(), exactTimestamp: e.timestamp },
      );
    const pending = op.phases.filter((p) => p.status === 'Pending');
    return {
      jobId: op.jobId,
      jobName: op.operationName,
      timelineScope: {
        startTime: op.startTime ?? null,
        currentTime: this.clock.now().toISOString(),
        endTime: op.endTime ?? null,
        granularity: query.granularity,
      },
      timeline,
      // What is still to come is known; when it will happen is not estimated.
      upcomingEvents: ['Initiated', 'Queued', 'Running'].includes(op.status)
        ? [
            ...pending.map((p) => ({ estimatedTime: null, eventType: 'StageStart', description: `${p.name} starts` })),
            { estimatedTime: null, eventType: 'JobCompletion', description: 'Job completes' },
          ]
        : [],
    };
  }

  async metrics(job: JobScope, query: JobMetricsQuery) {
    const op = await this.operationOf(job);
    const samples = await this.journal.read(job, 'samples');
    const wanted = new Set(query.metrics ?? ['cpu', 'memory', 'disk', 'network', 'throughput']);
    const latest = samples.at(-1) ?? op.latestSample;
    const peakRss = samples.reduce((max, s) => Math.max(max, s.rssBytes), 0);
    const loading = op.phases.find((p) => p.id === 'DataLoadingValidation')?.results as { recordsLoaded?: number; errorRecords?: number } | undefined;
    const rate = recordsPerSecond(op);
    const done = op.phases.filter((p) => p.status === 'Completed');
    const utilisation = latest
      ? {
          ...(wanted.has('cpu') ? { cpu: { usage: Math.round(latest.cpuPercent) } } : {}),
          ...(wanted.has('memory')
            ? { memory: { used: formatBytes(latest.rssBytes), usedBytes: latest.rssBytes, allocated: latest.memoryLimitBytes === null ? null : formatBytes(latest.memoryLimitBytes), peak: formatBytes(peakRss), peakBytes: peakRss } }
            : {}),
          ...(wanted.has('disk') ? { disk: { reads: formatBytes(latest.fsReadBytes), writes: formatBytes(latest.fsWriteBytes) } } : {}),
          ...(wanted.has('network') ? { network: { bytesIn: formatBytes(latest.networkInBytes) } } : {}),
        }
      : null;
    return {
      jobId: op.jobId,
      metricsCollectionTime: latest?.timestamp ?? null,
      currentMetrics: {
        resourceUtilization: utilisation,
        ...(wanted.has('throughput')
          ? {
              processing: {
                recordsPerSecond: rate,
                recordsProcessed: op.processedRecords ?? 0,
                totalRecords: op.totalRecords ?? null,
                errorRate: loading?.recordsLoaded ? (loading.errorRecords ?? 0) / loading.recordsLoaded : null,
              },
            }
          : {}),
        stages: {
          completed: done.length,
          running: op.phases.filter((p) => p.status === 'Running').length,
          pending: op.phases.filter((p) => p.status === 'Pending').length,
          averageStageTime: done.length ? humanDuration(done.reduce((sum, p) => sum + (p.durationMs ?? 0), 0) / done.length) : null,
        },
      },
      ...(query.includeHistory ? { historicalMetrics: this.history(samples, intervalMs[query.interval], wanted) } : {}),
    };
  }

  /** Samples averaged (CPU) or maxed (memory) per interval, with the stage of the interval's last sample. */
  private history(samples: ResourceSample[], bucketMs: number, wanted: Set<string>) {
    const buckets = new Map<number, ResourceSample[]>();
    for (const sample of samples) {
      const key = Math.floor(Date.parse(sample.timestamp) / bucketMs) * bucketMs;
      buckets.set(key, [...(buckets.get(key) ?? []), sample]);
    }
    return [...buckets.entries()].map(([start, group]) => ({
      timestamp: new Date(start).toISOString(),
      samples: group.length,
      ...(wanted.has('cpu') ? { cpu: Math.round(group.reduce((sum, s) => sum + s.cpuPercent, 0) / group.length) } : {}),
      ...(wanted.has('memory') ? { memoryBytes: Math.max(...group.map((s) => s.rssBytes)) } : {}),
      ...(wanted.has('throughput') ? { recordsProcessed: Math.max(...group.map((s) => s.recordsProcessed)) } : {}),
      stage: group.at(-1)!.stage,
    }));
  }

  async tracking(scope: { tenantId: string; projectId: string }, query: TrackingQuery) {
    const operations = query.jobIds
      ? (await Promise.all(query.jobIds.map((jobId) => this.operations.getByJob(scope, jobId)))).filter((op): op is OperationRecord => op !== undefined)
      : (await this.operations.list(scope, query.status ? { status: query.status } : {}, 0, 100)).items;
    const jobs = operations.filter((op) => (!query.status || op.status === query.status) && (!query.submittedBy || op.submittedBy === query.submittedBy));
    const count = (status: OperationRecord['status']) => jobs.filter((op) => op.status === status).length;
    return {
      trackingTime: this.clock.now().toISOString(),
      jobCount: jobs.length,
      summary: { running: count('Running'), queued: count('Queued') + count('Initiated'), completed: count('Completed'), failed: count('Failed'), cancelled: count('Cancelled'), timeout: count('Timeout') },
      jobs: jobs.map((op) => {
        const progress = progressOf(op);
        const usage = resourceUsageOf(op.latestSample);
        const rate = recordsPerSecond(op);
        return {
          jobId: op.jobId,
          jobName: op.operationName,
          operationId: op.operationId,
          status: op.status,
          progress: progress.percentage,
          startTime: op.startTime ?? null,
          ...(op.endTime ? { endTime: op.endTime } : {}),
          estimatedCompletion: estimatesOf(op, this.clock.now()).estimatedCompletion,
          currentStage: progress.currentPhase,
          submittedBy: op.submittedBy,
          priority: op.priority,
          ...(query.includeMetrics ? { resourceUsage: usage ? { cpu: usage.cpuUsage, memory: usage.memoryUsage, processingRate: rate === null ? null : `${rate} records/second` } : null } : {}),
        };
      }),
      ...(query.refreshInterval ? { refreshInterval: query.refreshInterval } : {}),
    };
  }

  /**
   * What the job builds on (the job it retries, the analysis it reports on, its dataset) and what
   * builds on it (its retries and reports), as recorded when those operations were created.
   */
  async dependencies(job: JobScope) {
    const op = await this.operationOf(job);
    const source = 'sourceOperationId' in op.parameters ? op.parameters.sourceOperationId : undefined;
    const prerequisites = [
      ...(op.retry ? [{ operationId: op.retry.originalOperationId, dependency: `Retry of this job (${op.retry.retryMode})` }] : []),
      ...(source ? [{ operationId: source, dependency: 'The analysis whose results this job reports' }] : []),
    ];
    const [prerequisiteOps, dependentOps, dataset] = await Promise.all([
      Promise.all(prerequisites.map(async (p) => ({ ...p, op: await this.operations.get(job, p.operationId) }))),
      Promise.all((op.dependents ?? []).map(async (d) => ({ ...d, op: await this.operations.get(job, d.operationId) }))),
      'datasetId' in op.parameters ? this.datasets.get(job, op.parameters.datasetId) : Promise.resolve(undefined),
    ]);
    const prerequisiteJobs = prerequisiteOps
      .filter((p) => p.op)
      .map((p) => ({ jobId: p.op!.jobId, jobName: p.op!.operationName, operationId: p.operationId, status: p.op!.status, completedAt: p.op!.endTime ?? null, dependency: p.dependency }));
    const dependentJobs = dependentOps
      .filter((d) => d.op)
      .map((d) => ({
        jobId: d.jobId,
        jobName: d.op!.operationName,
        operationId: d.operationId,
        status: d.op!.status,
        waitingFor: d.relation === 'report' ? `${op.operationName} results` : `${op.operationName} (retried)`,
        relation: d.relation,
      }));
    return {
      jobId: op.jobId,
      dependencies: {
        prerequisiteJobs,
        resourceDependencies: dataset
          ? [{ resourceType: 'Dataset', resourceId: dataset.datasetId, resourceName: dataset.name, status: dataset.status, lastModified: dataset.uploadedAt ?? dataset.createdAt }]
          : [],
        dependentJobs,
      },
      // Jobs start as soon as they are accepted: nothing can block one yet.
      blockingConditions: [],
      dependencyGraph: {
        nodes: [
          ...prerequisiteJobs.map((p) => ({ id: p.jobId, type: 'PrerequisiteJob', status: p.status })),
          { id: op.jobId, type: 'CurrentJob', status: op.status },
          ...dependentJobs.map((d) => ({ id: d.jobId, type: 'DependentJob', status: d.status })),
        ],
        edges: [
          ...prerequisiteJobs.map((p) => ({ from: p.jobId, to: op.jobId, type: 'prerequisite' })),
          ...dependentJobs.map((d) => ({ from: op.jobId, to: d.jobId, type: 'dependency' })),
        ],
      },
    };
  }
}
