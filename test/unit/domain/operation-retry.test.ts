import { describe, expect, it } from 'vitest';
import type { DatasetService } from '../../../functions/domain/dataset-service.ts';
import { AlreadyRetriedError, ConflictError, NotFoundError } from '../../../functions/domain/errors.ts';
import { newOperation, OperationService } from '../../../functions/domain/operation-service.ts';
import type { CancellationQueue, ObjectStore, OperationStore, WorkflowEngine } from '../../../functions/domain/ports.ts';
import type { ReceiverGuard } from '../../../functions/domain/receiver-guard.ts';
import type { OperationRecord } from '../../../functions/domain/records.ts';
import { retryOperationBody, startOperationBody } from '../../../functions/schemas/operation.ts';
import { pricesByRegion } from '../../../functions/domain/pricing.ts';

const scope = { tenantId: '11111111-1111-4111-8111-111111111111', projectId: '22222222-2222-4222-8222-222222222222' };
const datasetId = '33333333-3333-4333-8333-333333333333';
const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
const restart = retryOperationBody.parse({ retryMode: 'restart' });

/** A store with the adapter's retry rule: creating a retry marks the original, once. */
function memoryStore(initial: OperationRecord[]) {
  const items = new Map(initial.map((op) => [op.operationId, structuredClone(op)]));
  const store: Partial<OperationStore> = {
    create: async (op) => {
      if (op.retry) {
        const original = items.get(op.retry.originalOperationId)!;
        if (original.retriedBy) throw new AlreadyRetriedError(original.operationId, original.retriedBy);
        original.retriedBy = op.operationId;
      }
      items.set(op.operationId, structuredClone(op));
    },
    list: async () => ({ items: [], hasMore: false }),
    get: async (_s, id) => structuredClone(items.get(id)),
    update: async (_s, id, fields) => void Object.assign(items.get(id)!, fields),
  };
  return { items, store: store as OperationStore };
}

function failedOperation(request: unknown): OperationRecord {
  return { ...newOperation(scope, startOperationBody.parse(request), 'alice', clock.now()), status: 'Failed' };
}

function service(store: OperationStore, datasets: Partial<DatasetService> = { requireUploaded: async () => ({}) as never }) {
  const workflows: WorkflowEngine = { start: async (_t, name) => ({ executionArn: `arn:${name}` }), stop: async () => undefined };
  const receivers: ReceiverGuard = { assertAllowed: async () => undefined };
  return new OperationService(store, datasets as DatasetService, workflows, {} as ObjectStore, {} as CancellationQueue, clock, pricesByRegion['us-east-1'], receivers);
}

describe('OperationService.retry', () => {
  const analysis = { operationType: 'ProcessMiningAnalysis', operationName: 'n', parameters: { datasetId } };

  it('runs the checks a start runs: a dataset that is gone is 404 and nothing is created', async () => {
    const original = failedOperation(analysis);
    const { items, store } = memoryStore([original]);
    const datasets = { requireUploaded: async () => Promise.reject(new NotFoundError(`Dataset ${datasetId} does not exist in this project`)) };
    await expect(service(store, datasets).retry(scope, original.operationId, restart, 'bob')).rejects.toBeInstanceOf(NotFoundError);
    expect(items.size).toBe(1);
    expect(items.get(original.operationId)!.retriedBy).toBeUndefined();
  });

  it('refuses a report whose source analysis no longer qualifies', async () => {
    const source = { ...failedOperation(analysis), status: 'Cancelled' as const };
    const report = failedOperation({ operationType: 'ReportGeneration', operationName: 'r', parameters: { sourceOperationId: source.operationId } });
    const { store } = memoryStore([source, report]);
    await expect(service(store).retry(scope, report.operationId, restart, 'bob')).rejects.toBeInstanceOf(ConflictError);
  });

  it('retries once: a second retry of the same operation is 409 naming the first retry', async () => {
    const original = failedOperation(analysis);
    const { items, store } = memoryStore([original]);
    const first = await service(store).retry(scope, original.operationId, restart, 'bob');
    expect(items.get(original.operationId)!.retriedBy).toBe(first.newOperationId);
    const second = service(store).retry(scope, original.operationId, restart, 'bob');
    await expect(second).rejects.toBeInstanceOf(AlreadyRetriedError);
    await expect(second).rejects.toMatchObject({ status: 409, extensions: { retryOperationId: first.newOperationId } });
    expect(items.size).toBe(2);
  });

  it('continues the chain from the latest retry', async () => {
    const original = failedOperation(analysis);
    const { items, store } = memoryStore([original]);
    const first = await service(store).retry(scope, original.operationId, restart, 'bob');
    items.get(first.newOperationId)!.status = 'Failed';
    const second = await service(store).retry(scope, first.newOperationId, restart, 'bob');
    expect(second).toMatchObject({ originalOperationId: first.newOperationId, retryNumber: 2 });
  });
});
