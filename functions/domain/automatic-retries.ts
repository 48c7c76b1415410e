import { randomUUID } from 'node:crypto';
import type { CallbackNotifier } from './callbacks.ts';
import { CapacityExceededError } from './errors.ts';
import type { FailureCode, RecordedFailure } from './failures.ts';
import { Lifecycle, resumePointOf } from './lifecycle.ts';
import { jobObjectKey } from './phases/checkpoint-keys.ts';
import type { Clock, ObjectStore, OperationStore, WorkflowEngine } from './ports.ts';
import type { AttemptRecord, JobRef, OperationRecord, ProjectScope } from './records.ts';
import { attemptsOf, withLatestAttempt } from './attempts.ts';
import type { StartOperationBody } from '../schemas/operation.ts';

type RetryPolicy = NonNullable<StartOperationBody['retryPolicy']>;

/**
 * Failures that another attempt on the same data would repeat: the dataset and the request decide them, not chance.
 * Everything else (an internal error, a crash, a phase out of time, a workflow that did not start) is retried.
 */
const deterministic: ReadonlySet<FailureCode> = new Set<FailureCode>([
  'DatasetNotFound',
  'DatasetUnreadable',
  'DatasetInvalid',
  'NoTimestamps',
  'NoEventsInWindow',
  'NoEventsAfterCleaning',
  'SourceOperationNotFound',
  'OperationTimedOut',
]);

export const isRetryable = (code: string): boolean => !deterministic.has(code as FailureCode);

/** SQS's longest message delay, which times the next attempt: no delay is longer. */
export const maxRetryDelaySeconds = 900;

/**
 * The wait before retry number `k + 1` (k = 0 for the first retry): `retryDelay × backoffMultiplier^k` seconds,
 * capped at 15 minutes, less up to 10 % of jitter so that operations failing together do not retry together
 * (the jitter only ever shortens, so the waits still grow with the multiplier).
 */
export function retryDelaySeconds(policy: Pick<RetryPolicy, 'retryDelay' | 'backoffMultiplier'>, k: number, random: () => number = Math.random): number {
  const capped = Math.min(maxRetryDelaySeconds, policy.retryDelay * policy.backoffMultiplier ** k);
  return Math.ceil(capped * (1 - 0.1 * random()));
}

/** The message that starts a scheduled attempt when its delay has passed. */
export interface AttemptMessage extends ProjectScope {
  kind?: 'attempt';
  operationId: string;
  /** The scheduled attempt's job: a message for an attempt that is no longer the operation's latest is dropped. */
  jobId: string;
}

/** The message that times out a queued operation at its `timeoutAt` if it has not started by then. */
export interface DeadlineMessage extends ProjectScope {
  kind: 'deadline';
  operationId: string;
}

export type TimerMessage = AttemptMessage | DeadlineMessage;

/** Delayed messages: each arrives when its timer is due (SQS delays are at most 900 s; a later one is sent again). */
export interface TimerQueue {
  send(message: TimerMessage, options: { delaySeconds: number }): Promise<void>;
}

/** Sets the timer that times a queued operation out at its timeoutAt (queue time counts against `timeout`). */
export async function watchDeadline(timers: TimerQueue, op: Pick<OperationRecord, 'tenantId' | 'projectId' | 'operationId' | 'timeoutAt'>, now: Date): Promise<void> {
  const delaySeconds = Math.min(maxRetryDelaySeconds, Math.max(0, Math.ceil((Date.parse(op.timeoutAt) - now.getTime()) / 1000)));
  await timers.send({ kind: 'deadline', tenantId: op.tenantId, projectId: op.projectId, operationId: op.operationId }, { delaySeconds });
}

/**
 * Automatic retries of an operation's `retryPolicy`. A failed attempt with retries left moves the operation
 * Running → Queued (waiting for `retry`, its slot freed) with a new attempt Scheduled under a new job, and queues a
 * message delayed by the backoff; when it arrives, `startAttempt` copies the completed phases' outputs to the new
 * job and admits the operation like any queued one, resuming at the phase that failed.
 */
export class AutomaticRetries {
  constructor(
    private readonly operations: OperationStore,
    private readonly objects: ObjectStore,
    private readonly workflows: WorkflowEngine,
    private readonly queue: TimerQueue,
    private readonly notifier: Pick<CallbackNotifier, 'notify'>,
    private readonly clock: Clock,
    /** What waited on an operation that ended (its batch, the project's queue). */
    private readonly ended: (scope: ProjectScope, operationId: string) => Promise<void>,
    private readonly random: () => number = Math.random,
  ) {}

  /** Schedules the next attempt when the policy allows one; false when the failure should end the operation. */
  async scheduleAfterFailure(job: JobRef, failure: RecordedFailure): Promise<boolean> {
    const op = await this.operations.get(job, job.operationId);
    // A stale job (an earlier attempt) or an operation that already ended is never retried.
    if (!op?.retryPolicy || op.status !== 'Running' || op.jobId !== job.jobId || !isRetryable(failure.error)) return false;
    const attempts = attemptsOf(op);
    const k = attempts.length - 1;
    if (k >= op.retryPolicy.maxRetries) return false;
    const now = this.clock.now();
    const delaySeconds = retryDelaySeconds(op.retryPolicy, k, this.random);
    const dueAt = new Date(now.getTime() + delaySeconds * 1000);
    // An attempt due after the deadline would only time out: the failure ends the operation now.
    if (dueAt >= new Date(op.timeoutAt)) return false;
    const unfinished = op.phases.findIndex((p) => p.status !== 'Completed');
    const next: AttemptRecord = {
      attempt: attempts.length + 1,
      jobId: randomUUID(),
      status: 'Scheduled',
      scheduledFor: dueAt.toISOString(),
      ...(unfinished > 0 ? { resumeFrom: op.phases[unfinished]!.id } : {}),
    };
    const failed = withLatestAttempt(op, { status: 'Failed', endTime: now.toISOString(), error: { ...failure, retryable: true } });
    await this.operations.addAttemptJob(job, job.operationId, { jobId: next.jobId, attempt: next.attempt, createdAt: now.toISOString() });
    const moved = await new Lifecycle(this.operations).apply('awaitRetry', job, job.operationId, { jobId: next.jobId, attempts: [...failed, next], waitingFor: 'retry' });
    if (!moved) return false;
    await this.queue.send({ tenantId: job.tenantId, projectId: job.projectId, operationId: job.operationId, jobId: next.jobId }, { delaySeconds });
    return true;
  }

  /** A timer is due. */
  async fire(message: TimerMessage): Promise<void> {
    if (message.kind === 'deadline') return this.checkDeadline(message);
    return this.startAttempt(message);
  }

  /** A queued operation (waiting for a slot, a dependency or its next attempt) past its timeoutAt ends Timeout. */
  private async checkDeadline(message: DeadlineMessage): Promise<void> {
    const scope = { tenantId: message.tenantId, projectId: message.projectId };
    const op = await this.operations.get(scope, message.operationId);
    if (op?.status !== 'Queued') return;
    const now = this.clock.now();
    // Not due yet: the deadline was further than one message delay away.
    if (now < new Date(op.timeoutAt)) return watchDeadline(this.queue, op, now);
    if (await timeOutQueued(this.operations, op, now, this.notifier)) await this.ended(scope, op.operationId);
  }

  /** Starts a scheduled attempt whose delay has passed, unless the operation moved on (cancelled, timed out, another attempt). */
  async startAttempt(message: AttemptMessage): Promise<void> {
    const scope = { tenantId: message.tenantId, projectId: message.projectId };
    const op = await this.operations.get(scope, message.operationId);
    if (!op || op.jobId !== message.jobId || op.status !== 'Queued' || op.waitingFor !== 'retry') return;
    const lifecycle = new Lifecycle(this.operations);
    const now = this.clock.now();
    if (now >= new Date(op.timeoutAt)) {
      if (await timeOutQueued(this.operations, op, now, this.notifier)) await this.ended(scope, op.operationId);
      return;
    }
    const attempts = attemptsOf(op);
    const previous = attempts.at(-2);
    // The completed phases' outputs (checkpoints, results, artifacts) move to the new job, as a resumed retry's do.
    if (previous && attempts.at(-1)!.resumeFrom) await this.objects.copyPrefix(jobObjectKey({ ...scope, jobId: previous.jobId }, ''), jobObjectKey(op, ''));
    try {
      if (!(await lifecycle.admit(op, now))) return;
    } catch (error) {
      if (!(error instanceof CapacityExceededError)) throw error;
      // No free slot: it waits in the admission queue like any queued operation, and starts when one ends.
      await this.operations.update(scope, op.operationId, { waitingFor: 'capacity' });
      return;
    }
    await lifecycle.startExecution(this.workflows, { ...op, status: 'Initiated' }, resumePointOf(op), () => this.clock.now());
  }
}

/** A Queued operation past its `timeoutAt` (queue time counts against `timeout`) ends Timeout without running. */
export async function timeOutQueued(operations: OperationStore, op: OperationRecord, now: Date, notifier: Pick<CallbackNotifier, 'notify'> | undefined): Promise<boolean> {
  const scope = { tenantId: op.tenantId, projectId: op.projectId };
  const moved = await new Lifecycle(operations).apply('timeOut', scope, op.operationId, {
    endTime: now.toISOString(),
    error: { error: 'OperationTimedOut', cause: `The operation's timeout of ${op.timeoutSeconds} s passed at ${op.timeoutAt} while it was queued` },
    ...(op.attempts?.length ? { attempts: withLatestAttempt(op, { status: 'Timeout', endTime: now.toISOString() }) } : {}),
  });
  if (moved && notifier) {
    const timedOut = await operations.get(scope, op.operationId);
    if (timedOut) await notifier.notify(timedOut, 'operation.timeout');
  }
  return moved;
}
