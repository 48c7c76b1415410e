import type { CallbackEvent, CallbackNotifier } from './callbacks.ts';
import type { Clock, JobJournal, OperationStore } from './ports.ts';
import type { JobRef, ProjectScope } from './records.ts';
import { executionFailure } from './failures.ts';
import { Lifecycle } from './lifecycle.ts';
import { isRetryable, type AutomaticRetries } from './automatic-retries.ts';
import { withLatestAttempt } from './attempts.ts';
import { telemetry } from './telemetry.ts';

export type LifecycleEvent =
  | { event: 'started'; job: JobRef }
  | { event: 'completed'; job: JobRef }
  | { event: 'failed'; job: JobRef; error?: { Error?: string; Cause?: string } };

/**
 * Moves an operation through its lifecycle as the state machine reports it. A transition
 * that no longer applies (the operation was cancelled or timed out meanwhile) is ignored.
 */
export class LifecycleRecorder {
  constructor(
    private readonly operations: OperationStore,
    private readonly journal: JobJournal,
    private readonly notifier: CallbackNotifier,
    /** Starts or cancels what waited for an operation that ended (batch dependents, queued operations). */
    private readonly scheduler: { operationEnded(scope: ProjectScope, operationId: string): Promise<void> },
    private readonly clock: Clock,
    /** Schedules the next attempt of a failed run that its retryPolicy retries; absent, every failure ends the operation. */
    private readonly retries?: Pick<AutomaticRetries, 'scheduleAfterFailure'>,
  ) {}

  private get lifecycle(): Lifecycle {
    return new Lifecycle(this.operations);
  }

  private async ended(job: JobRef): Promise<void> {
    await this.scheduler.operationEnded(job, job.operationId);
  }

  private async notify(job: JobRef, event: CallbackEvent): Promise<void> {
    const operation = await this.operations.get(job, job.operationId);
    if (operation) await this.notifier.notify(operation, event);
  }

  async record(input: LifecycleEvent): Promise<{ recorded: boolean }> {
    const { job } = input;
    const now = this.clock.now().toISOString();
    const log = (level: 'INFO' | 'ERROR', message: string, details?: Record<string, unknown>) => ({
      timestamp: now,
      level,
      component: 'Orchestrator',
      stage: 'Lifecycle',
      message,
      ...(details ? { details } : {}),
    });
    switch (input.event) {
      case 'started': {
        const operation = await this.operations.get(job, job.operationId);
        // An execution of an earlier attempt (e.g. one stopped as it started) does not move the operation.
        if (operation && operation.jobId !== job.jobId) return { recorded: false };
        const recorded = await this.lifecycle.apply('start', job, job.operationId, {
          // The operation's start is its first attempt's; later attempts record theirs in `attempts`.
          startTime: operation?.startTime ?? now,
          ...(operation?.attempts ? { attempts: withLatestAttempt(operation, { status: 'Running', startTime: now }) } : {}),
        });
        // Usually the launcher has already moved it to Running as StartExecution returned (lifecycle.ts): this execution's
        // start is journaled and announced here all the same.
        // Read again: the launcher's move may have landed between the read above and this record's own.
        const current = recorded ? undefined : await this.operations.get(job, job.operationId);
        const startedAtLaunch = !recorded && current?.status === 'Running' && current.jobId === job.jobId;
        if (recorded || startedAtLaunch) {
          const details = { submittedBy: operation?.submittedBy, priority: operation?.priority, operationType: job.operationType };
          await this.journal.append(job, {
            logs: [log('INFO', `Job ${job.jobId} started`, details)],
            events: [{ timestamp: now, eventType: 'JobStarted', description: 'Job execution started', details }],
          });
          await this.notify(job, 'operation.started');
        }
        return { recorded: recorded || startedAtLaunch };
      }
      case 'completed': {
        const operation = await this.operations.get(job, job.operationId);
        if (operation && operation.jobId !== job.jobId) return { recorded: false };
        const recorded = await this.lifecycle.apply('complete', job, job.operationId, {
          endTime: now,
          ...(operation?.attempts ? { attempts: withLatestAttempt(operation, { status: 'Completed', endTime: now }) } : {}),
        });
        if (recorded) {
          await this.journal.append(job, {
            logs: [log('INFO', `Job ${job.jobId} completed`)],
            events: [{ timestamp: now, eventType: 'JobCompleted', description: 'Job execution completed' }],
          });
          await this.notify(job, 'operation.completed');
        }
        await this.ended(job);
        return { recorded };
      }
      case 'failed': {
        const { error, internal } = executionFailure(input.error);
        const operation = await this.operations.get(job, job.operationId);
        // A stale attempt's execution (stopped, or failing after a newer attempt took over) changes nothing.
        if (operation && operation.jobId !== job.jobId) return { recorded: false };
        if (await this.retries?.scheduleAfterFailure(job, error)) {
          if (internal) telemetry.log('ERROR', 'Attempt failed; retrying', { jobId: job.jobId, operationId: job.operationId, error: input.error?.Error, cause: input.error?.Cause });
          const scheduled = (await this.operations.get(job, job.operationId))?.attempts?.at(-1);
          const details = { ...error, nextAttempt: scheduled?.attempt, nextJobId: scheduled?.jobId, scheduledFor: scheduled?.scheduledFor, resumeFrom: scheduled?.resumeFrom ?? null };
          await this.journal.append(job, {
            logs: [log('ERROR', `Job ${job.jobId} failed: ${error.cause}; attempt ${scheduled?.attempt} is scheduled for ${scheduled?.scheduledFor}`, details)],
            events: [{ timestamp: now, eventType: 'JobFailed', description: 'Job execution failed; the operation will be retried', details }],
          });
          // The slot it gave back goes to the next waiting operation.
          await this.ended(job);
          return { recorded: true };
        }
        const notRetried = operation?.retryPolicy && !isRetryable(error.error);
        const recordedError = notRetried ? { ...error, cause: `${error.cause} (not retryable: another attempt on the same input would fail the same way)` } : error;
        const recorded = await this.lifecycle.apply('fail', job, job.operationId, {
          endTime: now,
          error: recordedError,
          ...(operation?.attempts ? { attempts: withLatestAttempt(operation, { status: 'Failed', endTime: now, error: { ...recordedError, retryable: isRetryable(error.error) } }) } : {}),
        });
        if (recorded) {
          // The raw error goes to the function's log only; the operation, its log and timeline get the documented code.
          if (internal) telemetry.log('ERROR', 'Execution failed', { jobId: job.jobId, operationId: job.operationId, error: input.error?.Error, cause: input.error?.Cause });
          await this.journal.append(job, {
            logs: [log('ERROR', `Job ${job.jobId} failed: ${recordedError.cause}`, recordedError)],
            events: [{ timestamp: now, eventType: 'JobFailed', description: 'Job execution failed', details: recordedError }],
          });
          await this.notify(job, 'operation.failed');
        }
        // Also when the operation had already ended otherwise (cancelled, timed out): what waited on it moves on.
        await this.ended(job);
        return { recorded };
      }
    }
  }
}
