import type { CallbackEvent, CallbackNotifier } from './callbacks.ts';
import type { Clock, JobJournal, OperationStore } from './ports.ts';
import type { JobRef, ProjectScope } from './records.ts';
import { executionFailure } from './failures.ts';

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
  ) {}

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
        const recorded = await this.operations.transition(job, job.operationId, ['Initiated', 'Queued'], 'Running', { startTime: now });
        if (recorded) {
          const details = { submittedBy: operation?.submittedBy, priority: operation?.priority, operationType: job.operationType };
          await this.journal.append(job, {
            logs: [log('INFO', `Job ${job.jobId} started`, details)],
            events: [{ timestamp: now, eventType: 'JobStarted', description: 'Job execution started', details }],
          });
          await this.notify(job, 'operation.started');
        }
        return { recorded };
      }
      case 'completed': {
        const recorded = await this.operations.transition(job, job.operationId, ['Running'], 'Completed', { endTime: now });
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
        const recorded = await this.operations.transition(job, job.operationId, ['Initiated', 'Queued', 'Running'], 'Failed', { endTime: now, error });
        if (recorded) {
          // The raw error goes to the function's log only; the operation, its log and timeline get the documented code.
          if (internal) console.error(JSON.stringify({ level: 'ERROR', message: 'Execution failed', jobId: job.jobId, operationId: job.operationId, error: input.error?.Error, cause: input.error?.Cause }));
          await this.journal.append(job, {
            logs: [log('ERROR', `Job ${job.jobId} failed: ${error.cause}`, error)],
            events: [{ timestamp: now, eventType: 'JobFailed', description: 'Job execution failed', details: error }],
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
