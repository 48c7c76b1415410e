import type { OperationStatus } from '../schemas/operation.ts';
import type { OperationStore, WorkflowEngine } from './ports.ts';
import type { JobRef, OperationRecord, ProjectScope } from './records.ts';
import type { PhaseId } from './operation-types.ts';
import { internalFailure } from './failures.ts';
import { withLatestAttempt } from './attempts.ts';
import { metricNames, telemetry } from './telemetry.ts';

/**
 * Every status change an operation may make, `from → to`. Terminal statuses have no way out.
 * Running → Queued is a failed attempt waiting for its automatic retry (see automatic-retries.ts):
 * it gives its slot back and takes one again when the next attempt is admitted.
 */
export const allowedTransitions: Readonly<Record<OperationStatus, readonly OperationStatus[]>> = {
  Queued: ['Initiated', 'Running', 'Failed', 'Cancelled', 'Timeout'],
  Initiated: ['Running', 'Failed', 'Cancelled', 'Timeout'],
  Running: ['Completed', 'Failed', 'Cancelled', 'Timeout', 'Queued'],
  Completed: [],
  Failed: [],
  Cancelled: [],
  Timeout: [],
};

interface Command {
  from: readonly OperationStatus[];
  to: OperationStatus;
}

/** The named moves of the lifecycle; each is a subset of `allowedTransitions` (test/unit/domain/lifecycle.test.ts checks it). */
export const commands = {
  /** A queued operation takes a free slot (the store refuses with CapacityExceededError when there is none). */
  admit: { from: ['Queued'], to: 'Initiated' },
  /** The execution started: StartExecution returned (startExecution below), or its first state reports it. */
  start: { from: ['Initiated', 'Queued'], to: 'Running' },
  complete: { from: ['Running'], to: 'Completed' },
  fail: { from: ['Initiated', 'Queued', 'Running'], to: 'Failed' },
  /** The execution of an admitted operation could not be started. */
  failToStart: { from: ['Initiated'], to: 'Failed' },
  cancel: { from: ['Initiated', 'Queued', 'Running'], to: 'Cancelled' },
  /** A batch operation that will never run (a dependency failed, or the failure policy stops the batch). */
  cancelQueued: { from: ['Queued'], to: 'Cancelled' },
  timeOut: { from: ['Initiated', 'Queued', 'Running'], to: 'Timeout' },
  /** A failed attempt with retries left waits, Queued, for its next attempt. */
  awaitRetry: { from: ['Running'], to: 'Queued' },
} as const satisfies Record<string, Command>;

export type CommandName = keyof typeof commands;

export const jobRefOf = (op: OperationRecord): JobRef => ({
  tenantId: op.tenantId,
  projectId: op.projectId,
  operationId: op.operationId,
  jobId: op.jobId,
  operationType: op.operationType,
});

/**
 * The one owner of operation status changes. `OperationStore.transition` stays the persistence
 * primitive (conditional on the current status, counters and slots updated atomically); every
 * caller goes through a named command here, so the table above is the whole lifecycle.
 */
export class Lifecycle {
  constructor(private readonly operations: Pick<OperationStore, 'transition' | 'update'>) {}

  /** Applies the command if the operation's status allows it; false when it no longer does (someone else moved it). */
  apply(command: CommandName, scope: ProjectScope, operationId: string, fields?: Partial<OperationRecord>): Promise<boolean> {
    const { from, to } = commands[command];
    return this.operations.transition(scope, operationId, from, to, fields);
  }

  /** `admit` of a queued operation; each admission and how long the operation waited for it are service metrics. */
  async admit(op: OperationRecord, now: Date): Promise<boolean> {
    const admitted = await this.apply('admit', { tenantId: op.tenantId, projectId: op.projectId }, op.operationId);
    if (admitted) {
      // Queued since it was created, or since its automatic retry fell due.
      const queuedSince = op.attempts?.at(-1)?.scheduledFor ?? op.dateCreated;
      telemetry.metric(metricNames.operationsAdmitted, 'Count', 1);
      telemetry.metric(metricNames.queueWait, 'Milliseconds', Math.max(0, now.getTime() - Date.parse(queuedSince)));
    }
    return admitted;
  }

  /**
   * The one place an execution starts: for an Initiated operation, its current job, optionally resuming at a phase.
   * One that cannot start is left Failed (ExecutionStartFailed), not silently Initiated, and the error is rethrown.
   */
  async startExecution(workflows: WorkflowEngine, operation: OperationRecord, resumeFrom: PhaseId | undefined, now: () => Date): Promise<void> {
    const scope = { tenantId: operation.tenantId, projectId: operation.projectId };
    try {
      // phaseMemoryMb: the state machine's Choose Phase Size runs the phases on the function of that size.
      const input = { job: jobRefOf(operation), ...(resumeFrom ? { resumeFrom } : {}), ...(operation.phaseMemoryMb ? { phaseMemoryMb: operation.phaseMemoryMb } : {}) };
      const { executionArn } = await workflows.start(operation.operationType, operation.jobId, input);
      await this.operations.update(scope, operation.operationId, { executionArn });
      operation.executionArn = executionArn;
    } catch (error) {
      await this.apply('failToStart', scope, operation.operationId, { endTime: now().toISOString(), error: internalFailure('ExecutionStartFailed') });
      throw error;
    }
    // Step Functions runs the execution from the moment StartExecution returns, so the operation is Running from then:
    // a client's first poll after the 202 must not find it Initiated (the document's monitorOperation polls again only
    // while Running). The execution's own `started` record still journals and announces the start (lifecycle-recorder.ts);
    // if this write fails, that record moves it instead.
    const startedAt = now().toISOString();
    await Promise.resolve()
      .then(() =>
        this.apply('start', scope, operation.operationId, {
          startTime: operation.startTime ?? startedAt,
          ...(operation.attempts ? { attempts: withLatestAttempt(operation, { status: 'Running', startTime: startedAt }) } : {}),
        }),
      )
      .catch(() => false);
  }
}

/** Where the next execution of an operation starts: a resumed retry or a later automatic attempt skips its completed phases. */
export function resumePointOf(op: OperationRecord): PhaseId | undefined {
  const attempt = op.attempts?.at(-1);
  if (attempt?.resumeFrom) return attempt.resumeFrom;
  return op.retry?.retryMode === 'resume' && op.retry.phasesPreserved > 0 ? op.phases[op.retry.phasesPreserved]?.id : undefined;
}
