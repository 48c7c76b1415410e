import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { batchEstimateView, batchTimes } from '../../../functions/domain/batch-estimates.ts';
import { BatchService } from '../../../functions/domain/batch-service.ts';
import { CallbackDeliverer, CallbackNotifier, type CallbackDelivery } from '../../../functions/domain/callbacks.ts';
import type { OperationService } from '../../../functions/domain/operation-service.ts';
import type { BatchStore, OperationStore, WebhookStore, WorkflowEngine } from '../../../functions/domain/ports.ts';
import type { BatchRecord, OperationRecord } from '../../../functions/domain/records.ts';

const scope = { tenantId: 't', projectId: 'p' };
const now = new Date('2026-01-01T12:00:00Z');
const clock = { now: () => now };
const minute = 60_000;

const op = (key: string, fields: Partial<OperationRecord> = {}): OperationRecord =>
  ({
    ...scope,
    operationId: `op-${key}`,
    jobId: `job-${key}`,
    operationType: 'ProcessMiningAnalysis',
    operationName: key,
    priority: 'Normal',
    status: 'Queued',
    dateCreated: now.toISOString(),
    phases: [],
    batch: { batchId: 'batch-1', operationKey: key },
    ...fields,
  }) as OperationRecord;

const entry = (key: string, dependencies: string[] = []) => ({ operationKey: key, operationId: `op-${key}`, jobId: `job-${key}`, dependencies });
const estimate = (minutes: number) => ({ durationMs: minutes * minute, lowMs: minutes * minute, highMs: minutes * minute, basedOnOperations: 5 });

describe('batch estimates along the critical path', () => {
  // a → b → d and a → c → d: d waits for the longer branch.
  const batch = { operations: [entry('a'), entry('b', ['a']), entry('c', ['a']), entry('d', ['b', 'c'])], createdAt: now.toISOString() };

  it('starts each operation when its last dependency ends, and ends the batch with the longest path', () => {
    const operations = new Map([
      ['a', op('a', { status: 'Initiated', estimate: estimate(10) })],
      ['b', op('b', { estimate: estimate(5) })],
      ['c', op('c', { estimate: estimate(20) })],
      ['d', op('d', { estimate: estimate(3) })],
    ]);
    const times = batchTimes(batch, operations, now);
    expect(times.operations.get('d')).toEqual({ startMs: now.getTime() + 30 * minute, endMs: now.getTime() + 33 * minute });
    expect(times.completionMs).toBe(now.getTime() + 33 * minute);
    const view = batchEstimateView(batch, operations, now);
    expect(view.estimatedBatchCompletion).toBe('2026-01-01T12:33:00.000Z');
    expect(view.estimatedBatchDuration).toBe('33 minutes');
    expect(view.operation('b')).toEqual({ estimatedDuration: '5 minutes', estimatedStartTime: '2026-01-01T12:10:00.000Z' });
  });

  it('uses real times for what ran, and no figure where history has none', () => {
    const operations = new Map([
      ['a', op('a', { status: 'Completed', startTime: '2026-01-01T11:00:00.000Z', endTime: '2026-01-01T11:50:00.000Z', estimate: estimate(10) })],
      ['b', op('b', { status: 'Running', startTime: '2026-01-01T11:55:00.000Z', estimate: estimate(10) })],
      ['c', op('c')],
      ['d', op('d', { estimate: estimate(3) })],
    ]);
    const times = batchTimes(batch, operations, now);
    expect(times.operations.get('b')).toEqual({ startMs: Date.parse('2026-01-01T11:55:00.000Z'), endMs: Date.parse('2026-01-01T12:05:00.000Z') });
    expect(times.operations.get('c')).toEqual({ startMs: now.getTime(), endMs: null });
    expect(times.operations.get('d')).toEqual({ startMs: null, endMs: null });
    const view = batchEstimateView(batch, operations, now);
    expect(view).toMatchObject({ estimatedBatchCompletion: null, estimatedBatchDuration: null });
    expect(view.operation('c')).toEqual({ estimatedDuration: null, estimatedStartTime: now.toISOString() });
  });
});

/** A batch store whose claim is the adapter's conditional write: a set add that only the first caller makes. */
function memoryBatches(batch: BatchRecord): BatchStore & { claims: string[] } {
  const sent = new Set<string>();
  const claims: string[] = [];
  return {
    claims,
    create: async () => undefined,
    get: async () => structuredClone(batch),
    claimEvent: async (_scope, _id, event) => {
      // Yield first, so concurrent callers interleave as two Lambda invocations would.
      await new Promise((r) => setTimeout(r, 1));
      claims.push(event);
      if (sent.has(event)) return false;
      sent.add(event);
      return true;
    },
  };
}

describe('batch callbacks', () => {
  const batch: BatchRecord = {
    ...scope,
    batchId: 'batch-1',
    batchName: 'side by side',
    operations: [entry('a'), entry('b')],
    failurePolicy: { stopOnFirstFailure: false, continueIndependentOperations: true, retryFailedOperations: false },
    createdAt: now.toISOString(),
    submittedBy: 'alice',
    batchCallbacks: { onOperationComplete: 'https://receiver.test/op', onBatchComplete: 'https://receiver.test/done' },
  };

  function setup(statuses: Record<string, OperationRecord['status']>) {
    const records = new Map(Object.entries(statuses).map(([key, status]) => [`op-${key}`, op(key, { status, endTime: now.toISOString() })]));
    const operations = { get: async (_s: unknown, id: string) => structuredClone(records.get(id)) } as unknown as OperationStore;
    const sent: CallbackDelivery[] = [];
    const notifier = new CallbackNotifier({ send: async (d) => void sent.push(d) }, { list: async () => [] } as unknown as WebhookStore, clock);
    const batches = memoryBatches(batch);
    const service = new BatchService(batches, operations, {} as OperationService, {} as WorkflowEngine, clock, notifier);
    return { service, sent, batches, records };
  }

  it('sends onOperationComplete once per ended operation and onBatchComplete once, when two operations end together', async () => {
    const { service, sent } = setup({ a: 'Completed', b: 'Failed' });
    // Both operations' ends call advance at the same moment, each reading both ended.
    await Promise.all([service.advance(scope, batch.batchId), service.advance(scope, batch.batchId)]);
    expect(sent.filter((d) => d.event === 'batch.operation.completed').map((d) => d.payload.operationKey).sort()).toEqual(['a', 'b']);
    const done = sent.filter((d) => d.event === 'batch.completed');
    expect(done).toHaveLength(1);
    expect(done[0]!.payload).toMatchObject({ batchId: 'batch-1', status: 'PartiallyCompleted', completed: 1, failed: 1 });
    expect(sent.every((d) => d.target.kind === 'batch')).toBe(true);
  });

  it('sends no onBatchComplete while an operation is still running', async () => {
    const { service, sent } = setup({ a: 'Completed', b: 'Running' });
    await service.advance(scope, batch.batchId);
    expect(sent.map((d) => [d.event, d.payload.operationKey])).toEqual([['batch.operation.completed', 'a']]);
  });

  it('delivers a batch callback signed with the project secret, recording nothing on an operation', async () => {
    const secret = 'whsec_' + Buffer.from('a-project-secret-of-enough-length').toString('base64');
    const seen: { body: string; headers: Record<string, string> }[] = [];
    const recorded: unknown[] = [];
    const operations = { recordCallback: async (...args: unknown[]) => void recorded.push(args) } as unknown as OperationStore;
    // The reference library checks the timestamp against the real time.
    const realClock = { now: () => new Date() };
    const deliverer = new CallbackDeliverer(
      async (_url, body, headers) => (seen.push({ body, headers }), { status: 204 }),
      operations,
      { get: async () => undefined } as unknown as WebhookStore,
      realClock,
      { send: async () => undefined },
      { signingSecrets: async () => [secret] },
      { random: () => 0.5 },
    );
    const sent: CallbackDelivery[] = [];
    await new CallbackNotifier({ send: async (d) => void sent.push(d) }, { list: async () => [] } as unknown as WebhookStore, clock).notifyBatch(batch, 'https://receiver.test/start', 'batch.started', batch.batchId, { batchId: batch.batchId });
    expect(await deliverer.deliver(sent[0]!, 1)).toEqual({ outcome: 'delivered' });
    const verified = new Webhook(secret).verify(seen[0]!.body, seen[0]!.headers);
    expect(verified).toMatchObject({ event: 'batch.started', batchId: 'batch-1' });
    expect(recorded).toEqual([]);
  });
});
