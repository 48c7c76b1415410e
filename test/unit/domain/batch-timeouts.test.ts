import { describe, expect, it } from 'vitest';
import { BatchService } from '../../../functions/domain/batch-service.ts';
import type { DatasetService } from '../../../functions/domain/dataset-service.ts';
import { allowedTransitions } from '../../../functions/domain/lifecycle.ts';
import { OperationService } from '../../../functions/domain/operation-service.ts';
import type { BatchStore, ObjectStore, OperationStore, WorkflowEngine } from '../../../functions/domain/ports.ts';
import { pricesByRegion } from '../../../functions/domain/pricing.ts';
import type { BatchRecord, OperationRecord } from '../../../functions/domain/records.ts';

const scope = { tenantId: 't', projectId: 'p' };
const now = new Date('2026-01-01T12:00:00Z');
const clock = { now: () => now };

const op = (key: string, fields: Partial<OperationRecord> = {}): OperationRecord =>
  ({
    ...scope,
    operationId: `op-${key}`,
    jobId: `job-${key}`,
    operationType: 'ProcessMiningAnalysis',
    operationName: key,
    priority: 'Normal',
    status: 'Queued',
    parameters: { datasetId: 'd' },
    dateCreated: '2026-01-01T11:00:00Z',
    // Past by default: these operations are queued beyond their deadline.
    timeoutAt: '2026-01-01T11:59:00Z',
    timeoutSeconds: 3540,
    phases: [],
    batch: { batchId: 'batch-1', operationKey: key },
    ...fields,
  }) as OperationRecord;
const entry = (key: string, dependencies: string[] = []) => ({ operationKey: key, operationId: `op-${key}`, jobId: `job-${key}`, dependencies });

/** Operations in memory; every status change is checked against the lifecycle table, as the table's conditions do. */
function memoryOperations(ops: OperationRecord[]) {
  const items = new Map(ops.map((o) => [o.operationId, structuredClone(o)]));
  const store: Partial<OperationStore> = {
    get: async (_s, id) => structuredClone(items.get(id)),
    update: async (_s, id, fields) => void Object.assign(items.get(id)!, fields),
    transition: async (_s, id, from, to, fields = {}) => {
      const item = items.get(id);
      if (!item || !from.includes(item.status)) return false;
      if (!allowedTransitions[item.status].includes(to)) throw new Error(`${item.status} → ${to} is not in the lifecycle table`);
      Object.assign(item, fields, { status: to });
      return true;
    },
    waitingForCapacity: async function* (_s, priority) {
      for (const item of items.values()) if (item.status === 'Queued' && item.waitingFor === 'capacity' && item.priority === priority) yield structuredClone(item);
    },
  };
  return { items, store: store as OperationStore };
}

const batch: BatchRecord = {
  ...scope,
  batchId: 'batch-1',
  batchName: 'chain',
  // a → b → c
  operations: [entry('a'), entry('b', ['a']), entry('c', ['b'])],
  failurePolicy: { stopOnFirstFailure: false, continueIndependentOperations: true, retryFailedOperations: false },
  createdAt: '2026-01-01T11:00:00Z',
  submittedBy: 'alice',
};
const batches: BatchStore = { create: async () => undefined, get: async () => structuredClone(batch), claimEvent: async () => true };

function services(ops: OperationRecord[]) {
  const { items, store } = memoryOperations(ops);
  const started: string[] = [];
  const notified: string[] = [];
  const workflows: WorkflowEngine = { start: async (_t, name) => (started.push(name), { executionArn: name }), stop: async () => undefined };
  const advanced: string[] = [];
  let batchService: BatchService | undefined;
  const operationService = new OperationService(
    store,
    {} as DatasetService,
    workflows,
    {} as ObjectStore,
    { send: async () => undefined },
    clock,
    pricesByRegion['us-east-1'],
    { assertAllowed: async () => undefined },
    undefined,
    { notify: async (o, event) => void notified.push(`${o.operationId} ${event}`) },
    undefined,
    undefined,
    async (s, batchId) => {
      advanced.push(batchId);
      await batchService!.advance(s, batchId);
    },
  );
  batchService = new BatchService(batches, store, operationService, workflows, clock);
  return { items, started, notified, advanced, operationService, batchService };
}

describe('a batch operation queued past its deadline', () => {
  it('ends Timeout when its dependency completes late, instead of starting, and its dependents are cancelled at once', async () => {
    const { items, started, notified, batchService } = services([op('a', { status: 'Completed' }), op('b'), op('c')]);
    await batchService.advance(scope, 'batch-1');
    expect(started).toEqual([]);
    expect(items.get('op-b')).toMatchObject({ status: 'Timeout', error: { error: 'OperationTimedOut' } });
    expect(items.get('op-c')).toMatchObject({ status: 'Cancelled', cancellation: { reason: 'dependency b ended Timeout' } });
    expect(notified).toEqual(['op-b operation.timeout', 'op-c operation.cancelled']);
  });

  it('timed out at admission (waiting for a slot), advances its batch then, not when something else ends', async () => {
    const { items, advanced, notified, operationService } = services([op('a', { status: 'Completed' }), op('b', { waitingFor: 'capacity' }), op('c')]);
    expect(await operationService.admitQueued(scope)).toBe(0);
    expect(advanced).toEqual(['batch-1']);
    expect(items.get('op-b')!.status).toBe('Timeout');
    expect(items.get('op-c')!.status).toBe('Cancelled');
    expect(notified).toEqual(['op-b operation.timeout', 'op-c operation.cancelled']);
  });

  it('still starts when its deadline is ahead', async () => {
    const { items, started, batchService } = services([op('a', { status: 'Completed' }), op('b', { timeoutAt: '2026-01-01T13:00:00Z' }), op('c')]);
    await batchService.advance(scope, 'batch-1');
    expect(started).toEqual(['job-b']);
    expect(items.get('op-b')!.status).toBe('Running');
    expect(items.get('op-c')!.status).toBe('Queued');
  });
});
