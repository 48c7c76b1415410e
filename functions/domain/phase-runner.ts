import { phaseOf, type PhaseDefinition, type PhaseId } from './operation-types.ts';
import type { CallbackNotifier } from './callbacks.ts';
import type { Clock, DatasetStore, JobJournal, ObjectStore, OperationStore } from './ports.ts';
import { isTerminal, type ArtifactRecord, type JobRef, type LogEntry, type LogLevel, type OperationRecord, type TimelineEvent } from './records.ts';
import { jobObjectKey } from './phases/checkpoint-keys.ts';
import { ResourceSampler } from './resource-sampler.ts';
import { phaseFailure } from './failures.ts';

export interface PhaseContext {
  job: JobRef;
  operation: OperationRecord;
  phase: PhaseDefinition;
  objects: ObjectStore;
  datasets: DatasetStore;
  operations: Pick<OperationStore, 'get'>;
  log(level: LogLevel, message: string, details?: Record<string, unknown>): void;
  milestone(eventType: TimelineEvent['eventType'], description: string, details?: Record<string, unknown>): void;
  /** Records handled so far in this phase; sampled into progress and metrics. */
  progress(recordsProcessed: number): void;
  /** Bytes read from storage, reported as the phase's network input. */
  bytesRead(count: number): void;
  jobObjectKey(name: string): string;
}

export interface PhaseOutcome {
  recordsProcessed: number;
  artifacts?: ArtifactRecord[];
  /** Set by the phase that learns how many records the operation has. */
  totalRecords?: number;
  results: Record<string, unknown>;
}

export type PhaseWork = (context: PhaseContext) => Promise<PhaseOutcome>;

export class OperationNotRunningError extends Error {
  override readonly name = 'OperationNotRunning';
}

export interface PhaseRunnerOptions {
  sampleIntervalMs: number;
  memoryLimitBytes: number | null;
}

/** Runs one phase of one job and records what happened: phase status, logs, timeline events, resource samples. */
export class PhaseRunner {
  constructor(
    private readonly operations: OperationStore,
    private readonly datasets: DatasetStore,
    private readonly objects: ObjectStore,
    private readonly journal: JobJournal,
    private readonly clock: Clock,
    private readonly options: PhaseRunnerOptions,
    private readonly work: Record<PhaseId, PhaseWork>,
    private readonly notifier: CallbackNotifier,
  ) {}

  async run(phaseId: PhaseId, job: JobRef): Promise<{ phase: PhaseId; recordsProcessed: number }> {
    const operation = await this.operations.get(job, job.operationId);
    if (!operation) throw new Error(`Operation ${job.operationId} not found`);
    if (isTerminal(operation.status)) throw new OperationNotRunningError(`Operation ${job.operationId} is ${operation.status}`);
    if (this.clock.now() >= new Date(operation.timeoutAt)) {
      // The timeout is enforced where work begins: no phase starts after the deadline.
      await this.operations.transition(job, job.operationId, ['Initiated', 'Queued', 'Running'], 'Timeout', {
        endTime: this.clock.now().toISOString(),
        error: { error: 'OperationTimedOut', cause: `The operation's timeout of ${operation.timeoutSeconds} s passed at ${operation.timeoutAt}` },
      });
      const timedOut = await this.operations.get(job, job.operationId);
      if (timedOut) await this.notifier.notify(timedOut, 'operation.timeout');
      throw new OperationNotRunningError(`Operation ${job.operationId} timed out at ${operation.timeoutAt}`);
    }
    const phase = phaseOf(job.operationType, phaseId);
    const sampler = new ResourceSampler(phase.name, this.options.memoryLimitBytes);
    const logs: LogEntry[] = [];
    const events: TimelineEvent[] = [];
    const now = () => this.clock.now().toISOString();
    const warnings: string[] = [];
    const log = (level: LogLevel, message: string, details?: Record<string, unknown>) => {
      logs.push({ timestamp: now(), level, component: phase.component, stage: phase.name, message, ...(details ? { details } : {}) });
      if (level === 'WARN') warnings.push(message);
    };
    const milestone = (eventType: TimelineEvent['eventType'], description: string, details?: Record<string, unknown>) =>
      events.push({ timestamp: now(), eventType, description, details: { stageName: phase.name, ...details } });

    const startTime = now();
    await this.operations.updatePhase(job, job.operationId, phaseId, { status: 'Running', startTime });
    log('INFO', `${phase.name} started`);
    milestone('StageStarted', `${phase.name} started`);
    await this.notifier.notify(operation, 'operation.phase.started', { phase: { id: phaseId, name: phase.name, status: 'Running', startTime } });

    const flush = async () => {
      const sample = sampler.sample(this.clock.now());
      const pending = { logs: logs.splice(0), events: events.splice(0), samples: [sample] };
      await Promise.all([
        this.journal.append(job, pending),
        this.operations.updatePhase(job, job.operationId, phaseId, { recordsProcessed: sampler.recordsProcessed }, { latestSample: sample }),
      ]);
    };
    await flush();
    let flushing: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      flushing = flushing.then(flush).catch(() => undefined);
    }, this.options.sampleIntervalMs);

    const context: PhaseContext = {
      job,
      operation,
      phase,
      objects: this.objects,
      datasets: this.datasets,
      operations: this.operations,
      log,
      milestone,
      progress: (records) => {
        sampler.recordsProcessed = records;
      },
      bytesRead: (count) => {
        sampler.networkInBytes += count;
      },
      jobObjectKey: (name) => jobObjectKey(job, name),
    };

    try {
      const outcome = await this.work[phaseId](context);
      clearInterval(timer);
      await flushing;
      const endTime = now();
      const durationMs = new Date(endTime).getTime() - new Date(startTime).getTime();
      sampler.recordsProcessed = outcome.recordsProcessed;
      log('INFO', `${phase.name} completed`, { durationMs, recordsProcessed: outcome.recordsProcessed });
      milestone('StageCompleted', `${phase.name} completed`, { durationMs, recordsProcessed: outcome.recordsProcessed });
      const sample = sampler.sample(this.clock.now());
      await Promise.all([
        this.journal.append(job, { logs: logs.splice(0), events: events.splice(0), samples: [sample] }),
        this.operations.updatePhase(
          job,
          job.operationId,
          phaseId,
          {
            status: 'Completed',
            endTime,
            durationMs,
            recordsProcessed: outcome.recordsProcessed,
            results: outcome.results,
            ...(outcome.artifacts ? { artifacts: outcome.artifacts } : {}),
            resources: sampler.summary(),
          },
          {
            latestSample: sample,
            // The operation's record counts are the dataset's, learnt by the phase that reads it.
            ...(outcome.totalRecords !== undefined ? { totalRecords: outcome.totalRecords, processedRecords: outcome.recordsProcessed } : {}),
          },
        ),
      ]);
      const updated = await this.operations.get(job, job.operationId);
      if (updated) {
        const done = updated.phases.find((p) => p.id === phaseId)!;
        if (warnings.length) await this.notifier.notify(updated, 'operation.warning', { phase: done, warnings });
        await this.notifier.notify(updated, 'operation.progress', { phase: done });
      }
      return { phase: phaseId, recordsProcessed: outcome.recordsProcessed };
    } catch (error) {
      clearInterval(timer);
      await flushing;
      const endTime = now();
      // The job's log and timeline are served to clients: they get the documented code and its message, the
      // function's own log gets the raw error.
      const failure = phaseFailure(error);
      console.error(
        JSON.stringify({
          level: 'ERROR',
          message: 'Phase failed',
          jobId: job.jobId,
          operationId: job.operationId,
          phase: phaseId,
          code: failure.code,
          error: error instanceof Error ? error.name : typeof error,
          detail: error instanceof Error ? error.message : String(error),
          stack: error instanceof Error ? error.stack : undefined,
        }),
      );
      log('ERROR', `${phase.name} failed: ${failure.message}`, { error: failure.code });
      milestone('StageFailed', `${phase.name} failed`, { error: failure.code, message: failure.message });
      await Promise.all([
        this.journal.append(job, { logs: logs.splice(0), events: events.splice(0), samples: [sampler.sample(this.clock.now())] }),
        this.operations.updatePhase(job, job.operationId, phaseId, {
          status: 'Failed',
          endTime,
          durationMs: new Date(endTime).getTime() - new Date(startTime).getTime(),
          recordsProcessed: sampler.recordsProcessed,
          resources: sampler.summary(),
        }),
      ]);
      const failed = await this.operations.get(job, job.operationId);
      if (failed) await this.notifier.notify(failed, 'operation.phase.failed', { phase: failed.phases.find((p) => p.id === phaseId)! });
      throw failure;
    }
  }
}
