import { admissionOrder, defaultAgeingStepMs } from './admission.ts';
import type { CursorCodec } from './cursors.ts';
import { elapsedMs, formatBytes, humanDuration } from './durations.ts';
import { NotFoundError } from './errors.ts';
import type { BatchStore, Clock, DatasetStore, JobJournal, JobScope, OperationStore } from './ports.ts';
import { phaseFraction, progressOf } from './progress.ts';
import { recordsPerSecond, resourceUsageOf } from './views/measurements.ts';
import { estimatesOf } from './views/operation-view.ts';
import { benchmarks, performanceTrends, processing, resourceUtilisation, stages, type MetricsInput } from './views/job-metrics.ts';
import { batchNeighbours, blockingConditions, computeResource } from './views/job-dependencies.ts';
import { estimatedStarts, systemHealth } from './views/system-health.ts';
import { phaseSchedule, upcomingBasis, type PhaseSlot } from './views/phase-schedule.ts';
import { eventDescription, phaseName, upcomingDescriptions, type Language } from './views/localisation.ts';
import type { LogEntry, LogLevel, OperationRecord, PhaseRecord, ProjectScope, ResourceSample, TimelineEvent } from './records.ts';
import type { JobLogsQuery, JobMetricsQuery, JobTimelineQuery, TrackingQuery } from '../schemas/job.ts';
import { logLevels } from '../schemas/job.ts';

const severity = (level: LogLevel) => logLevels.indexOf(level);
const majorEvents = new Set<TimelineEvent['eventType']>(['JobStarted', 'StageStarted', 'StageCompleted', 'StageFailed', 'JobCompleted', 'JobFailed', 'JobCancelled']);
/** Stage-level progress steps are the detailed sub-events; job-level steps, milestones, warnings and errors are always shown. */
const isSubEvent = (e: TimelineEvent) => e.eventType === 'Progress' && e.details?.scope !== 'job';
const intervalMs = { '1m': 60_000, '5m': 300_000, '15m': 900_000 } as const;
/** Bounds on what one tracking request reads: the admission queue and the recent starts whose waits are measured. */
const queueReadLimit = 1000;
const recentForWaits = 50;

export interface TrackingOptions {
  /** The project's limit of active operations; null when unlimited. */
  maxActiveOperations: number | null;
  /** The function that runs phases, and its configured memory. */
  phaseFunction: { name: string; memoryMb: number };
  ageingStepMs?: number;
}

function stageView(phase: PhaseRecord, order: number, op: OperationRecord, language: Language, slot?: PhaseSlot) {
  return {
    stageName: phaseName(phase.name, language),
    stageId: phase.id,
    stageOrder: order,
    status: phase.status,
    // The phase's own measured share done (records, bytes or sub-steps), as GET async/operation reports it.
    progress: phase.status === 'Completed' ? 100 : Math.min(99, Math.floor(100 * phaseFraction(phase, op.totalRecords))),
    ...(phase.startTime ? { startTime: phase.startTime } : {}),
    ...(phase.endTime ? { endTime: phase.endTime } : {}),
    ...(phase.durationMs !== undefined ? { duration: humanDuration(phase.durationMs), durationMs: phase.durationMs } : {}),
    ...(slot && phase.status === 'Pending' ? { estimatedStartTime: slot.estimatedStartTime, estimatedDuration: slot.estimatedDuration } : {}),
    ...(slot ? { estimatedEndTime: slot.estimatedEndTime, estimateBasedOn: slot.basedOn } : {}),
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
    private readonly batches: Pick<BatchStore, 'get'>,
    private readonly cursors: CursorCodec,
    private readonly options: TrackingOptions,
  ) {}

  private async operationOf(job: JobScope): Promise<OperationRecord> {
    const op = await this.operations.getByJob(job, job.jobId);
    if (!op) throw new NotFoundError(`Job ${job.jobId} does not exist in this project`);
    return op;
  }

  async logs(job: JobScope, query: JobLogsQuery, language: Language = 'en') {
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
    const running = op.phases.find((p) => p.status === 'Running');
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
        currentStage: phaseName(progress.currentPhase, language),
        stageProgress: running ? stageView(running, 0, op, language).progress : null,
        overallProgress: progress.percentage,
        processingRate: rate === null ? null : `${rate} records/second`,
        memoryUsage: sample ? formatBytes(sample.rssBytes) : null,
        cpuUsage: sample ? Math.round(sample.cpuPercent) : null,
        estimatedCompletion: estimatesOf(op, this.clock.now()).estimatedCompletion,
      },
    };
  }

  async progress(job: JobScope, language: Language = 'en') {
    const op = await this.operationOf(job);
    const [logs, events] = await Promise.all([this.journal.read(job, 'logs'), this.journal.read(job, 'events')]);
    const now = this.clock.now();
    const progress = progressOf(op);
    const current = [...logs].reverse().find((entry) => entry.stage === progress.currentPhase && entry.level !== 'DEBUG');
    const loading = op.phases.find((p) => p.id === 'DataLoadingValidation')?.results as { dataQualityScore?: number } | undefined;
    const rate = recordsPerSecond(op);
    const usage = resourceUsageOf(op.latestSample);
    const estimates = estimatesOf(op, now);
    const schedule = new Map(phaseSchedule(op, estimates, now).map((s) => [s.phaseId, s]));
    return {
      jobId: op.jobId,
      jobName: op.operationName,
      status: op.status,
      overallProgress: {
        percentage: progress.percentage,
        startTime: op.startTime ?? null,
        ...(op.startTime ? { elapsedTime: humanDuration(elapsedMs(op.startTime, op.endTime ?? now)) } : {}),
        ...(op.endTime ? { endTime: op.endTime } : {}),
        estimatedRemaining: estimates.estimatedRemaining,
        estimatedCompletion: estimates.estimatedCompletion,
      },
      stages: op.phases.map((phase, i) => stageView(phase, i + 1, op, language, schedule.get(phase.id))),
      currentActivity: current ? { component: current.component, operation: current.message, details: current.details ?? null } : null,
      resourceUsage: usage ? { ...usage, processingRate: rate === null ? null : `${rate} records/second` } : null,
      qualityMetrics: {
        dataQualityScore: loading?.dataQualityScore ?? null,
        stagesCompleted: op.phases.filter((p) => p.status === 'Completed').length,
        stagesFailed: op.phases.filter((p) => p.status === 'Failed').length,
        warningsGenerated: logs.filter((e) => e.level === 'WARN').length,
        errorsEncountered: logs.filter((e) => e.level === 'ERROR').length,
        milestonesReached: events.filter((e) => e.eventType === 'Milestone').length,
      },
    };
  }

  /**
   * `major_events` keeps job and stage transitions; `seconds` and `minutes` add milestones, warnings, errors and
   * the job's progress every 10 % (with includeSubEvents also each stage's progress every 10 %), with `timestamp`
   * truncated to that unit and the exact instant in `exactTimestamp`.
   */
  async timeline(job: JobScope, query: JobTimelineQuery, language: Language = 'en') {
    const op = await this.operationOf(job);
    const events = await this.journal.read(job, 'events');
    const now = this.clock.now();
    const unit = query.granularity === 'seconds' ? 1000 : 60_000;
    const timeline = events
      .filter((e) => (query.granularity === 'major_events' ? majorEvents.has(e.eventType) : query.includeSubEvents || !isSubEvent(e)))
      .map((e) => {
        const described = { ...e, description: eventDescription(e, language), ...(language === 'ja' && typeof e.details?.stageName === 'string' ? { details: { ...e.details, stageName: phaseName(e.details.stageName, 'ja') } } : {}) };
        return query.granularity === 'major_events' ? described : { ...described, timestamp: new Date(Math.floor(Date.parse(e.timestamp) / unit) * unit).toISOString(), exactTimestamp: e.timestamp };
      });
    const estimates = estimatesOf(op, now);
    const words = upcomingDescriptions[language];
    const upcoming = ['Initiated', 'Queued', 'Running'].includes(op.status)
      ? [
          ...phaseSchedule(op, estimates, now).flatMap((slot) => {
            const name = phaseName(slot.name, language)!;
            return [
              ...(slot.status === 'Running' ? [] : [{ estimatedTime: slot.estimatedStartTime, eventType: 'StageStart', description: words.stageStart(name), basedOn: slot.basedOn }]),
              { estimatedTime: slot.estimatedEndTime, eventType: 'StageCompletion', description: words.stageCompletion(name), basedOn: slot.basedOn },
            ];
          }),
          { estimatedTime: estimates.estimatedCompletion, eventType: 'JobCompletion', description: words.jobCompletion },
        ]
      : [];
    return {
      jobId: op.jobId,
      jobName: op.operationName,
      timelineScope: { startTime: op.startTime ?? null, currentTime: now.toISOString(), endTime: op.endTime ?? null, granularity: query.granularity },
      timeline,
      upcomingEvents: upcoming,
      ...(upcoming.length ? { estimateBasis: upcomingBasis(op, estimates) } : {}),
    };
  }

  /** The project's completed operations of the job's type, this one excluded: the history metrics compare against. */
  private async historyOf(op: OperationRecord): Promise<OperationRecord[]> {
    const { items } = await this.operations.list(op, { status: 'Completed', operationType: op.operationType }, 0, 20);
    return items.filter((h) => h.operationId !== op.operationId);
  }

  async metrics(job: JobScope, query: JobMetricsQuery) {
    const op = await this.operationOf(job);
    const [samples, events, history] = await Promise.all([this.journal.read(job, 'samples'), this.journal.read(job, 'events'), this.historyOf(op)]);
    const wanted = new Set(query.metrics ?? ['cpu', 'memory', 'disk', 'network', 'throughput']);
    const input: MetricsInput = { op, samples, events, history, phaseMemoryBytes: this.options.phaseFunction.memoryMb * 1024 * 1024, now: this.clock.now() };
    const utilisation = resourceUtilisation(input);
    const work = processing(input, recordsPerSecond(op));
    const stageFigures = stages(input);
    const latest = samples.at(-1) ?? op.latestSample;
    const pick = <T extends object>(all: T | null) => (all ? Object.fromEntries(Object.entries(all).filter(([name]) => wanted.has(name))) : null);
    return {
      jobId: op.jobId,
      metricsCollectionTime: latest?.timestamp ?? null,
      interval: query.interval,
      currentMetrics: {
        resourceUtilization: pick(utilisation),
        ...(wanted.has('throughput') ? { processing: work } : {}),
        stages: stageFigures,
      },
      ...(query.includeHistory ? { historicalMetrics: this.history(samples, intervalMs[query.interval], wanted) } : {}),
      performanceTrends: performanceTrends(input, [work.processingEfficiency, stageFigures.stageEfficiency, utilisation?.cpu.efficiency ?? null]),
      benchmarks: benchmarks(input),
    };
  }

  /** Samples averaged (CPU) or maxed (memory) per interval, with the stage of the interval's last sample. */
  private history(samples: ResourceSample[], bucketMs: number, wanted: Set<string>) {
    const buckets = new Map<number, ResourceSample[]>();
    for (const sample of samples) {
      const key = Math.floor(Date.parse(sample.timestamp) / bucketMs) * bucketMs;
      buckets.set(key, [...(buckets.get(key) ?? []), sample]);
    }
    return [...buckets.entries()].map(([start, group]) => {
      const first = group[0]!;
      const last = group.at(-1)!;
      const seconds = (Date.parse(last.timestamp) - Date.parse(first.timestamp)) / 1000;
      return {
        timestamp: new Date(start).toISOString(),
        samples: group.length,
        ...(wanted.has('cpu') ? { cpu: Math.round(group.reduce((sum, s) => sum + s.cpuPercent, 0) / group.length) } : {}),
        ...(wanted.has('memory') ? { memory: Math.round((Math.max(...group.map((s) => s.rssBytes)) / 1024 ** 3) * 100) / 100, memoryBytes: Math.max(...group.map((s) => s.rssBytes)) } : {}),
        ...(wanted.has('disk') ? { diskReadBytes: last.fsReadBytes, diskWriteBytes: last.fsWriteBytes } : {}),
        ...(wanted.has('network') ? { networkInBytes: last.networkInBytes, networkOutBytes: last.networkOutBytes ?? null } : {}),
        ...(wanted.has('throughput')
          ? { recordsProcessed: Math.max(...group.map((s) => s.recordsProcessed)), recordsPerSecond: seconds > 0 && first.stage === last.stage ? Math.round((last.recordsProcessed - first.recordsProcessed) / seconds) : 0 }
          : {}),
        stage: last.stage,
      };
    });
  }

  /** The operations waiting for a free slot, in admission order (at most `queueReadLimit`). */
  private async admissionQueue(scope: ProjectScope): Promise<OperationRecord[]> {
    const queue: OperationRecord[] = [];
    for await (const op of admissionOrder((p) => this.operations.waitingForCapacity(scope, p), this.clock.now(), this.options.ageingStepMs ?? defaultAgeingStepMs)) {
      queue.push(op);
      if (queue.length >= queueReadLimit) break;
    }
    return queue;
  }

  async tracking(scope: ProjectScope, query: TrackingQuery, language: Language = 'en') {
    const now = this.clock.now();
    const binding = { ...scope, route: 'tracking/batch' };
    const offset = query.nextToken ? Number((await this.cursors.open(query.nextToken, binding)).offset ?? 0) : 0;
    let listed: OperationRecord[];
    let nextOffset: number | null = null;
    const notFound: string[] = [];
    if (query.jobIds) {
      const found = await Promise.all(query.jobIds.map(async (jobId) => ({ jobId, op: await this.operations.getByJob(scope, jobId) })));
      for (const f of found) if (!f.op) notFound.push(f.jobId);
      listed = found.flatMap((f) => (f.op ? [f.op] : []));
    } else {
      const page = await this.operations.list(scope, query.status ? { status: query.status } : {}, offset, query.pageSize);
      listed = page.items;
      if (page.hasMore) nextOffset = offset + page.items.length;
    }
    const jobs = listed.filter((op) => (!query.status || op.status === query.status) && (!query.submittedBy || op.submittedBy === query.submittedBy));
    const [queue, active, recent] = await Promise.all([
      this.admissionQueue(scope),
      Promise.all((['Running', 'Initiated'] as const).map((status) => this.operations.list(scope, { status }, 0, 100))).then((pages) => pages.flatMap((p) => p.items)),
      this.operations.list(scope, {}, 0, recentForWaits).then((p) => p.items),
    ]);
    const positions = new Map(queue.map((op, i) => [op.operationId, i + 1]));
    const starts = estimatedStarts(active, queue, this.options.maxActiveOperations, now);
    const count = (status: OperationRecord['status']) => jobs.filter((op) => op.status === status).length;
    return {
      trackingTime: now.toISOString(),
      jobCount: jobs.length,
      summary: { running: count('Running'), queued: count('Queued') + count('Initiated'), completed: count('Completed'), failed: count('Failed'), cancelled: count('Cancelled'), timeout: count('Timeout') },
      jobs: jobs.map((op) => {
        const progress = progressOf(op);
        const usage = resourceUsageOf(op.latestSample);
        const rate = recordsPerSecond(op);
        const estimates = estimatesOf(op, now);
        const position = positions.get(op.operationId) ?? null;
        const start = op.status === 'Queued' ? (starts.get(op.operationId) ?? null) : null;
        return {
          jobId: op.jobId,
          jobName: op.operationName,
          operationId: op.operationId,
          status: op.status,
          progress: progress.percentage,
          startTime: op.startTime ?? null,
          ...(op.endTime ? { endTime: op.endTime } : {}),
          ...(op.status === 'Queued'
            ? {
                queuePosition: position,
                waitingFor: op.waitingFor === 'capacity' ? 'capacity' : 'dependencies',
                estimatedStartTime: start,
                estimatedCompletion: start && op.estimate ? new Date(Date.parse(start) + op.estimate.durationMs).toISOString() : null,
              }
            : { estimatedCompletion: estimates.estimatedCompletion }),
          currentStage: phaseName(progress.currentPhase, language),
          submittedBy: op.submittedBy,
          priority: op.priority,
          ...(query.includeMetrics ? { resourceUsage: usage ? { cpu: usage.cpuUsage, memory: usage.memoryUsage, processingRate: rate === null ? null : `${rate} records/second` } : null } : {}),
        };
      }),
      notFound,
      systemHealth: systemHealth({ active: active.length, limit: this.options.maxActiveOperations, waiting: queue, recent, now }),
      nextToken: nextOffset === null ? null : await this.cursors.seal({ offset: nextOffset }, binding),
      ...(query.refreshInterval ? { refreshInterval: query.refreshInterval, nextRefreshAt: new Date(now.getTime() + query.refreshInterval * 1000).toISOString() } : {}),
    };
  }

  /**
   * What the job builds on (the job it retries, the analysis it reports on, its batch dependencies, its dataset,
   * the function that runs it) and what builds on it (retries, reports, batch operations that wait for it).
   */
  async dependencies(job: JobScope) {
    const op = await this.operationOf(job);
    const source = 'sourceOperationId' in op.parameters ? op.parameters.sourceOperationId : undefined;
    const batch = op.batch ? await this.batches.get(op, op.batch.batchId) : undefined;
    const neighbours = batchNeighbours(batch, op);
    const prerequisites = [
      ...(op.retry ? [{ operationId: op.retry.originalOperationId, dependency: `Retry of this job (${op.retry.retryMode})` }] : []),
      ...(source && !neighbours.prerequisites.some((e) => e.operationId === source) ? [{ operationId: source, dependency: 'The analysis whose results this job reports' }] : []),
      ...neighbours.prerequisites.map((e) => ({ operationId: e.operationId, dependency: `Batch dependency ${e.operationKey} must complete first`, operationKey: e.operationKey })),
    ];
    const dependents = [
      ...(op.dependents ?? []).map((d) => ({ operationId: d.operationId, relation: d.relation as string, operationKey: undefined as string | undefined })),
      ...neighbours.dependents.filter((e) => !(op.dependents ?? []).some((d) => d.operationId === e.operationId)).map((e) => ({ operationId: e.operationId, relation: 'batch', operationKey: e.operationKey as string | undefined })),
    ];
    const [prerequisiteOps, dependentOps, dataset] = await Promise.all([
      Promise.all(prerequisites.map(async (p) => ({ ...p, op: await this.operations.get(job, p.operationId) }))),
      Promise.all(dependents.map(async (d) => ({ ...d, op: await this.operations.get(job, d.operationId) }))),
      'datasetId' in op.parameters && op.parameters.datasetId ? this.datasets.get(job, op.parameters.datasetId) : Promise.resolve(undefined),
    ]);
    const queuePosition = op.status === 'Queued' && op.waitingFor === 'capacity' ? (await this.admissionQueue(job)).findIndex((q) => q.operationId === op.operationId) + 1 || null : null;
    const prerequisiteJobs = prerequisiteOps
      .filter((p) => p.op)
      .map((p) => ({ jobId: p.op!.jobId, jobName: p.op!.operationName, operationId: p.operationId, status: p.op!.status, completedAt: p.op!.endTime ?? null, dependency: p.dependency }));
    const dependentJobs = dependentOps
      .filter((d) => d.op)
      .map((d) => ({
        jobId: d.op!.jobId,
        jobName: d.op!.operationName,
        operationId: d.operationId,
        status: d.op!.status,
        waitingFor: d.relation === 'retry' ? `${op.operationName} (retried)` : `${op.operationName} results`,
        relation: d.relation,
      }));
    return {
      jobId: op.jobId,
      dependencies: {
        prerequisiteJobs,
        resourceDependencies: [
          ...(dataset ? [{ resourceType: 'Dataset', resourceId: dataset.datasetId, resourceName: dataset.name, status: dataset.status, lastModified: dataset.uploadedAt ?? dataset.createdAt }] : []),
          computeResource(op, this.options.phaseFunction),
        ],
        dependentJobs,
      },
      blockingConditions: blockingConditions({
        op,
        batchPrerequisites: prerequisiteOps.filter((p) => 'operationKey' in p && p.operationKey).map((p) => ({ operationKey: (p as { operationKey: string }).operationKey, op: p.op })),
        dataset,
        queuePosition,
      }),
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
