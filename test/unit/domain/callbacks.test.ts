import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { CallbackDeliverer, CallbackNotifier, callbackUrl, webhookWants, type CallbackDelivery } from '../../../functions/domain/callbacks.ts';
import type { OperationStore, WebhookStore } from '../../../functions/domain/ports.ts';
import type { OperationRecord, WebhookRecord } from '../../../functions/domain/records.ts';
import { MemoryWebhookStore } from './memory-webhook-store.ts';

const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
const op = {
  tenantId: 't',
  projectId: 'p',
  operationId: 'op-1',
  jobId: 'j',
  operationType: 'ProcessMiningAnalysis',
  operationName: 'n',
  priority: 'High',
  status: 'Running',
  phases: [
    { id: 'DataLoadingValidation', name: 'Data Loading & Validation', status: 'Completed' },
    { id: 'ProcessDiscovery', name: 'Process Discovery', status: 'Pending' },
  ],
  callbacks: { onProgress: 'https://a.example/p', onError: 'https://a.example/e' },
} as unknown as OperationRecord;

const webhook = (overrides: Partial<WebhookRecord> = {}): WebhookRecord =>
  ({
    tenantId: 't',
    projectId: 'p',
    webhookId: 'wh-1',
    webhookUrl: 'https://hooks.example/h',
    events: ['operation.progress', 'operation.phase.completed'],
    retryPolicy: { maxRetries: 2, retryDelay: 10, backoffMultiplier: 3, maxDelay: 60 },
    stats: { totalDeliveries: 0, successfulDeliveries: 0, failedDeliveries: 0, totalResponseMs: 0 },
    ...overrides,
  }) as WebhookRecord;

/** The deliverer queues only postponed deliveries; these tests pause nothing. */
const noQueue = { send: async () => Promise.reject(new Error('nothing should be queued')) };

/** The project's callback signing secret; fixed, so the receiver side knows it. */
const projectSecret = 'whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw';
const callbackSecrets = { signingSecrets: async () => [projectSecret] };
/** No jitter: the middle of the spread. */
const exact = { random: () => 0.5 };

const webhooksOf = (list: WebhookRecord[]) => ({ list: async () => list, get: async (_s: unknown, id: string) => list.find((w) => w.webhookId === id) }) as unknown as WebhookStore;

describe('callbackUrl', () => {
  it('routes events to the callback that hears them', () => {
    expect(callbackUrl(op, 'operation.progress')).toBe('https://a.example/p');
    expect(callbackUrl(op, 'operation.timeout')).toBe('https://a.example/e');
    expect(callbackUrl(op, 'operation.completed')).toBeUndefined();
    expect(callbackUrl(op, 'operation.started')).toBeUndefined();
  });
});

describe('webhookWants', () => {
  it('applies events, types, priorities and the progress increment', () => {
    expect(webhookWants(webhook(), op, 'operation.progress', { before: 0, after: 50 })).toBe(true);
    expect(webhookWants(webhook(), op, 'operation.completed', { before: 50, after: 100 })).toBe(false);
    expect(webhookWants(webhook({ filters: { priorities: ['Low'] } }), op, 'operation.progress', { before: 0, after: 50 })).toBe(false);
    expect(webhookWants(webhook({ filters: { operationTypes: ['DataEnrichment'] } }), op, 'operation.progress', { before: 0, after: 50 })).toBe(false);
    expect(webhookWants(webhook({ filters: { minProgressIncrement: 30 } }), op, 'operation.progress', { before: 0, after: 20 })).toBe(false);
    expect(webhookWants(webhook({ filters: { minProgressIncrement: 30 } }), op, 'operation.progress', { before: 20, after: 40 })).toBe(true);
  });
});

describe('CallbackNotifier', () => {
  it('queues the callback and every interested webhook, and nothing for the rest', async () => {
    const sent: CallbackDelivery[] = [];
    const notifier = new CallbackNotifier({ send: async (d) => void sent.push(d) }, webhooksOf([webhook()]), clock);
    await notifier.notify(op, 'operation.completed');
    expect(sent).toEqual([]);
    await notifier.notify(op, 'operation.progress');
    expect(sent.map((d) => [d.target.kind, d.event])).toEqual([
      ['callback', 'operation.progress'],
      ['webhook', 'operation.phase.completed'],
      ['webhook', 'operation.progress'],
    ]);
    expect(sent[0]!.payload).toMatchObject({ operationId: 'op-1', progress: { phasesCompleted: 1, percentage: 50 } });
  });
});

describe('CallbackDeliverer', () => {
  const delivery = (target: CallbackDelivery['target']): CallbackDelivery => ({
    deliveryId: 'd',
    url: 'https://a.example/p',
    event: 'operation.progress',
    target,
    operation: { tenantId: 't', projectId: 'p', operationId: 'op-1' },
    payload: { hello: 'world' },
  });
  const stores = () => {
    const callbackOutcomes: unknown[] = [];
    const webhookOutcomes: unknown[] = [];
    const operations = { recordCallback: async (_s: unknown, _id: string, outcome: unknown) => void callbackOutcomes.push(outcome) } as unknown as OperationStore;
    return { callbackOutcomes, webhookOutcomes, operations };
  };

  it('counts a 2xx as delivered', async () => {
    const { callbackOutcomes, operations } = stores();
    const result = await new CallbackDeliverer(async () => ({ status: 204 }), operations, webhooksOf([]), clock, noQueue, callbackSecrets, exact).deliver(delivery({ kind: 'callback' }), 1);
    expect(result).toEqual({ outcome: 'delivered' });
    expect(callbackOutcomes).toEqual([{ successful: true, progress: true, at: '2026-01-01T00:00:00.000Z' }]);
  });

  it('backs off by the policy and counts the last attempt as failed', async () => {
    const { callbackOutcomes, operations } = stores();
    const refusing = new CallbackDeliverer(async () => ({ status: 503 }), operations, webhooksOf([]), clock, noQueue, callbackSecrets, exact);
    expect(await refusing.deliver(delivery({ kind: 'callback' }), 1)).toEqual({ outcome: 'retry', afterSeconds: 60 });
    expect(await refusing.deliver(delivery({ kind: 'callback' }), 3)).toEqual({ outcome: 'retry', afterSeconds: 240 });
    expect(callbackOutcomes).toEqual([]);
    const unreachable = new CallbackDeliverer(async () => Promise.reject(new Error('ECONNREFUSED')), operations, webhooksOf([]), clock, noQueue, callbackSecrets, exact);
    expect(await unreachable.deliver(delivery({ kind: 'callback' }), 5)).toEqual({ outcome: 'failed' });
    expect(callbackOutcomes).toEqual([{ successful: false, progress: true, at: '2026-01-01T00:00:00.000Z' }]);
  });

  it('signs webhook deliveries with the secret and follows the webhook policy', async () => {
    const { operations } = stores();
    const seen: Array<Record<string, string>> = [];
    const secret = 'whsec_C2FVsBQIhrscChlQIMV+b5sSYspob7oD';
    const hook = webhook({ authentication: { type: 'hmac-sha256', secret }, headers: { 'X-Source': 'tests' } });
    const store = new MemoryWebhookStore([hook]);
    const outcomes = store.deliveries;
    const deliverer = new CallbackDeliverer(async (_url, body, headers) => (seen.push({ ...headers, body }), { status: 500 }), operations, store, clock, noQueue, callbackSecrets, exact);
    expect(await deliverer.deliver(delivery({ kind: 'webhook', webhookId: 'wh-1' }), 2)).toEqual({ outcome: 'retry', afterSeconds: 30 });
    expect(await deliverer.deliver(delivery({ kind: 'webhook', webhookId: 'wh-1' }), 3)).toEqual({ outcome: 'failed' });
    const headers = seen[0]!;
    // The library checks the timestamp against its own clock: it is given the fixed clock's time.
    const signed = new Webhook(secret).sign(headers['webhook-id']!, new Date(Number(headers['webhook-timestamp']) * 1000), headers.body!);
    expect(headers['webhook-signature']).toBe(signed);
    expect(headers['webhook-id']).toBe('d');
    expect(seen[1]!['webhook-id']).toBe('d');
    expect(headers['X-Webhook-Signature']).toBeUndefined();
    expect(headers['X-Source']).toBe('tests');
    expect(outcomes).toEqual([expect.objectContaining({ successful: false, statusCode: 500, event: 'operation.progress' })]);
    expect(await deliverer.deliver(delivery({ kind: 'webhook', webhookId: 'wh-gone' }), 1)).toEqual({ outcome: 'dropped' });
  });
});

describe('CallbackNotifier failures', () => {
  it('never fail the job that notifies', async () => {
    const original = console.error;
    console.error = () => undefined;
    try {
      const notifier = new CallbackNotifier({ send: async () => Promise.reject(new Error('queue down')) }, webhooksOf([]), clock);
      await expect(notifier.notify(op, 'operation.progress')).resolves.toBeUndefined();
    } finally {
      console.error = original;
    }
  });
});
