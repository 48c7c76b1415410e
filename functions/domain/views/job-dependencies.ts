import type { BatchRecord, DatasetRecord, OperationRecord } from '../records.ts';
import { isTerminal } from '../records.ts';
import { phaseFunctionOf } from '../phase-sizes.ts';

export interface BlockingCondition {
  condition: string;
  status: 'Active' | 'Resolved';
  resolvedAt?: string | null;
  resolution?: string;
  details?: Record<string, unknown>;
}

/** Batch neighbours of an operation: the entries it waits for and those that wait for it. */
export function batchNeighbours(batch: BatchRecord | undefined, op: OperationRecord) {
  const entry = batch?.operations.find((e) => e.operationId === op.operationId);
  if (!batch || !entry) return { entry: undefined, prerequisites: [], dependents: [] };
  return {
    entry,
    prerequisites: batch.operations.filter((e) => entry.dependencies.includes(e.operationKey)),
    dependents: batch.operations.filter((e) => e.dependencies.includes(entry.operationKey)),
  };
}

export interface BlockingInput {
  op: OperationRecord;
  batchPrerequisites: { operationKey: string; op: OperationRecord | undefined }[];
  dataset: DatasetRecord | undefined;
  queuePosition: number | null;
}

/**
 * What keeps (or kept) the job from running, computed from its records: batch dependencies not yet completed,
 * waiting for a free slot (with the position in the admission order), a dataset not uploaded, and a stop by
 * the batch's failure policy. A condition that held and no longer holds is Resolved, with when.
 */
export function blockingConditions({ op, batchPrerequisites, dataset, queuePosition }: BlockingInput): BlockingCondition[] {
  const conditions: BlockingCondition[] = [];
  for (const dep of batchPrerequisites) {
    const status = dep.op?.status ?? 'Unknown';
    const condition = `Waiting for dependency ${dep.operationKey}`;
    if (status === 'Completed') conditions.push({ condition, status: 'Resolved', resolvedAt: dep.op!.endTime ?? null, resolution: `${dep.operationKey} completed`, details: { jobId: dep.op!.jobId } });
    else conditions.push({ condition, status: 'Active', details: { jobId: dep.op?.jobId ?? null, dependencyStatus: status } });
  }
  if (op.waitingFor === 'capacity') {
    const condition = 'Waiting for a free slot in the project';
    if (op.status === 'Queued') conditions.push({ condition, status: 'Active', details: { queuePosition } });
    else if (op.startTime) conditions.push({ condition, status: 'Resolved', resolvedAt: op.startTime, resolution: 'A slot was free and the job started' });
  }
  if (dataset) {
    const condition = 'Dataset must be uploaded';
    if (dataset.status === 'Available') {
      if (dataset.uploadedAt && dataset.uploadedAt > op.dateCreated) conditions.push({ condition, status: 'Resolved', resolvedAt: dataset.uploadedAt, resolution: 'Dataset uploaded' });
    } else conditions.push({ condition, status: 'Active', details: { datasetId: dataset.datasetId, datasetStatus: dataset.status } });
  }
  if (op.cancellation?.cancelledBy === 'batch') {
    conditions.push({ condition: 'Stopped by the batch failure policy', status: 'Active', details: { reason: op.cancellation.reason ?? null, since: op.cancellation.requestedAt } });
  }
  return conditions;
}

/** The function that runs the job's phases, as a resource the job holds while a phase runs. */
export function computeResource(op: OperationRecord, defaultPhaseFunction: { name: string; memoryMb: number }) {
  const running = op.phases.find((p) => p.status === 'Running');
  // The size the operation's resourceAllocation chose (phase-sizes.ts); operations from before sizes ran on the default.
  const phaseFunction = phaseFunctionOf(op.phaseMemoryMb) ?? defaultPhaseFunction;
  return {
    resourceType: 'ComputeFunction',
    resourceId: phaseFunction.name,
    memoryMb: phaseFunction.memoryMb,
    status: running ? 'Allocated' : isTerminal(op.status) ? 'Released' : op.phases.some((p) => p.status === 'Completed') ? 'Between phases' : 'Pending',
    allocatedAt: running?.startTime ?? null,
    phase: running?.name ?? null,
  };
}
