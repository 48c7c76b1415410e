import { randomUUID } from 'node:crypto';
import { batchEstimateView } from './batch-estimates.ts';
import { planBatch } from './batch-planner.ts';
import type { CallbackNotifier } from './callbacks.ts';
import { CapacityExceededError, NotFoundError } from './errors.ts';
import { newOperation, type OperationService } from './operation-service.ts';
import { Lifecycle } from './lifecycle.ts';
import type { BatchStore, Clock, OperationStore, WorkflowEngine } from './ports.ts';
import { isTerminal, type BatchRecord, type OperationRecord, type ProjectScope } from './records.ts';
import { trackingUrl } from './views/operation-view.ts';
import type { SubmitBatchBody } from '../schemas/batch.ts';
import { telemetry } from './telemetry.ts';

const unsuccessful = ['Failed', 'Cancelled', 'Timeout'] as const;
const batchUrl = (batch: BatchRecord) => `/api/${batch.tenantId}/${batch.projectId}/async/batch/${batch.batchId}`;

function batchStatus(statuses: OperationRecord['status'][]): string {
  if (statuses.every((s) => s === 'Completed')) return 'Completed';
  if (statuses.some((s) => s === 'Running' || s === 'Initiated' || s === 'Queued')) return statuses.some((s) => s !== 'Queued') ? 'Running' : 'Queued';
  return statuses.some((s) => s === 'Completed') ? 'PartiallyCompleted' : 'Failed';
}

/**
 * Batches of operations with dependencies. Operations without dependencies start at once; the
 * others wait as Queued and are started by `advance` when every dependency has completed (taking
 * a DataEnrichment's output dataset or an analysis as their input where the batch said so), or
 * cancelled when a dependency did not complete or the failure policy says to stop.
 */
export class BatchService {
  constructor(
    private readonly batches: BatchStore,
    private readonly operations: OperationStore,
    private readonly operationService: OperationService,
    private readonly workflows: WorkflowEngine,
    private readonly clock: Clock,
    /** Delivers `batchCallbacks`; without it (tests of the scheduling alone) none are sent. */
    private readonly notifier?: Pick<CallbackNotifier, 'notifyBatch'>,
  ) {}

  async submit(scope: ProjectScope, body: SubmitBatchBody, userId: string) {
    const plan = planBatch(body);
    // Inputs named outright must be usable now, as for a single operation; so must the batch's receivers.
    await Promise.all([
      ...plan.filter((p) => !p.datasetFrom && !p.sourceFrom).map((p) => this.operationService.checkInputs(scope, p.request)),
      this.operationService.checkReceivers(body.batchCallbacks ?? {}, 'body.batchCallbacks'),
    ]);
    const now = this.clock.now();
    const batchId = `batch-${randomUUID()}`;
    const created = await Promise.all(
      plan.map(async (p) => ({
        plan: p,
        operation: await this.operationService.withEstimate({ ...newOperation(scope, p.request, userId, now), batch: { batchId, operationKey: p.operationKey } }),
      })),
    );
    const batch: BatchRecord = {
      ...scope,
      batchId,
      batchName: body.batchName,
      ...(body.batchDescription ? { batchDescription: body.batchDescription } : {}),
      operations: created.map(({ plan: p, operation }) => ({
        operationKey: p.operationKey,
        operationId: operation.operationId,
        jobId: operation.jobId,
        dependencies: p.dependencies,
        ...(p.datasetFrom ? { datasetFrom: p.datasetFrom } : {}),
        ...(p.sourceFrom ? { sourceFrom: p.sourceFrom } : {}),
      })),
      failurePolicy: body.failurePolicy,
      createdAt: now.toISOString(),
      submittedBy: userId,
      ...(body.batchCallbacks && Object.values(body.batchCallbacks).some(Boolean) ? { batchCallbacks: body.batchCallbacks } : {}),
    };
    await this.batches.create(batch);
    for (const { plan: p, operation } of created) {
      if (p.dependencies.length === 0) await this.operationService.launch(operation);
      else {
        await this.operations.create({ ...operation, status: 'Queued' });
        // Waiting for its dependencies counts against its timeout too.
        await this.operationService.watchDeadline(operation);
      }
    }
    const operations = new Map(created.map(({ plan: p, operation }) => [p.operationKey, operation]));
    const estimates = batchEstimateView(batch, operations, this.clock.now());
    const view = {
      batchId,
      batchName: batch.batchName,
      status: 'Initiated',
      operations: created.map(({ plan: p, operation }) => ({
        operationKey: p.operationKey,
        operationId: operation.operationId,
        jobId: operation.jobId,
        status: p.dependencies.length ? 'Queued' : 'Initiated',
        dependencies: p.dependencies,
        ...estimates.operation(p.operationKey),
      })),
      totalOperations: created.length,
      estimatedBatchDuration: estimates.estimatedBatchDuration,
      estimatedBatchCompletion: estimates.estimatedBatchCompletion,
      batchStartTime: batch.createdAt,
      trackingUrl: batchUrl(batch),
    };
    if (batch.batchCallbacks?.onBatchStart) {
      await this.notifier?.notifyBatch(batch, batch.batchCallbacks.onBatchStart, 'batch.started', batchId, {
        batchId,
        batchName: batch.batchName,
        status: view.status,
        totalOperations: view.totalOperations,
        operations: view.operations.map(({ operationKey, operationId, jobId, status, dependencies }) => ({ operationKey, operationId, jobId, status, dependencies })),
        estimatedBatchCompletion: view.estimatedBatchCompletion,
        trackingUrl: view.trackingUrl,
      });
    }
    return view;
  }

  async get(scope: ProjectScope, batchId: string) {
    const batch = await this.batches.get(scope, batchId);
    if (!batch) throw new NotFoundError(`Batch ${batchId} does not exist in this project`);
    const operations = await this.load(batch);
    const estimates = batchEstimateView(batch, operations, this.clock.now());
    return {
      batchId: batch.batchId,
      batchName: batch.batchName,
      ...(batch.batchDescription ? { batchDescription: batch.batchDescription } : {}),
      status: batchStatus(batch.operations.map((o) => operations.get(o.operationKey)!.status)),
      operations: batch.operations.map((o) => {
        const op = operations.get(o.operationKey)!;
        return {
          operationKey: o.operationKey,
          operationId: o.operationId,
          jobId: o.jobId,
          operationType: op.operationType,
          status: op.status,
          dependencies: o.dependencies,
          ...(op.startTime ? { startTime: op.startTime } : {}),
          ...(op.endTime ? { endTime: op.endTime } : {}),
          ...(op.cancellation?.reason ? { cancellationReason: op.cancellation.reason } : {}),
          ...estimates.operation(o.operationKey),
        };
      }),
      totalOperations: batch.operations.length,
      estimatedBatchDuration: estimates.estimatedBatchDuration,
      estimatedBatchCompletion: estimates.estimatedBatchCompletion,
      failurePolicy: batch.failurePolicy,
      ...(batch.batchCallbacks ? { batchCallbacks: batch.batchCallbacks } : {}),
      batchStartTime: batch.createdAt,
      trackingUrl: batchUrl(batch),
    };
  }

  private async load(batch: BatchRecord): Promise<Map<string, OperationRecord>> {
    const loaded = await Promise.all(batch.operations.map(async (o) => [o.operationKey, await this.operations.get(batch, o.operationId)] as const));
    return new Map(loaded.filter((entry): entry is readonly [string, OperationRecord] => entry[1] !== undefined));
  }

  /** Starts or cancels the batch's waiting operations after one of its operations ended. */
  async advance(scope: ProjectScope, batchId: string): Promise<void> {
    const batch = await this.batches.get(scope, batchId);
    if (!batch) return;
    for (let changed = true; changed; ) {
      changed = false;
      const operations = await this.load(batch);
      const failed = [...operations.values()].filter((op) => op.status === 'Failed' || op.status === 'Timeout');
      const stopAll = failed.length > 0 && (batch.failurePolicy.stopOnFirstFailure || !batch.failurePolicy.continueIndependentOperations);
      for (const entry of batch.operations) {
        const op = operations.get(entry.operationKey);
        if (op?.status !== 'Queued') continue;
        const blocker = entry.dependencies.map((key) => operations.get(key)!).find((dep) => (unsuccessful as readonly string[]).includes(dep.status));
        if (stopAll || blocker) {
          const reason = blocker ? `dependency ${blocker.batch?.operationKey} ended ${blocker.status}` : `batch stopped after ${failed[0]!.batch?.operationKey} ended ${failed[0]!.status}`;
          changed ||= await this.cancelQueued(op, reason);
          continue;
        }
        if (!op.waitingFor && entry.dependencies.every((key) => operations.get(key)!.status === 'Completed')) changed ||= await this.start(op, entry, operations);
      }
    }
    if (batch.batchCallbacks) await this.announceEnds(batch);
  }

  /**
   * `onOperationComplete` for each operation that has ended, then `onBatchComplete` once all have. Each is claimed
   * on the batch record by a conditional write first, so of two operations ending together (two `advance` calls
   * reading the same ends) each event is sent by exactly one.
   */
  private async announceEnds(batch: BatchRecord): Promise<void> {
    const callbacks = batch.batchCallbacks!;
    const operations = await this.load(batch);
    const ended = batch.operations.filter((o) => {
      const status = operations.get(o.operationKey)?.status;
      return status !== undefined && isTerminal(status);
    });
    if (callbacks.onOperationComplete) {
      for (const entry of ended) {
        if (!(await this.batches.claimEvent(batch, batch.batchId, `operation:${entry.operationKey}`))) continue;
        const op = operations.get(entry.operationKey)!;
        await this.notifier?.notifyBatch(batch, callbacks.onOperationComplete, 'batch.operation.completed', op.operationId, {
          batchId: batch.batchId,
          batchName: batch.batchName,
          operationKey: entry.operationKey,
          operationId: op.operationId,
          jobId: op.jobId,
          operationType: op.operationType,
          status: op.status,
          ...(op.endTime ? { endTime: op.endTime } : {}),
          ...(op.error ? { error: op.error } : {}),
          ...(op.cancellation?.reason ? { cancellationReason: op.cancellation.reason } : {}),
          endedOperations: ended.length,
          totalOperations: batch.operations.length,
          trackingUrl: trackingUrl(op),
        });
      }
    }
    if (ended.length < batch.operations.length || !callbacks.onBatchComplete) return;
    if (!(await this.batches.claimEvent(batch, batch.batchId, 'complete'))) return;
    const statuses = batch.operations.map((o) => operations.get(o.operationKey)!.status);
    const count = (status: string) => statuses.filter((s) => s === status).length;
    const endTimes = [...operations.values()].flatMap((op) => (op.endTime ? [Date.parse(op.endTime)] : []));
    await this.notifier?.notifyBatch(batch, callbacks.onBatchComplete, 'batch.completed', batch.batchId, {
      batchId: batch.batchId,
      batchName: batch.batchName,
      status: batchStatus(statuses),
      totalOperations: batch.operations.length,
      completed: count('Completed'),
      failed: count('Failed'),
      cancelled: count('Cancelled'),
      timedOut: count('Timeout'),
      operations: batch.operations.map((o) => ({ operationKey: o.operationKey, operationId: o.operationId, status: operations.get(o.operationKey)!.status })),
      batchStartTime: batch.createdAt,
      batchEndTime: endTimes.length ? new Date(Math.max(...endTimes)).toISOString() : null,
      trackingUrl: batchUrl(batch),
    });
  }

  private async cancelQueued(op: OperationRecord, reason: string): Promise<boolean> {
    const now = this.clock.now().toISOString();
    const cancelled = await new Lifecycle(this.operations).apply('cancelQueued', op, op.operationId, {
      endTime: now,
      cancellation: { requestedAt: now, cancelledBy: 'batch', reason, preservePartialResults: false, forceTermination: false, notifyCallbacks: true, progressAtCancellation: 0, phaseAtCancellation: null },
    });
    // Cancelled by the failure policy, it is announced like any other cancellation (only by the call that cancelled it).
    if (cancelled) await this.operationService.announceCancelled(op, op.operationId);
    return cancelled;
  }

  /** The Queued → Initiated transition is the lock: of two dependencies ending at once, one starts the operation. */
  private async start(op: OperationRecord, entry: BatchRecord['operations'][number], operations: Map<string, OperationRecord>): Promise<boolean> {
    // Its dependencies completed after its deadline: it ends Timeout here, and the loop goes on to its dependents.
    if (await this.operationService.timeOutIfDue(op)) return true;
    const parameters: Record<string, unknown> = { ...op.parameters };
    if (entry.datasetFrom) {
      const producer = operations.get(entry.datasetFrom)!;
      parameters.datasetId = producer.phases.find((p) => p.id === 'DatasetExport')?.results?.outputDatasetId;
    }
    if (entry.sourceFrom) parameters.sourceOperationId = operations.get(entry.sourceFrom)!.operationId;
    // Ready now: from here on it only waits for capacity, like any other queued operation.
    await this.operations.update(op, op.operationId, { parameters: parameters as OperationRecord['parameters'], waitingFor: 'capacity' });
    let started: boolean;
    try {
      started = await new Lifecycle(this.operations).admit(op, this.clock.now());
    } catch (error) {
      if (error instanceof CapacityExceededError) return false;
      throw error;
    }
    if (!started) return false;
    try {
      await new Lifecycle(this.operations).startExecution(this.workflows, { ...op, parameters: parameters as OperationRecord['parameters'], status: 'Initiated' }, undefined, () => this.clock.now());
    } catch (error) {
      // The lifecycle left it Failed (ExecutionStartFailed); the batch moves on.
      telemetry.log('ERROR', 'Could not start the execution', { operationId: op.operationId, error: error instanceof Error ? error.name : typeof error, detail: String(error) });
    }
    return true;
  }
}
