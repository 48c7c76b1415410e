import { describe, expect, it } from 'vitest';
import type { DatasetService } from '../../../functions/domain/dataset-service.ts';
import { ConflictError } from '../../../functions/domain/errors.ts';
import { OperationService } from '../../../functions/domain/operation-service.ts';
import type { CancellationQueue, ObjectStore, OperationStore, WorkflowEngine } from '../../../functions/domain/ports.ts';
import type { ReceiverGuard } from '../../../functions/domain/receiver-guard.ts';
import type { OperationRecord } from '../../../functions/domain/records.ts';
import { startOperationBody } from '../../../functions/schemas/operation.ts';
import { pricesByRegion } from '../../../functions/domain/pricing.ts';

const scope = { tenantId: '11111111-1111-4111-8111-111111111111', projectId: '22222222-2222-4222-8222-222222222222' };
const body = startOperationBody.parse({
  operationType: 'ProcessMiningAnalysis',
  operationName: 'n',
  parameters: { datasetId: '33333333-3333-4333-8333-333333333333' },
});

/** Just enough of a store to watch the service's writes. */
function memoryStore() {
  const items = new Map<string, OperationRecord>();
  const store: Partial<OperationStore> = {
    create: async (op) => void items.set(op.operationId, structuredClone(op)),
    list: async () => ({ items: [], hasMore: false }),
    get: async (_s, id) => structuredClone(items.get(id)),
    update: async (_s, id, fields) => void Object.assign(items.get(id)!, fields),
    transition: async (_s, id, from, to, fields = {}) => {
      const op = items.get(id);
      if (!op || !from.includes(op.status)) return false;
      Object.assign(op, fields, { status: to });
      return true;
    },
  };
  return { items, store: store as OperationStore };
}

const datasets = { requireUploaded: async () => ({}) } as unknown as DatasetService;
const queue: CancellationQueue = { send: async () => undefined };
const objects = {} as ObjectStore;
const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
const resources = pricesByRegion['us-east-1'];
/** Admits every receiver: the guard's own rules are tested in receiver-guard.test.ts. */
const receivers: ReceiverGuard = { assertAllowed: async () => undefined };

describe('OperationService.start', () => {
  it('starts the execution named after the job and remembers its ARN', async () => {
    const { items, store } = memoryStore();
    const started: string[] = [];
    const workflows: WorkflowEngine = { start: async (_t, name) => (started.push(name), { executionArn: `arn:${name}` }), stop: async () => undefined };
    const view = await new OperationService(store, datasets, workflows, objects, queue, clock, resources, receivers).start(scope, body, 'alice');
    const stored = items.get(view.operationId)!;
    expect(started).toEqual([stored.jobId]);
    // The 202 says what was accepted; the execution runs once StartExecution returns, so the stored operation is Running.
    expect(view.status).toBe('Initiated');
    expect(stored).toMatchObject({ status: 'Running', startTime: '2026-01-01T00:00:00.000Z', executionArn: `arn:${stored.jobId}`, submittedBy: 'alice', timeoutAt: '2026-01-01T01:00:00.000Z' });
    expect(stored.phases.map((p) => p.status)).toEqual(['Pending', 'Pending', 'Pending', 'Pending', 'Pending']);
  });

  it('leaves a Failed operation, not a silent Initiated one, when the execution cannot start', async () => {
    const { items, store } = memoryStore();
    const workflows: WorkflowEngine = { start: async () => Promise.reject(new Error('throttled')), stop: async () => undefined };
    await expect(new OperationService(store, datasets, workflows, objects, queue, clock, resources, receivers).start(scope, body, 'alice')).rejects.toThrow('throttled');
    const [stored] = [...items.values()];
    // The SDK's message stays in the logs; the operation records the documented code and sentence.
    expect(stored).toMatchObject({ status: 'Failed', error: { error: 'ExecutionStartFailed', cause: expect.not.stringContaining('throttled') } });
  });
});

describe('OperationService.cancel', () => {
  it('refuses to cancel an operation that has ended', async () => {
    const { items, store } = memoryStore();
    const workflows: WorkflowEngine = { start: async () => ({ executionArn: 'arn' }), stop: async () => undefined };
    const service = new OperationService(store, datasets, workflows, objects, queue, clock, resources, receivers);
    const { operationId } = await service.start(scope, body, 'alice');
    items.get(operationId)!.status = 'Completed';
    await expect(service.cancel(scope, operationId, { preservePartialResults: true, forceTermination: false, notifyCallbacks: true }, 'bob')).rejects.toBeInstanceOf(ConflictError);
  });

  it('records who cancelled and where the operation stood', async () => {
    const { items, store } = memoryStore();
    const sent: unknown[] = [];
    const workflows: WorkflowEngine = { start: async () => ({ executionArn: 'arn:x' }), stop: async () => undefined };
    const service = new OperationService(store, datasets, workflows, objects, { send: async (m) => void sent.push(m) }, clock, resources, receivers);
    const { operationId } = await service.start(scope, body, 'alice');
    const result = await service.cancel(scope, operationId, { reason: 'why', preservePartialResults: true, forceTermination: false, notifyCallbacks: true }, 'bob');
    expect(result).toMatchObject({ status: 'Cancelled', cancelledBy: 'bob', progressAtCancellation: 0, partialResults: { available: false, completedPhases: 0 } });
    expect(items.get(operationId)).toMatchObject({ status: 'Cancelled', cancellation: { cancelledBy: 'bob', reason: 'why' } });
    expect(sent).toEqual([expect.objectContaining({ executionArn: 'arn:x' })]);
  });
});
