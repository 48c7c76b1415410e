import type { AutomaticRetries } from './automatic-retries.ts';
import { withLatestAttempt } from './attempts.ts';
import type { CallbackNotifier } from './callbacks.ts';
import { Lifecycle } from './lifecycle.ts';
import { LifecycleRecorder } from './lifecycle-recorder.ts';
import type { Clock, JobJournal, OperationStore } from './ports.ts';
import type { JobRef, OperationRecord, ProjectScope } from './records.ts';

/** An execution that ended, as its status-change event reports it. */
export interface ExecutionEnded {
  executionArn: string;
  status: string;
  job: JobRef;
  error?: string | null;
  cause?: string | null;
}

export type ReconcileOutcome =
  | { settled: true; operationId: string; status: OperationRecord['status'] }
  | { settled: false; reason: 'not-an-ending' | 'operation-not-found' | 'stale-attempt' | 'already-settled' | 'moved-meanwhile' };

/** Statuses in which an operation holds a slot and expects its execution to report its end. */
const activeStatuses: readonly OperationRecord['status'][] = ['Initiated', 'Running'];

/**
 * Settles an operation whose execution ended without recording that end: the lifecycle function kept failing, the
 * execution ran past its state machine's timeout, or it was stopped outside the service. Every move goes through the
 * lifecycle (the store's conditional transition frees the slot and updates the counters), so a second delivery of the
 * same event, or an event for an operation that did settle, changes nothing and sends no second terminal event.
 */
export class ExecutionReconciler {
  constructor(
    private readonly operations: OperationStore,
    private readonly journal: JobJournal,
    private readonly notifier: CallbackNotifier,
    private readonly scheduler: { operationEnded(scope: ProjectScope, operationId: string): Promise<void> },
    private readonly clock: Clock,
    /** A FAILED execution is a failed attempt like any other: its retryPolicy may retry it. */
    private readonly retries?: Pick<AutomaticRetries, 'scheduleAfterFailure'>,
  ) {}

  async settle(ended: ExecutionEnded): Promise<ReconcileOutcome> {
    if (!['FAILED', 'TIMED_OUT', 'ABORTED'].includes(ended.status)) return { settled: false, reason: 'not-an-ending' };
    const { job } = ended;
    const operation = await this.operations.get(job, job.operationId);
    if (!operation) return { settled: false, reason: 'operation-not-found' };
    // An earlier attempt's execution (stopped, or retried since) says nothing about the current one.
    if (operation.jobId !== job.jobId) return { settled: false, reason: 'stale-attempt' };
    if (!activeStatuses.includes(operation.status)) return { settled: false, reason: 'already-settled' };

    const now = this.clock.now().toISOString();
    await this.failRunningPhases(job, operation, now);
    await this.journal.append(job, {
      logs: [
        {
          timestamp: now,
          level: 'WARN',
          component: 'Orchestrator',
          stage: 'Lifecycle',
          message: `Execution ended ${ended.status} while the operation was ${operation.status}; settled by the reconciler`,
          details: { executionArn: ended.executionArn, executionError: ended.error ?? null },
        },
      ],
    });

    const moved = ended.status === 'TIMED_OUT' ? await this.timeOut(job, operation, now) : await this.fail(ended);
    const after = await this.operations.get(job, job.operationId);
    return moved && after ? { settled: true, operationId: job.operationId, status: after.status } : { settled: false, reason: 'moved-meanwhile' };
  }

  /** Through the recorder, as the state machine's `Record Operation Failed` would have: retry policy, events, batch, admission. */
  private async fail(ended: ExecutionEnded): Promise<boolean> {
    // A stop from outside the service is an operator's decision: it is not retried automatically.
    const retries = ended.status === 'ABORTED' ? undefined : this.retries;
    const recorder = new LifecycleRecorder(this.operations, this.journal, this.notifier, this.scheduler, this.clock, retries);
    const error = { Error: ended.error ?? (ended.status === 'ABORTED' ? 'ExecutionAborted' : 'ExecutionFailed'), ...(ended.cause ? { Cause: ended.cause } : {}) };
    const { recorded } = await recorder.record({ event: 'failed', job: ended.job, error });
    return recorded;
  }

  /** The state machine's TimeoutSeconds is longer than any operation's timeout, so its expiry is the operation's. */
  private async timeOut(job: JobRef, operation: OperationRecord, now: string): Promise<boolean> {
    const moved = await new Lifecycle(this.operations).apply('timeOut', job, job.operationId, {
      endTime: now,
      error: { error: 'OperationTimedOut', cause: `The operation's execution ran past its state machine's timeout (operation timeout ${operation.timeoutSeconds} s, due ${operation.timeoutAt})` },
      ...(operation.attempts ? { attempts: withLatestAttempt(operation, { status: 'Timeout', endTime: now }) } : {}),
    });
    if (moved) {
      await this.journal.append(job, {
        logs: [{ timestamp: now, level: 'ERROR', component: 'Orchestrator', stage: 'Lifecycle', message: `Job ${job.jobId} timed out` }],
        events: [{ timestamp: now, eventType: 'JobFailed', description: 'Job execution timed out' }],
      });
      const ended = await this.operations.get(job, job.operationId);
      if (ended) await this.notifier.notify(ended, 'operation.timeout');
    }
    await this.scheduler.operationEnded(job, job.operationId);
    return moved;
  }

  /** A phase whose invocation died with the execution would otherwise stay Running on an ended operation. */
  private async failRunningPhases(job: JobRef, operation: OperationRecord, now: string): Promise<void> {
    for (const phase of operation.phases.filter((p) => p.status === 'Running')) {
      const durationMs = phase.startTime ? Math.max(0, Date.parse(now) - Date.parse(phase.startTime)) : 0;
      await this.operations.updatePhase(job, job.operationId, phase.id, { status: 'Failed', endTime: now, durationMs });
    }
  }
}
