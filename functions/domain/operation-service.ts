import { randomUUID } from 'node:crypto';
import type { DatasetService } from './dataset-service.ts';
import { admissionOrder, defaultAgeingStepMs } from './admission.ts';
import { AlreadyRetriedError, CapacityExceededError, ClientError, ConflictError, NotFoundError, ValidationError } from './errors.ts';
import { costEstimateFrom, estimateFrom, similarRuns } from './estimates.ts';
import { choosePhaseSize, defaultPhaseMemoryMb } from './phase-sizes.ts';
import type { RegionPrices } from './pricing.ts';
import { resourcesAllocatedOf, resourcesReleasedOf } from './views/resources-view.ts';
import { phasesByOperationType, type PhaseId } from './operation-types.ts';
import { jobObjectKey } from './phases/checkpoint-keys.ts';
import type { ReceiverGuard } from './receiver-guard.ts';
import type { CancellationQueue, Clock, ObjectStore, OperationFilter, OperationStore, WorkflowEngine } from './ports.ts';
import { phaseWeightsFrom, progressOf } from './progress.ts';
import { isTerminal, type OperationRecord, type ProjectScope } from './records.ts';
import { estimatesOf, listItemView, startedView, statusView, trackingUrl } from './views/operation-view.ts';
import { startOperationBody, type CancelOperationBody, type ListOperationsQuery, type Priority, type RetryOperationBody, type StartOperationBody } from '../schemas/operation.ts';
import { jobRefOf, Lifecycle, resumePointOf } from './lifecycle.ts';
import { timeOutQueued, watchDeadline, type TimerQueue } from './automatic-retries.ts';
import { withLatestAttempt } from './attempts.ts';
import type { CallbackNotifier } from './callbacks.ts';
import { checkNotifications, initialNotificationStats, type NotificationChannels } from './notifications.ts';
import { telemetry } from './telemetry.ts';

export { jobRefOf };

/** How long a cancelled operation's partial-result URLs work. */
const partialDownloadLifetimeSeconds = 3600;
/** At most this many objects are offered for download. */
const maxPartialDownloads = 100;

export class OperationService {
  constructor(
    private readonly operations: OperationStore,
    private readonly datasets: DatasetService,
    private readonly workflows: WorkflowEngine,
    private readonly objects: ObjectStore,
    private readonly cancellations: CancellationQueue,
    private readonly clock: Clock,
    /** The region's published prices, for cost estimates and what a cancellation saves (pricing.ts). */
    private readonly prices: RegionPrices,
    /** Refuses callbacks to addresses a delivery must not reach (SSRF). */
    private readonly receivers: ReceiverGuard,
    /** How long a queued operation waits before it counts as one priority higher (see admission.ts). */
    private readonly ageingStepMs: number = defaultAgeingStepMs,
    /** Tells an operation's receivers it timed out while queued (see admitQueued). */
    private readonly notifier?: Pick<CallbackNotifier, 'notify'>,
    /** Times a queued operation out at its timeoutAt even when no slot frees (automatic-retries.ts). */
    private readonly timers?: TimerQueue,
    /** What e-mail and Slack notifications can be sent through; without it, operations asking for them are refused. */
    private readonly notificationChannels?: NotificationChannels,
    /** Advances a batch one of whose queued operations this service timed out (batch-service.ts; it depends on this service). */
    private readonly batchOperationEnded?: (scope: ProjectScope, batchId: string) => Promise<void>,
  ) {}

  /**
   * Ends a queued operation Timeout once its deadline has passed, as at admission: true when this call ended it. A
   * batch uses it before starting an operation whose dependencies completed late.
   */
  async timeOutIfDue(op: OperationRecord): Promise<boolean> {
    const now = this.clock.now();
    if (now < new Date(op.timeoutAt)) return false;
    return timeOutQueued(this.operations, op, now, this.notifier);
  }

  /** Sets the timer that ends a queued operation Timeout at its deadline if it has not started by then. */
  async watchDeadline(operation: OperationRecord): Promise<void> {
    if (this.timers) await watchDeadline(this.timers, operation, this.clock.now());
  }

  /** Every status change goes through the lifecycle's named commands (lifecycle.ts). */
  private get lifecycle(): Lifecycle {
    return new Lifecycle(this.operations);
  }

  async start(scope: ProjectScope, body: StartOperationBody, userId: string) {
    await this.checkInputs(scope, body);
    const operation = await this.withEstimate(newOperation(scope, body, userId, this.clock.now()));
    await this.launch(operation);
    if (body.operationType === 'ReportGeneration') {
      await this.operations.addDependent(scope, body.parameters.sourceOperationId, { operationId: operation.operationId, jobId: operation.jobId, relation: 'report' });
    }
    return startedView(operation, this.clock.now(), choosePhaseSize(body.parameters.resourceAllocation, 'body.parameters.resourceAllocation').warnings);
  }

  /**
   * Adds the expected run time and cost, from the project's last completed operations of the same
   * type. A resumed retry skips phases, so whole-run durations would overstate it: it gets no
   * duration estimate, and a cost estimate for the phases it will run.
   */
  async withEstimate(operation: OperationRecord): Promise<OperationRecord> {
    const { items } = await this.operations.list(operation, { status: 'Completed', operationType: operation.operationType }, 0, 20);
    operation.inputSizeBytes ??= await this.inputSizeOf(operation);
    const { runs, similarity } = similarRuns(items, operation.inputSizeBytes);
    const estimate = (operation.retry?.phasesPreserved ?? 0) === 0 ? estimateFrom(runs) : null;
    if (estimate) operation.estimate = { ...estimate, similarity };
    // Fixed now, so pending phases are scheduled by measured shares before the first one starts (phase-runner keeps them).
    operation.phaseWeights ??= phaseWeightsFrom(runs, operation.phases.map((p) => p.id));
    const toRun = operation.phases.filter((p) => p.status !== 'Completed').map((p) => p.id);
    const cost = costEstimateFrom(items, toRun, operation.phaseMemoryMb ?? defaultPhaseMemoryMb, this.prices);
    if (cost) operation.costEstimate = cost;
    return operation;
  }

  /** The size of the dataset file the operation reads, when it names one that is uploaded; undefined otherwise (a report, a batch's later dataset). */
  private async inputSizeOf(operation: OperationRecord): Promise<number | undefined> {
    const datasetId = (operation.parameters as { datasetId?: unknown }).datasetId;
    if (typeof datasetId !== 'string') return undefined;
    // The size only refines the estimate: one that cannot be read leaves it to the type's history.
    const dataset = await Promise.resolve()
      .then(() => this.datasets.get(operation, datasetId))
      .catch(() => undefined);
    return dataset?.sizeBytes ?? undefined;
  }

  /** Writes the operation and starts its execution; an execution that cannot start leaves it Failed, not silently Initiated. */
  async launch(operation: OperationRecord, resumeFrom?: PhaseId): Promise<void> {
    try {
      await this.operations.create(operation);
    } catch (error) {
      if (!(error instanceof CapacityExceededError)) throw error;
      // No free slot in the project: the operation waits, and starts when one ends.
      Object.assign(operation, { status: 'Queued', waitingFor: 'capacity' });
      await this.operations.create(operation);
      await this.watchDeadline(operation);
      // A slot may have freed between the refusal and now, with nothing left to end and admit this one
      // (an operation that ends after this read finds this one in the index when it admits).
      const scope = { tenantId: operation.tenantId, projectId: operation.projectId };
      if (await this.operations.hasFreeSlot(scope)) await this.admitQueued(scope, operation);
      const current = await this.operations.get(operation, operation.operationId);
      if (current) Object.assign(operation, { status: current.status, executionArn: current.executionArn });
      return;
    }
    await this.startExecution(operation, resumeFrom);
  }

  /** Starts the execution of an Initiated operation; one that cannot start is left Failed, not silently Initiated. */
  private async startExecution(operation: OperationRecord, resumeFrom?: PhaseId): Promise<void> {
    await this.lifecycle.startExecution(this.workflows, operation, resumeFrom, () => this.clock.now());
  }

  /**
   * Starts operations waiting for capacity while the project has free slots, in admission order
   * (priority with ageing, then age: see admission.ts) over the whole queue, read page by page
   * from the admission index until the slots are filled. The Queued → Initiated transition takes
   * the slot, so concurrent calls never start more than the limit; an operation another call
   * started (or a client cancelled) meanwhile fails the transition and is passed over.
   * `latecomer`, an operation just queued, is tried last if the index did not show it yet (in AWS
   * an index lags its table by a moment) and a slot is still free, so it is not left waiting.
   */
  async admitQueued(scope: ProjectScope, latecomer?: OperationRecord): Promise<number> {
    const waiting = admissionOrder((priority) => this.operations.waitingForCapacity(scope, priority), this.clock.now(), this.ageingStepMs);
    let admitted = 0;
    let seenLatecomer = false;
    const admit = async (op: OperationRecord): Promise<'admitted' | 'passed' | 'full'> => {
      // `timeoutAt` is dateCreated + timeout: time spent queued counts, and an operation past it never starts.
      if (this.clock.now() >= new Date(op.timeoutAt)) {
        // Its batch hears of it now (its dependents are cancelled, its callbacks sent), not when something else ends.
        if ((await timeOutQueued(this.operations, op, this.clock.now(), this.notifier)) && op.batch) await this.batchOperationEnded?.(scope, op.batch.batchId);
        return 'passed';
      }
      try {
        if (!(await this.lifecycle.admit(op, this.clock.now()))) return 'passed';
      } catch (error) {
        if (error instanceof CapacityExceededError) return 'full';
        throw error;
      }
      await this.startExecution({ ...op, status: 'Initiated' }, resumePointOf(op)).catch(() => undefined);
      admitted += 1;
      return 'admitted';
    };
    for await (const op of waiting) {
      seenLatecomer ||= op.operationId === latecomer?.operationId;
      if ((await admit(op)) === 'full') return admitted;
    }
    if (latecomer && !seenLatecomer) await admit(latecomer);
    return admitted;
  }

  /**
   * Retries an ended, unsuccessful operation as a new operation. `resume` carries the completed
   * phases over (their records and their stored outputs) and starts at the first phase that did
   * not complete; `restart` runs every phase again. The retried request goes through every check
   * a start does (schema, then `checkInputs`). An operation is retried once: the new operation is
   * created in the same transaction that marks the original `retriedBy` it, on condition that it
   * was not, so of concurrent retries one wins and the others get AlreadyRetriedError naming it;
   * a further retry retries the latest operation of the chain.
   */
  async retry(scope: ProjectScope, operationId: string, body: RetryOperationBody, userId: string) {
    const original = await this.get(scope, operationId);
    if (!['Failed', 'Cancelled', 'Timeout'].includes(original.status)) {
      throw new ConflictError(`Operation ${operationId} is ${original.status}; only Failed, Cancelled or Timeout operations can be retried`);
    }
    const { resourceAllocation, ...changes } = body.updatedParameters ?? {};
    const { priority, ...compute } = resourceAllocation ?? {};
    // New compute figures replace the original's, figure by figure; the size is chosen again from the result.
    if (Object.keys(compute).length) changes.resourceAllocation = { ...original.parameters.resourceAllocation, ...compute };
    const request = parseRetried(original, changes, priority, body);
    if (body.retryMode === 'resume') refuseChangedInputs(original, request);
    // Operations retried before `retriedBy` existed name their retries only among their dependents.
    const earlierRetry = original.retriedBy ?? original.dependents?.filter((d) => d.relation === 'retry').at(-1)?.operationId;
    if (earlierRetry) throw new AlreadyRetriedError(operationId, earlierRetry);
    await this.checkInputs(scope, request).catch((error: unknown) => {
      // The checks name a start's fields; in a retry request a changed parameter sits under updatedParameters.
      if (error instanceof ClientError) {
        for (const field of error.invalidFields) {
          const parameter = /^body\.parameters\.([^.]+)/.exec(field.name)?.[1];
          if (parameter && parameter in changes) field.name = field.name.replace('body.parameters.', 'body.updatedParameters.');
        }
      }
      throw error;
    });
    const now = this.clock.now();
    // The completed phases before the first one that is not: those a resume can keep.
    const unfinished = original.phases.findIndex((p) => p.status !== 'Completed');
    const completed = body.retryMode === 'resume' ? original.phases.slice(0, unfinished < 0 ? original.phases.length : unfinished) : [];
    const resumeFrom = original.phases[completed.length];
    if (body.retryMode === 'resume' && !resumeFrom) throw new ConflictError(`Operation ${operationId} completed every phase; use retryMode restart`);
    const retryNumber = (original.retry?.retryNumber ?? 0) + 1;
    const sizeWarnings = choosePhaseSize(request.parameters.resourceAllocation, 'body.updatedParameters.resourceAllocation').warnings;
    const operation: OperationRecord = {
      ...newOperation(scope, request, userId, now),
      phases: original.phases.map((p, i) => (i < completed.length ? { ...p } : { id: p.id, name: p.name, status: 'Pending' as const })),
      ...(completed.length ? { totalRecords: original.totalRecords, processedRecords: original.processedRecords } : {}),
      retry: {
        originalOperationId: original.operationId,
        retryNumber,
        retryMode: body.retryMode,
        resumeFromPhase: body.retryMode === 'resume' ? resumeFrom!.name : null,
        ...(body.retryReason ? { retryReason: body.retryReason } : {}),
        phasesPreserved: completed.length,
        ...(body.preserveOriginalResults ? {} : { discardOriginalResults: true }),
      },
    };
    await this.withEstimate(operation);
    // The carried-over phases' outputs (checkpoints, results, artifacts) move with them.
    if (completed.length) await this.objects.copyPrefix(jobObjectKey(original, ''), jobObjectKey(operation, ''));
    // Creating the operation also links it to the original (retriedBy, dependents), or refuses if another retry won.
    await this.launch(operation, body.retryMode === 'resume' && completed.length ? resumeFrom!.id : undefined);
    return {
      originalOperationId: original.operationId,
      newOperationId: operation.operationId,
      retryMode: body.retryMode,
      retryNumber,
      resumeFromPhase: operation.retry!.resumeFromPhase,
      status: operation.status,
      estimatedDuration: estimatesOf(operation, this.clock.now()).estimatedDuration,
      estimatedCompletion: estimatesOf(operation, this.clock.now()).estimatedCompletion,
      trackingUrl: trackingUrl(operation),
      jobId: operation.jobId,
      preservedResults: {
        phasesPreserved: completed.length,
        recordsProcessed: completed.length ? (original.processedRecords ?? 0) : 0,
        progressSaved: Math.floor((100 * completed.length) / Math.max(1, original.phases.length)),
      },
      resourcesAllocated: resourcesAllocatedOf(operation),
      ...(sizeWarnings.length ? { warnings: sizeWarnings } : {}),
      retryAttemptDate: operation.dateCreated,
    };
  }

  /**
   * Every check a start runs beyond its schema: referenced datasets must have content and a report's
   * source must be a completed analysis. Starts, retries and batches all call it, so a check added
   * here holds for each of them.
   */
  async checkInputs(scope: ProjectScope, body: StartOperationBody): Promise<void> {
    await this.checkCallbacks(body);
    await checkNotifications(scope, body.notifications, this.notificationChannels);
    if (body.operationType === 'ReportGeneration') {
      const source = await this.operations.get(scope, body.parameters.sourceOperationId);
      if (!source) throw new NotFoundError(`Operation ${body.parameters.sourceOperationId} does not exist in this project`);
      if (source.operationType !== 'ProcessMiningAnalysis' || source.status !== 'Completed') {
        throw new ConflictError('Reports are generated from a completed ProcessMiningAnalysis operation', [
          { name: 'body.parameters.sourceOperationId', reason: `operation is a ${source.operationType} with status ${source.status}` },
        ]);
      }
      return;
    }
    await this.datasets.requireUploaded(scope, body.parameters.datasetId, 'body.parameters.datasetId');
  }

  /** Each callback's receiver, resolved and checked as a webhook's is; a retry checks the callbacks it carries over again. */
  private async checkCallbacks(body: StartOperationBody): Promise<void> {
    await this.checkReceivers(body.callbacks ?? {}, 'body.callbacks');
  }

  /** Receivers named under `at` (an operation's or a batch's callbacks), all checked; every refusal is named. */
  async checkReceivers(receivers: Record<string, string | undefined>, at: string): Promise<void> {
    const entries = Object.entries(receivers).filter((entry): entry is [string, string] => typeof entry[1] === 'string');
    const outcomes = await Promise.allSettled(entries.map(([name, url]) => this.receivers.assertAllowed(url, `${at}.${name}`)));
    const refused = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [outcome.reason as unknown] : []));
    if (!refused.length) return;
    if (refused.every((error) => error instanceof ValidationError)) {
      throw new ValidationError('A callback receiver is refused', refused.flatMap((error) => (error as ValidationError).invalidFields));
    }
    throw refused.find((error) => !(error instanceof ValidationError));
  }

  async get(scope: ProjectScope, operationId: string): Promise<OperationRecord> {
    const operation = await this.operations.get(scope, operationId);
    if (!operation) throw new NotFoundError(`Operation ${operationId} does not exist in this project`);
    return operation;
  }

  async status(scope: ProjectScope, operationId: string) {
    return statusView(await this.get(scope, operationId), this.clock.now());
  }

  async list(scope: ProjectScope, query: ListOperationsQuery) {
    const filter: OperationFilter = {
      ...(query.status ? { status: query.status } : {}),
      ...(query.operationType ? { operationType: query.operationType } : {}),
      ...(query.priority ? { priority: query.priority } : {}),
      ...(query.dateFrom ? { dateFrom: new Date(query.dateFrom).toISOString() } : {}),
      ...(query.dateTo ? { dateTo: new Date(query.dateTo).toISOString() } : {}),
    };
    const [page, counts] = await Promise.all([
      this.operations.list(scope, filter, (query.page - 1) * query.pageSize, query.pageSize),
      this.operations.counts(scope),
    ]);
    const now = this.clock.now();
    return {
      operations: page.items.map((op) => listItemView(op, query.includeDetails, now)),
      summary: {
        totalOperations: counts.total,
        initiated: counts.Initiated,
        queued: counts.Queued,
        running: counts.Running,
        completed: counts.Completed,
        failed: counts.Failed,
        cancelled: counts.Cancelled,
        timeout: counts.Timeout,
      },
      page: query.page,
      pageSize: query.pageSize,
      hasNextPage: page.hasMore,
    };
  }

  /**
   * Marks the operation Cancelled at once (so clients see it and no further phase starts),
   * then hands the stop of the execution to the cancellation queue.
   */
  async cancel(scope: ProjectScope, operationId: string, body: CancelOperationBody, userId: string) {
    const operation = await this.get(scope, operationId);
    if (isTerminal(operation.status)) {
      throw new ConflictError(`Operation ${operationId} has already ended with status ${operation.status}`);
    }
    const now = this.clock.now().toISOString();
    const progress = progressOf(operation);
    const cancellation = {
      requestedAt: now,
      cancelledBy: userId,
      ...(body.reason ? { reason: body.reason } : {}),
      preservePartialResults: body.preservePartialResults,
      forceTermination: body.forceTermination,
      notifyCallbacks: body.notifyCallbacks,
      progressAtCancellation: progress.percentage,
      phaseAtCancellation: progress.currentPhase,
      resourcesReleased: resourcesReleasedOf(operation, this.prices, this.clock.now()),
    };
    const moved = await this.lifecycle.apply('cancel', scope, operationId, {
      cancellation,
      endTime: now,
      ...(operation.attempts ? { attempts: withLatestAttempt(operation, { status: 'Cancelled', endTime: now }) } : {}),
    });
    if (!moved) {
      const current = await this.get(scope, operationId);
      throw new ConflictError(`Operation ${operationId} has already ended with status ${current.status}`);
    }
    if (body.forceTermination) {
      // The running phase is stopped, not finished: its own later writes are fenced off (OperationStore.updatePhase), so it is recorded here.
      await Promise.all(
        operation.phases
          .filter((p) => p.status === 'Running')
          .map((p) => this.operations.updatePhase(scope, operationId, p.id, { status: 'Cancelled', endTime: now, ...(p.startTime ? { durationMs: Date.parse(now) - Date.parse(p.startTime) } : {}) })),
      );
    }
    try {
      await this.cancellations.send({ job: jobRefOf(operation), ...(operation.executionArn ? { executionArn: operation.executionArn } : {}), requestedAt: now });
    } catch (error) {
      // The cancellation holds without the queue: no phase starts on a Cancelled operation,
      // so the execution ends at the next phase boundary instead of at once.
      telemetry.log('ERROR', 'Could not queue the execution stop', { operationId, error: error instanceof Error ? error.message : String(error) });
    }
    return {
      operationId,
      status: 'Cancelled' as const,
      cancellationTime: now,
      reason: body.reason ?? null,
      progressAtCancellation: progress.percentage,
      phaseAtCancellation: progress.currentPhase,
      forceTermination: body.forceTermination,
      partialResults: await this.partialResults(operation, body.preservePartialResults),
      resourcesReleased: cancellation.resourcesReleased,
      notifyCallbacks: body.notifyCallbacks,
      cancelledBy: userId,
    };
  }

  /**
   * What a cancellation leaves of the completed work. Kept: time-limited download URLs of the objects the job stored
   * (checkpoints, results and artifacts of the completed phases, carried over by resumed attempts). Discarded: every
   * object under each of the operation's job prefixes (all its attempts), deleted now.
   */
  private async partialResults(operation: OperationRecord, preserve: boolean) {
    const completedPhases = operation.phases.filter((p) => p.status === 'Completed').length;
    if (!preserve) {
      return { available: false, completedPhases, discarded: true, objectsDeleted: await this.deleteStoredObjects(operation), downloadUrls: [] };
    }
    const keys = completedPhases > 0 ? await this.objects.listPrefix(jobObjectKey(operation, ''), maxPartialDownloads) : [];
    const downloadUrls = await Promise.all(keys.map((key) => this.objects.presignGet(key, partialDownloadLifetimeSeconds, `${operation.operationId}-${key.split('/').slice(-2).join('-')}`)));
    return {
      available: downloadUrls.length > 0,
      completedPhases,
      discarded: false,
      downloadUrls,
      ...(downloadUrls.length ? { expiresAt: new Date(this.clock.now().getTime() + partialDownloadLifetimeSeconds * 1000).toISOString() } : {}),
    };
  }

  /**
   * After a retry made with `preserveOriginalResults: false` completes: deletes the original's stored outputs (every
   * object under each of its attempts' job prefixes). Only on success, so a failed retry leaves the original intact;
   * a resumed retry copied what it kept before it started. Deleting twice deletes nothing more.
   */
  async discardOriginalResults(retried: OperationRecord): Promise<number> {
    if (retried.status !== 'Completed' || !retried.retry?.discardOriginalResults) return 0;
    const original = await this.operations.get(retried, retried.retry.originalOperationId);
    return original ? this.deleteStoredObjects(original) : 0;
  }

  /** Deletes every object under each of the operation's job prefixes (all its attempts); returns how many. */
  private async deleteStoredObjects(operation: OperationRecord): Promise<number> {
    const jobIds = [...new Set([operation.jobId, ...(operation.attempts ?? []).map((a) => a.jobId)])];
    const counts = await Promise.all(jobIds.map((jobId) => this.objects.deletePrefix(jobObjectKey({ ...operation, jobId }, ''))));
    return counts.reduce((sum, n) => sum + n, 0);
  }

  /** Tells an operation's receivers it was cancelled without a request of its own (a batch's failure policy). */
  async announceCancelled(scope: ProjectScope, operationId: string): Promise<void> {
    const operation = await this.operations.get(scope, operationId);
    if (operation?.status === 'Cancelled') await this.notifier?.notify(operation, 'operation.cancelled');
  }
}

/**
 * A resume continues from the original's completed phases, which were computed from its input: a different dataset
 * (or report source) would mix two inputs, so it is refused by name; a restart runs every phase on the new input.
 */
function refuseChangedInputs(original: OperationRecord, request: StartOperationBody): void {
  const before = original.parameters as Record<string, unknown>;
  const after = request.parameters as Record<string, unknown>;
  const changed = (['datasetId', 'sourceOperationId'] as const).filter((name) => name in after && after[name] !== before[name]);
  if (!changed.length) return;
  throw new ValidationError(
    'A resumed retry runs on the same input as the original',
    changed.map((name) => ({ name: `body.updatedParameters.${name}`, reason: `resume keeps the phases computed from the original ${name}; use retryMode restart to run on a different one` })),
  );
}

/** The original request with the retry's changes, validated by the same schema as a start. */
function parseRetried(original: OperationRecord, changes: Record<string, unknown>, priority: Priority | undefined, body: RetryOperationBody): StartOperationBody {
  const result = startOperationBody.safeParse({
    operationType: original.operationType,
    operationName: original.operationName,
    ...(original.operationDescription ? { operationDescription: original.operationDescription } : {}),
    priority: priority ?? original.priority,
    ...(original.callbacks ? { callbacks: original.callbacks } : {}),
    ...(original.notifications ? { notifications: original.notifications } : {}),
    parameters: { ...original.parameters, ...changes },
    timeout: body.newTimeout ?? original.timeoutSeconds,
    ...((body.retryPolicy ?? original.retryPolicy) ? { retryPolicy: body.retryPolicy ?? original.retryPolicy } : {}),
  });
  if (result.success) return result.data;
  throw new ValidationError(
    'The updated parameters are not valid for this operation',
    result.error.issues.map((issue) => {
      const [head, ...rest] = issue.path.map(String);
      const name = head === 'parameters' ? ['body', 'updatedParameters', ...rest].join('.') : ['body', head, ...rest].join('.');
      return { name: issue.code === 'unrecognized_keys' ? `${name}.${issue.keys.join(',')}` : name, reason: issue.message };
    }),
  );
}

/** A new operation, Initiated, with every phase of its type Pending. */
export function newOperation(scope: ProjectScope, request: StartOperationBody, userId: string, now: Date): OperationRecord {
  return {
    ...scope,
    operationId: `op-${randomUUID()}`,
    jobId: randomUUID(),
    operationType: request.operationType,
    operationName: request.operationName,
    ...(request.operationDescription ? { operationDescription: request.operationDescription } : {}),
    priority: request.priority,
    status: 'Initiated',
    parameters: request.parameters,
    ...(request.callbacks ? { callbacks: request.callbacks, callbackStats: { sent: 0, successful: 0, failed: 0, progressSent: 0 } } : {}),
    ...(request.notifications ? { notifications: request.notifications } : {}),
    ...(initialNotificationStats(request.notifications) ? { notificationStats: initialNotificationStats(request.notifications) } : {}),
    ...(request.retryPolicy ? { retryPolicy: request.retryPolicy } : {}),
    timeoutSeconds: request.timeout,
    submittedBy: userId,
    dateCreated: now.toISOString(),
    timeoutAt: new Date(now.getTime() + request.timeout * 1000).toISOString(),
    phases: phasesByOperationType[request.operationType].map((p) => ({ id: p.id, name: p.name, status: 'Pending' })),
    phaseMemoryMb: choosePhaseSize(request.parameters.resourceAllocation, 'body.parameters.resourceAllocation').memoryMb,
  };
}
