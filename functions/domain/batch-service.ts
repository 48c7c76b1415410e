import { randomUUID } from 'node:crypto';
import { planBatch } from './batch-planner.ts';
import { CapacityExceededError, NotFoundError } from './errors.ts';
import { newOperation, type OperationService } from './operation-service.ts';
import { Lifecycle } from './lifecycle.ts';
import type { BatchStore, Clock, OperationStore, WorkflowEngine } from './ports.ts';
import type { BatchRecord, OperationRecord, ProjectScope } from './records.ts';
import type { SubmitBatchBody } from '../schemas/batch.ts';

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
  ) {}

  async submit(scope: ProjectScope, body: SubmitBatchBody, userId: string) {
    const plan = planBatch(body);
    // Inputs named outright must be usable now, as for a single operation.
    await Promise.all(plan.filter((p) => !p.datasetFrom && !p.sourceFrom).map((p) => this.operationService.checkInputs(scope, p.request)));
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
    return {
      batchId,
      batchName: batch.batchName,
      status: 'Initiated',
      operations: created.map(({ plan: p, operation }) => ({
        operationKey: p.operationKey,
        operationId: operation.operationId,
        jobId: operation.jobId,
        status: p.dependencies.length ? 'Queued' : 'Initiated',
        dependencies: p.dependencies,
        estimatedDuration: null,
      })),
      totalOperations: created.length,
      estimatedBatchDuration: null,
      estimatedBatchCompletion: null,
      batchStartTime: batch.createdAt,
      trackingUrl: batchUrl(batch),
    };
  }

  async get(scope: ProjectScope, batchId: string) {
    const batch = await this.batches.get(scope, batchId);
    if (!batch) throw new NotFoundError(`Batch ${batchId} does not exist in this project`);
    const operations = await this.load(batch);
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
        };
      }),
      totalOperations: batch.operations.length,
      failurePolicy: batch.failurePolicy,
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
  }

  private async cancelQueued(op: OperationRecord, reason: string): Promise<boolean> {
    const now = this.clock.now().toISOString();
    return new Lifecycle(this.operations).apply('cancelQueued', op, op.operationId, {
      endTime: now,
      cancellation: { requestedAt: now, cancelledBy: 'batch', reason, preservePartialResults: false, forceTermination: false, notifyCallbacks: true, progressAtCancellation: 0, phaseAtCancellation: null },
    });
  }

  /** The Queued → Initiated transition is the lock: of two dependencies ending at once, one starts the operation. */
  private async start(op: OperationRecord, entry: BatchRecord['operations'][number], operations: Map<string, OperationRecord>): Promise<boolean> {
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
      started = await new Lifecycle(this.operations).apply('admit', op, op.operationId);
    } catch (error) {
      if (error instanceof CapacityExceededError) return false;
      throw error;
    }
    if (!started) return false;
    try {
      await new Lifecycle(this.operations).startExecution(this.workflows, { ...op, parameters: parameters as OperationRecord['parameters'], status: 'Initiated' }, undefined, () => this.clock.now());
    } catch (error) {
      // The lifecycle left it Failed (ExecutionStartFailed); the batch moves on.
      console.error(JSON.stringify({ level: 'ERROR', message: 'Could not start the execution', operationId: op.operationId, error: error instanceof Error ? error.name : typeof error, detail: String(error) }));
    }
    return true;
  }
}
