import { phaseOf, type PhaseDefinition, type PhaseId } from './operation-types.ts';
import type { CallbackNotifier } from './callbacks.ts';
import type { Clock, DatasetStore, JobJournal, ObjectStore, OperationStore } from './ports.ts';
import { isTerminal, type ArtifactRecord, type JobRef, type LogEntry, type LogLevel, type OperationRecord, type PhaseProgress, type TimelineEvent } from './records.ts';
import type { ProgressHook } from '../mining/progress.ts';
import { phaseWeightsFrom } from './progress.ts';
import { PhaseCancelledError, PhaseProgressTracker } from './phase-progress.ts';
import { jobObjectKey } from './phases/checkpoint-keys.ts';
import { ResourceSampler } from './resource-sampler.ts';
import { phaseFailure } from './failures.ts';
import { FencedWriteError } from './errors.ts';
import { Lifecycle } from './lifecycle.ts';
import { withLatestAttempt } from './attempts.ts';
import { countingObjectStore } from './counting-object-store.ts';
import { progressStep } from './views/progress-events.ts';
import { errorFields, telemetry } from './telemetry.ts';

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
  /**
   * Measured progress: `fraction` of the phase done (0..1), what it is doing now, and what it counts. Called at safe
   * points only, because it throws {@link PhaseCancelledError} once the operation has been cancelled.
   */
  report(fraction: number, operation: string, counts?: { done: number; total: number; unit: string }, models?: PhaseProgress['models']): void;
  /** An engine progress hook covering `[from, to]` of the phase; `unit` names what the engine counts. */
  hook(from: number, to: number, unit: string, models?: readonly string[]): ProgressHook;
  /** Aborted once the operation is Cancelled (read from the store at most every `cancellationCheckMs`). */
  signal: AbortSignal;
  /** A safe point between steps: throws {@link PhaseCancelledError} when the operation was cancelled. */
  throwIfCancelled(): void;
}

export { PhaseCancelledError };

export interface PhaseOutcome {
  recordsProcessed: number;
  artifacts?: ArtifactRecord[];
  /** Set by the phase that learns how many records the operation has. */
  totalRecords?: number;
  results: Record<string, unknown>;
}

export type PhaseWork = (context: PhaseContext) => Promise<PhaseOutcome>;

const timedOut = Symbol('timedOut');

export class OperationNotRunningError extends Error {
  override readonly name = 'OperationNotRunning';
}

/**
 * Faults injected before a phase's work, for tests of failures, retries and timeouts: it may throw (the phase
 * fails as its work would) or wait (the phase runs longer). Only the local stack provides one (local/faults.ts).
 */
export interface PhaseFaults {
  beforeWork(phase: PhaseId, job: JobRef): Promise<void>;
}

export interface PhaseRunnerOptions {
  sampleIntervalMs: number;
  memoryLimitBytes: number | null;
  /** How often a running phase writes its measured progress to the operation (default 500 ms; at most 1 s). */
  progressIntervalMs?: number;
  /** How often a running phase reads whether its operation was cancelled (default 1 s). */
  cancellationCheckMs?: number;
}

/** Progress written at least this often while a phase runs. */
const defaultProgressIntervalMs = 500;
const defaultCancellationCheckMs = 1000;

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
    private readonly faults?: PhaseFaults,
  ) {}

  /** Ends a Running (or not yet running) operation whose timeoutAt passed: status Timeout, `operation.timeout` delivered. */
  private async timeOut(job: JobRef, operation: OperationRecord, during: string | null): Promise<void> {
    const now = this.clock.now().toISOString();
    const moved = await new Lifecycle(this.operations).apply('timeOut', job, job.operationId, {
      endTime: now,
      error: {
        error: 'OperationTimedOut',
        cause: `The operation's timeout of ${operation.timeoutSeconds} s passed at ${operation.timeoutAt}${during ? ` during ${during}` : ''}`,
        ...(during ? { phase: during } : {}),
      },
      ...(operation.attempts ? { attempts: withLatestAttempt(operation, { status: 'Timeout', endTime: now }) } : {}),
    });
    if (!moved) return;
    const ended = await this.operations.get(job, job.operationId);
    if (ended) await this.notifier.notify(ended, 'operation.timeout');
  }

  /** Each phase's share of run time in this project's completed operations of the type (equal without enough of them). */
  private async phaseWeightsOf(operation: OperationRecord) {
    // Without history (or when it cannot be read) the phases weigh the same: progress must not fail a phase.
    const { items } = await Promise.resolve()
      .then(() => this.operations.list(operation, { status: 'Completed', operationType: operation.operationType }, 0, 20))
      .catch(() => ({ items: [] as OperationRecord[] }));
    return phaseWeightsFrom(items, operation.phases.map((p) => p.id));
  }

  /**
   * The phase stopped at a safe point after its operation was cancelled: it is recorded Cancelled with how far it
   * got, never Completed, and the task fails so that nothing starts after it. No callback is sent from here: the
   * cancellation path owns the operation's events.
   */
  private async cancelled(
    job: JobRef,
    phaseId: PhaseId,
    name: string,
    ended: { startTime: string; endTime: string; logs: LogEntry[]; sampler: ResourceSampler; progress: PhaseProgress | undefined },
  ): Promise<never> {
    const durationMs = Date.parse(ended.endTime) - Date.parse(ended.startTime);
    const phase = phaseOf(job.operationType, phaseId);
    ended.logs.push({
      timestamp: ended.endTime,
      level: 'INFO',
      component: phase.component,
      stage: name,
      message: `${name} stopped at a safe point: the operation was cancelled`,
      details: { durationMs, recordsProcessed: ended.sampler.recordsProcessed, ...(ended.progress ? { progress: Math.round(ended.progress.fraction * 1000) / 10, activity: ended.progress.operation } : {}) },
    });
    await Promise.all([
      this.journal.append(job, { logs: ended.logs.splice(0), events: [], samples: [ended.sampler.sample(this.clock.now())] }),
      this.operations.updatePhase(job, job.operationId, phaseId, {
        status: 'Cancelled',
        endTime: ended.endTime,
        durationMs,
        recordsProcessed: ended.sampler.recordsProcessed,
        resources: ended.sampler.summary(),
        ...(ended.progress ? { progress: ended.progress } : {}),
      }),
    ]).catch(() => undefined);
    throw new OperationNotRunningError(`Operation ${job.operationId} was cancelled during ${name}`);
  }

  /** `memoryLimitBytes`: the invoked function's own memory (each phase size is its own function), else the configured one. */
  async run(phaseId: PhaseId, job: JobRef, memoryLimitBytes?: number): Promise<{ phase: PhaseId; recordsProcessed: number }> {
    const operation = await this.operations.get(job, job.operationId);
    if (!operation) throw new Error(`Operation ${job.operationId} not found`);
    if (isTerminal(operation.status)) throw new OperationNotRunningError(`Operation ${job.operationId} is ${operation.status}`);
    // A stale attempt's execution does no work: a newer attempt owns the operation.
    if (operation.jobId !== job.jobId) throw new OperationNotRunningError(`Job ${job.jobId} is not the current attempt of ${job.operationId}`);
    if (this.clock.now() >= new Date(operation.timeoutAt)) {
      // No phase starts after the deadline.
      await this.timeOut(job, operation, null);
      throw new OperationNotRunningError(`Operation ${job.operationId} timed out at ${operation.timeoutAt}`);
    }
    const phase = phaseOf(job.operationType, phaseId);
    const sampler = new ResourceSampler(phase.name, memoryLimitBytes ?? this.options.memoryLimitBytes);
    const logs: LogEntry[] = [];
    const events: TimelineEvent[] = [];
    const now = () => this.clock.now().toISOString();
    const warnings: string[] = [];
    const log = (level: LogLevel, message: string, details?: Record<string, unknown>) => {
      logs.push({ timestamp: now(), level, component: phase.component, stage: phase.name, message, ...(details ? { details } : {}) });
      if (level === 'WARN') warnings.push(message);
      // Warnings and errors are timeline events too, as they happen.
      if (level === 'WARN' || level === 'ERROR') events.push({ timestamp: now(), eventType: level === 'WARN' ? 'Warning' : 'Error', description: message, details: { stageName: phase.name, ...details } });
    };
    const milestone = (eventType: TimelineEvent['eventType'], description: string, details?: Record<string, unknown>) =>
      events.push({ timestamp: now(), eventType, description, details: { stageName: phase.name, ...details } });

    const startTime = now();
    // The weights are fixed before any phase reports progress, so the percentage never moves back as history grows.
    const weights = operation.phaseWeights ?? (await this.phaseWeightsOf(operation));
    // The phase shows an activity from its first moment, before its work reports any.
    const starting = { fraction: 0, done: 0, total: 0, unit: 'steps', operation: `Starting ${phase.name}`, updatedAt: startTime };
    await this.operations.updatePhase(job, job.operationId, phaseId, { status: 'Running', startTime, progress: starting }, operation.phaseWeights ? undefined : { phaseWeights: weights });
    log('INFO', `${phase.name} started`);
    milestone('StageStarted', `${phase.name} started`);
    await this.notifier.notify(operation, 'operation.phase.started', { phase: { id: phaseId, name: phase.name, status: 'Running', startTime } });

    let stepReached = 0;
    let lastRecords = 0;
    // Created after the first flush, whose failure would otherwise leave its timers running.
    let measured: PhaseProgressTracker | undefined;
    const flush = async () => {
      const sample = sampler.sample(this.clock.now());
      if (sampler.recordsProcessed !== lastRecords) {
        log('DEBUG', `Processed ${sampler.recordsProcessed} records`, { recordsProcessed: sampler.recordsProcessed, sinceLastSample: sampler.recordsProcessed - lastRecords });
        lastRecords = sampler.recordsProcessed;
      }
      // Every 10 % of the phase, by its measured progress (or its records where it reports none).
      const current = measured?.current;
      const step = current ? progressStep(stepReached, Math.round(current.fraction * 1000), 1000) : progressStep(stepReached, sampler.recordsProcessed, operation.totalRecords);
      if (step !== null && step < 100) {
        events.push({
          timestamp: now(),
          eventType: 'Progress',
          description: `${phase.name} ${step}% complete`,
          details: {
            stageName: phase.name,
            progress: step,
            recordsProcessed: sampler.recordsProcessed,
            ...(operation.totalRecords ? { remainingRecords: Math.max(0, operation.totalRecords - sampler.recordsProcessed) } : {}),
            ...(current ? { currentActivity: current.operation } : {}),
          },
        });
        stepReached = step;
      }
      const pending = { logs: logs.splice(0), events: events.splice(0), samples: [sample] };
      await Promise.all([
        this.journal.append(job, pending),
        this.operations.updatePhase(job, job.operationId, phaseId, { recordsProcessed: sampler.recordsProcessed }, { latestSample: sample }),
      ]);
    };
    await flush();
    const tracker = (measured = new PhaseProgressTracker(job, phaseId, phase, this.operations, this.journal, now, () => sampler.recordsProcessed, {
      progressIntervalMs: this.options.progressIntervalMs ?? defaultProgressIntervalMs,
      cancellationCheckMs: this.options.cancellationCheckMs ?? defaultCancellationCheckMs,
    }));
    let flushing: Promise<void> = Promise.resolve();
    const timer = setInterval(() => {
      flushing = flushing.then(flush).catch(() => undefined);
    }, this.options.sampleIntervalMs);
    const stopTimers = async () => {
      clearInterval(timer);
      await Promise.all([flushing, tracker.stop()]);
    };

    const context: PhaseContext = {
      job,
      operation,
      phase,
      objects: countingObjectStore(this.objects, sampler),
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
      report: tracker.report,
      hook: tracker.hook,
      signal: tracker.signal,
      throwIfCancelled: tracker.throwIfCancelled,
    };

    // The phase races the operation's deadline: at timeoutAt it stops waiting for the work, ends the operation
    // Timeout and fails the task, which ends the execution (the same in Lambda and locally).
    let deadlineTimer: NodeJS.Timeout | undefined;
    const deadline = new Promise<typeof timedOut>((resolve) => {
      deadlineTimer = setTimeout(() => resolve(timedOut), Math.max(0, Date.parse(operation.timeoutAt) - this.clock.now().getTime()));
    });
    const work = (async () => {
      await this.faults?.beforeWork(phaseId, job);
      return this.work[phaseId](context);
    })();
    try {
      const raced = await Promise.race([work, deadline]).finally(() => clearTimeout(deadlineTimer));
      if (raced === timedOut) {
        // The work may still settle; nothing waits for it, and what it would record is not recorded.
        work.catch(() => undefined);
        await stopTimers();
        const endTime = now();
        log('ERROR', `${phase.name} stopped: the operation's timeout passed at ${operation.timeoutAt}`, { error: 'OperationTimedOut' });
        milestone('StageFailed', `${phase.name} timed out`, { error: 'OperationTimedOut' });
        await Promise.all([
          this.journal.append(job, { logs: logs.splice(0), events: events.splice(0), samples: [sampler.sample(this.clock.now())] }),
          this.operations.updatePhase(job, job.operationId, phaseId, {
            status: 'Timeout',
            endTime,
            durationMs: new Date(endTime).getTime() - new Date(startTime).getTime(),
            recordsProcessed: sampler.recordsProcessed,
            resources: sampler.summary(),
          }),
        ]);
        await this.timeOut(job, operation, phase.name);
        throw new OperationNotRunningError(`Operation ${job.operationId} timed out at ${operation.timeoutAt} during ${phase.name}`);
      }
      const outcome = raced;
      await stopTimers();
      const endTime = now();
      const durationMs = new Date(endTime).getTime() - new Date(startTime).getTime();
      sampler.recordsProcessed = outcome.recordsProcessed;
      log('INFO', `${phase.name} completed`, { durationMs, recordsProcessed: outcome.recordsProcessed });
      milestone('StageCompleted', `${phase.name} completed`, { durationMs, recordsProcessed: outcome.recordsProcessed });
      log('DEBUG', `${phase.name} resources`, { ...sampler.summary(), storageRequests: sampler.storageRequests, bytesWritten: sampler.networkOutBytes, bytesRead: sampler.networkInBytes });
      const order = operation.phases.findIndex((p) => p.id === phaseId);
      const jobStep = progressStep(Math.floor((100 * order) / operation.phases.length), order + 1, operation.phases.length);
      if (jobStep !== null) events.push({ timestamp: now(), eventType: 'Progress', description: `Job ${jobStep}% complete`, details: { scope: 'job', progress: jobStep, stagesCompleted: order + 1, totalStages: operation.phases.length } });
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
            ...(tracker.current ? { progress: { ...tracker.current, fraction: 1, updatedAt: endTime } } : {}),
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
      if (error instanceof OperationNotRunningError) throw error;
      await stopTimers();
      const endTime = now();
      // A force-stopped or superseded job's writes are refused by the store's fence: it records nothing more.
      if (error instanceof FencedWriteError) throw new OperationNotRunningError(error.message);
      if (error instanceof PhaseCancelledError) return this.cancelled(job, phaseId, phase.name, { startTime, endTime, logs, sampler, progress: tracker.current });
      // The job's log and timeline are served to clients: they get the documented code and its message, the
      // function's own log gets the raw error.
      const failure = phaseFailure(error);
      telemetry.log('ERROR', 'Phase failed', { jobId: job.jobId, operationId: job.operationId, phase: phaseId, code: failure.code, ...errorFields(error) });
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
