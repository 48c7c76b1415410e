import { randomUUID } from 'node:crypto';
import type { DatasetService } from './dataset-service.ts';
import { ConflictError, NotFoundError } from './errors.ts';
import { phasesByOperationType } from './operation-types.ts';
import type { CancellationQueue, Clock, OperationFilter, OperationStore, WorkflowEngine } from './ports.ts';
import { progressOf } from './progress.ts';
import { isTerminal, type JobRef, type OperationRecord, type ProjectScope } from './records.ts';
import { listItemView, startedView, statusView } from './views/operation-view.ts';
import type { CancelOperationBody, ListOperationsQuery, StartOperationBody } from '../schemas/operation.ts';

export interface ResourcesAllocated {
  cpuUnits: number;
  memoryGB: number;
}

export const jobRefOf = (op: OperationRecord): JobRef => ({
  tenantId: op.tenantId,
  projectId: op.projectId,
  operationId: op.operationId,
  jobId: op.jobId,
  operationType: op.operationType,
});

export class OperationService {
  constructor(
    private readonly operations: OperationStore,
    private readonly datasets: DatasetService,
    private readonly workflows: WorkflowEngine,
    private readonly cancellations: CancellationQueue,
    private readonly clock: Clock,
    /** What a phase runs with, from the deployed configuration of the phase function. */
    private readonly resourcesAllocated: ResourcesAllocated,
  ) {}

  async start(scope: ProjectScope, body: StartOperationBody, userId: string) {
    await this.checkInputs(scope, body);
    const now = this.clock.now();
    const operation: OperationRecord = {
      ...scope,
      operationId: `op-${randomUUID()}`,
      jobId: randomUUID(),
      operationType: body.operationType,
      operationName: body.operationName,
      ...(body.operationDescription ? { operationDescription: body.operationDescription } : {}),
      priority: body.priority,
      status: 'Initiated',
      parameters: body.parameters,
      ...(body.callbacks ? { callbacks: body.callbacks } : {}),
      ...(body.notifications ? { notifications: body.notifications } : {}),
      ...(body.retryPolicy ? { retryPolicy: body.retryPolicy } : {}),
      timeoutSeconds: body.timeout,
      submittedBy: userId,
      dateCreated: now.toISOString(),
      timeoutAt: new Date(now.getTime() + body.timeout * 1000).toISOString(),
      phases: phasesByOperationType[body.operationType].map((p) => ({ id: p.id, name: p.name, status: 'Pending' })),
    };
    await this.operations.create(operation);
    try {
      const { executionArn } = await this.workflows.start(operation.operationType, operation.jobId, { job: jobRefOf(operation) });
      await this.operations.update(scope, operation.operationId, { executionArn });
      operation.executionArn = executionArn;
    } catch (error) {
      // The operation stays visible as Failed rather than silently Initiated forever.
      await this.operations.transition(scope, operation.operationId, ['Initiated'], 'Failed', {
        endTime: this.clock.now().toISOString(),
        error: { error: 'ExecutionStartFailed', cause: error instanceof Error ? error.message : String(error) },
      });
      throw error;
    }
    return startedView(operation, this.resourcesAllocated);
  }

  private async checkInputs(scope: ProjectScope, body: StartOperationBody): Promise<void> {
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
    };
    const moved = await this.operations.transition(scope, operationId, ['Initiated', 'Queued', 'Running'], 'Cancelled', { cancellation, endTime: now });
    if (!moved) {
      const current = await this.get(scope, operationId);
      throw new ConflictError(`Operation ${operationId} has already ended with status ${current.status}`);
    }
    try {
      await this.cancellations.send({ job: jobRefOf(operation), ...(operation.executionArn ? { executionArn: operation.executionArn } : {}), requestedAt: now });
    } catch (error) {
      // The cancellation holds without the queue: no phase starts on a Cancelled operation,
      // so the execution ends at the next phase boundary instead of at once.
      console.error(JSON.stringify({ level: 'ERROR', message: 'Could not queue the execution stop', operationId, error: error instanceof Error ? error.message : String(error) }));
    }
    const completedPhases = operation.phases.filter((p) => p.status === 'Completed').length;
    return {
      operationId,
      status: 'Cancelled' as const,
      cancellationTime: now,
      reason: body.reason ?? null,
      progressAtCancellation: progress.percentage,
      phaseAtCancellation: progress.currentPhase,
      partialResults: { available: body.preservePartialResults && completedPhases > 0, completedPhases },
      cancelledBy: userId,
    };
  }
}
