import { describe, expect, it } from 'vitest';
import type { DatasetService } from '../../../functions/domain/dataset-service.ts';
import { AlreadyRetriedError, ConflictError, NotFoundError, ValidationError } from '../../../functions/domain/errors.ts';
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

function service(store: OperationStore, datasets: Partial<DatasetService> = { requireUploaded: async () => ({}) as never }, objects: Partial<ObjectStore> = {}) {
  const workflows: WorkflowEngine = { start: async (_t, name) => ({ executionArn: `arn:${name}` }), stop: async () => undefined };
  const receivers: ReceiverGuard = { assertAllowed: async () => undefined };
  return new OperationService(store, datasets as DatasetService, workflows, objects as ObjectStore, {} as CancellationQueue, clock, pricesByRegion['us-east-1'], receivers);
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

  it('numbers each retry by its position in the chain of the original: 1, 2, 3', async () => {
    const original = failedOperation(analysis);
    const { items, store } = memoryStore([original]);
    const numbers: number[] = [];
    let latest = original.operationId;
    for (let i = 0; i < 3; i += 1) {
      const retried = await service(store).retry(scope, latest, restart, 'bob');
      numbers.push(retried.retryNumber);
      items.get(retried.newOperationId)!.status = 'Failed';
      latest = retried.newOperationId;
    }
    expect(numbers).toEqual([1, 2, 3]);
    expect(items.get(latest)!.retry).toMatchObject({ retryNumber: 3 });
  });

  it('refuses a resume on a different dataset, naming the field; a restart may change it', async () => {
    const otherDataset = '44444444-4444-4444-8444-444444444444';
    const original = failedOperation(analysis);
    const { items, store } = memoryStore([original]);
    const changed = { modifyParameters: true, updatedParameters: { datasetId: otherDataset } };
    const resumed = service(store).retry(scope, original.operationId, retryOperationBody.parse({ retryMode: 'resume', ...changed }), 'bob');
    await expect(resumed).rejects.toBeInstanceOf(ValidationError);
    await expect(resumed).rejects.toMatchObject({ status: 400, invalidFields: [{ name: 'body.updatedParameters.datasetId', reason: expect.stringMatching(/restart/) }] });
    expect(items.size).toBe(1);
    // The same dataset named again is no change.
    const same = await service(store).retry(scope, original.operationId, retryOperationBody.parse({ retryMode: 'resume', modifyParameters: true, updatedParameters: { datasetId } }), 'bob');
    expect(items.get(same.newOperationId)!.parameters).toMatchObject({ datasetId });
    const other = failedOperation(analysis);
    const second = memoryStore([other]);
    const restarted = await service(second.store).retry(scope, other.operationId, retryOperationBody.parse({ retryMode: 'restart', ...changed }), 'bob');
    expect(second.items.get(restarted.newOperationId)!.parameters).toMatchObject({ datasetId: otherDataset });
  });

  it("gives the retry its own retryPolicy, which the automatic retries read; without one it keeps the original's", async () => {
    const original = failedOperation({ ...analysis, retryPolicy: { maxRetries: 3, retryDelay: 300 } });
    const { items, store } = memoryStore([original]);
    const own = await service(store).retry(scope, original.operationId, retryOperationBody.parse({ retryMode: 'restart', retryPolicy: { maxRetries: 1, retryDelay: 5, backoffMultiplier: 2 } }), 'bob');
    expect(items.get(own.newOperationId)!.retryPolicy).toEqual({ maxRetries: 1, retryDelay: 5, backoffMultiplier: 2 });
    const other = failedOperation({ ...analysis, retryPolicy: { maxRetries: 3, retryDelay: 300 } });
    const second = memoryStore([other]);
    const kept = await service(second.store).retry(scope, other.operationId, restart, 'bob');
    expect(second.items.get(kept.newOperationId)!.retryPolicy).toEqual({ maxRetries: 3, retryDelay: 300, backoffMultiplier: 1 });
  });

  it("preserveOriginalResults: false deletes the original's outputs (every attempt's prefix) once the retry completes, not before", async () => {
    const original: OperationRecord = {
      ...failedOperation(analysis),
      attempts: [
        { attempt: 1, jobId: '55555555-5555-4555-8555-555555555555', status: 'Failed' },
        { attempt: 2, jobId: '66666666-6666-4666-8666-666666666666', status: 'Failed' },
      ],
    };
    original.jobId = original.attempts![1]!.jobId;
    const { items, store } = memoryStore([original]);
    const deleted: string[] = [];
    const objects = { deletePrefix: async (prefix: string) => (deleted.push(prefix), 2) };
    const operations = service(store, undefined, objects);
    const retried = await operations.retry(scope, original.operationId, retryOperationBody.parse({ retryMode: 'restart', preserveOriginalResults: false }), 'bob');
    const retry = items.get(retried.newOperationId)!;
    expect(retry.retry).toMatchObject({ discardOriginalResults: true });
    expect(await operations.discardOriginalResults({ ...retry, status: 'Failed' })).toBe(0);
    expect(deleted).toEqual([]);
    expect(await operations.discardOriginalResults({ ...retry, status: 'Completed' })).toBe(4);
    expect(deleted.sort()).toEqual(original.attempts!.map((a) => `tenants/${scope.tenantId}/projects/${scope.projectId}/jobs/${a.jobId}/`).sort());
    // Kept by default.
    const kept = failedOperation(analysis);
    const second = memoryStore([kept]);
    const keeping = await service(second.store, undefined, objects).retry(scope, kept.operationId, restart, 'bob');
    expect(second.items.get(keeping.newOperationId)!.retry).not.toHaveProperty('discardOriginalResults');
  });
});
