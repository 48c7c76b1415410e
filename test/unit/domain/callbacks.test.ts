import { describe, expect, it } from 'vitest';
import { CallbackDeliverer, CallbackNotifier, callbackUrl, type CallbackDelivery } from '../../../functions/domain/callbacks.ts';
import type { OperationStore } from '../../../functions/domain/ports.ts';
import type { OperationRecord } from '../../../functions/domain/records.ts';

const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
const op = {
  tenantId: 't',
  projectId: 'p',
  operationId: 'op-1',
  jobId: 'j',
  operationType: 'ProcessMiningAnalysis',
  operationName: 'n',
  status: 'Running',
  phases: [{ id: 'DataLoadingValidation', name: 'Data Loading & Validation', status: 'Completed' }],
  callbacks: { onProgress: 'https://a.example/p', onError: 'https://a.example/e' },
} as unknown as OperationRecord;

describe('callbackUrl', () => {
  it('routes events to the callback that hears them', () => {
    expect(callbackUrl(op, 'operation.progress')).toBe('https://a.example/p');
    expect(callbackUrl(op, 'operation.timeout')).toBe('https://a.example/e');
    expect(callbackUrl(op, 'operation.completed')).toBeUndefined();
  });
});

describe('CallbackNotifier', () => {
  it('queues nothing for an event without a callback', async () => {
    const sent: CallbackDelivery[] = [];
    const notifier = new CallbackNotifier({ send: async (d) => void sent.push(d) }, clock);
    await notifier.notify(op, 'operation.completed');
    await notifier.notify(op, 'operation.progress');
    expect(sent).toHaveLength(1);
    expect(sent[0]).toMatchObject({ url: 'https://a.example/p', event: 'operation.progress', payload: { operationId: 'op-1', progress: { phasesCompleted: 1 } } });
  });
});

describe('CallbackDeliverer', () => {
  const delivery: CallbackDelivery = { deliveryId: 'd', url: 'https://a.example/p', event: 'operation.progress', operation: { tenantId: 't', projectId: 'p', operationId: 'op-1' }, payload: {} };
  const recorder = () => {
    const outcomes: Array<{ successful: boolean; progress: boolean }> = [];
    const store = { recordCallback: async (_s: unknown, _id: string, outcome: { successful: boolean; progress: boolean }) => void outcomes.push(outcome) } as unknown as OperationStore;
    return { outcomes, store };
  };

  it('counts a 2xx as delivered', async () => {
    const { outcomes, store } = recorder();
    expect(await new CallbackDeliverer(async () => ({ status: 204 }), store, clock).deliver(delivery, false)).toBe('delivered');
    expect(outcomes).toEqual([{ successful: true, progress: true, at: '2026-01-01T00:00:00.000Z' }]);
  });

  it('retries refusals and network errors, and counts the last attempt as failed', async () => {
    const { outcomes, store } = recorder();
    expect(await new CallbackDeliverer(async () => ({ status: 503 }), store, clock).deliver(delivery, false)).toBe('retry');
    expect(await new CallbackDeliverer(async () => Promise.reject(new Error('ECONNREFUSED')), store, clock).deliver(delivery, false)).toBe('retry');
    expect(outcomes).toEqual([]);
    expect(await new CallbackDeliverer(async () => ({ status: 302 }), store, clock).deliver(delivery, true)).toBe('failed');
    expect(outcomes).toEqual([{ successful: false, progress: true, at: '2026-01-01T00:00:00.000Z' }]);
  });
});
