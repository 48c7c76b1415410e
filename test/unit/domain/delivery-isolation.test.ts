import { describe, expect, it } from 'vitest';
import { CallbackDeliverer, type CallbackDelivery, type Post } from '../../../functions/domain/callbacks.ts';
import { CircuitBreaker } from '../../../functions/domain/circuit-breaker.ts';
import type { OperationStore } from '../../../functions/domain/ports.ts';
import type { WebhookRecord } from '../../../functions/domain/records.ts';
import { ReceiverRefusedError } from '../../../functions/domain/receiver-guard.ts';
import { MemoryWebhookStore } from './memory-webhook-store.ts';

const scope = { tenantId: 't', projectId: 'p' };

/** A clock the test moves. */
function manualClock(start = Date.parse('2026-01-01T00:00:00Z')) {
  let now = start;
  return { now: () => new Date(now), advance: (seconds: number) => void (now += seconds * 1000) };
}

const hook = (overrides: Partial<WebhookRecord> = {}): WebhookRecord => ({
  ...scope,
  webhookId: 'wh-1',
  webhookUrl: 'https://hooks.example/h',
  webhookName: 'h',
  status: 'Active',
  events: ['operation.completed'],
  // No retries: every attempt is final, so each test attempt is one delivery.
  retryPolicy: { maxRetries: 0, retryDelay: 60, backoffMultiplier: 2, maxDelay: 3600 },
  createdAt: '2026-01-01T00:00:00Z',
  createdBy: 'u',
  stats: { totalDeliveries: 0, successfulDeliveries: 0, failedDeliveries: 0, totalResponseMs: 0, timedDeliveries: 0 },
  ...overrides,
});

const delivery = (webhookId = 'wh-1', attemptsBefore?: number): CallbackDelivery => ({
  deliveryId: `d-${Math.random()}`,
  url: 'https://hooks.example/h',
  event: 'operation.completed',
  target: { kind: 'webhook', webhookId },
  operation: { ...scope, operationId: 'op-1' },
  payload: {},
  ...(attemptsBefore !== undefined ? { attemptsBefore } : {}),
});

const operations = { recordCallback: async () => undefined } as unknown as OperationStore;
/** Only webhooks here: callbacks, which would ask for the project's secret, are not delivered. */
const noCallbackSecrets = { signingSecrets: async () => Promise.reject(new Error('no callback is delivered here')) };

function setup(post: Post, records: WebhookRecord[] = [hook()], attemptTimeoutMs = 10_000) {
  const clock = manualClock();
  const store = new MemoryWebhookStore(records);
  const queued: Array<{ delivery: CallbackDelivery; delaySeconds?: number }> = [];
  const queue = { send: async (d: CallbackDelivery, options: { delaySeconds?: number } = {}) => void queued.push({ delivery: d, ...options }) };
  let posts = 0;
  const counting: Post = (...args) => ((posts += 1), post(...args));
  const deliverer = new CallbackDeliverer(counting, operations, store, clock, queue, noCallbackSecrets, { attemptTimeoutMs, random: () => 0.5 });
  return { clock, store, queued, deliverer, posts: () => posts };
}

const failing: Post = async () => ({ status: 503 });
const accepting: Post = async () => ({ status: 204 });

describe('circuit breaker per endpoint', () => {
  it('pauses an endpoint after five failures in a row and postpones its deliveries without attempting them', async () => {
    // Prepare
    const { store, queued, deliverer, posts } = setup(failing);
    // Act
    for (let i = 0; i < 5; i++) expect(await deliverer.deliver(delivery(), 1)).toEqual({ outcome: 'failed' });
    const paused = await deliverer.deliver(delivery('wh-1', 2), 3);
    // Assess
    expect(posts()).toBe(5);
    expect(store.records.get('wh-1')).toMatchObject({ pausedUntil: '2026-01-01T00:01:00.000Z', pauseSeconds: 60, consecutiveFailures: 0 });
    expect(paused).toEqual({ outcome: 'postponed' });
    // Queued again for when the pause ends; the receive that found it paused is not an attempt.
    expect(queued).toHaveLength(1);
    expect(queued[0]).toMatchObject({ delaySeconds: 60, delivery: { attemptsBefore: 4 } });
    expect(store.deliveries).toHaveLength(5);
  });

  it('reopens for twice as long when the trial after a pause fails, and closes on a success', async () => {
    let answer = 503;
    const { clock, store, deliverer, posts } = setup(async () => ({ status: answer }));
    for (let i = 0; i < 5; i++) await deliverer.deliver(delivery(), 1);
    clock.advance(61);
    await deliverer.deliver(delivery(), 1);
    expect(posts()).toBe(6);
    expect(store.records.get('wh-1')).toMatchObject({ pauseSeconds: 120, pausedUntil: '2026-01-01T00:03:01.000Z' });

    clock.advance(121);
    answer = 200;
    expect(await deliverer.deliver(delivery(), 1)).toEqual({ outcome: 'delivered' });
    const record = store.records.get('wh-1')!;
    expect([record.pausedUntil, record.pauseSeconds, record.consecutiveFailures]).toEqual([undefined, undefined, undefined]);
  });

  it('never pauses for longer than an hour', async () => {
    const clock = manualClock();
    const store = new MemoryWebhookStore([hook({ pauseSeconds: 3600, pausedUntil: '2025-12-31T00:00:00.000Z' })]);
    await new CircuitBreaker(store, clock).failed(scope, (await store.get(scope, 'wh-1'))!);
    expect(store.records.get('wh-1')).toMatchObject({ pauseSeconds: 3600, pausedUntil: '2026-01-01T01:00:00.000Z' });
  });

  it('opens once when failures arrive together', async () => {
    const clock = manualClock();
    const store = new MemoryWebhookStore([hook({ consecutiveFailures: 3 })]);
    const breaker = new CircuitBreaker(store, clock);
    const snapshot = (await store.get(scope, 'wh-1'))!;
    await Promise.all([breaker.failed(scope, snapshot), breaker.failed(scope, snapshot), breaker.failed(scope, snapshot)]);
    // Failures 4, 5 and 6: the one that counted last opened the circuit and reset the count.
    expect(store.records.get('wh-1')).toMatchObject({ pauseSeconds: 60, consecutiveFailures: 0 });
  });

  it('keeps each endpoint to itself', async () => {
    const { store, deliverer } = setup(failing, [hook(), hook({ webhookId: 'wh-2' })]);
    for (let i = 0; i < 5; i++) await deliverer.deliver(delivery('wh-1'), 1);
    expect(store.records.get('wh-1')!.pausedUntil).toBeDefined();
    expect(store.records.get('wh-2')!.pausedUntil).toBeUndefined();
  });
});

describe('CallbackDeliverer', () => {
  it('counts a refused receiver as a failed delivery with no status and no response time, and pauses it like a failure', async () => {
    const { store, deliverer, posts } = setup(async () => Promise.reject(new ReceiverRefusedError('10.0.0.1 is a private address (RFC 1918)')));
    for (let i = 0; i < 5; i++) expect(await deliverer.deliver(delivery(), 1)).toEqual({ outcome: 'failed' });
    expect(posts()).toBe(5);
    expect(store.deliveries[0]).toMatchObject({ successful: false, statusCode: null, responseMs: null });
    expect(store.records.get('wh-1')!.pausedUntil).toBeDefined();
  });

  it('gives up an attempt that outlasts its timeout', async () => {
    const { store, deliverer } = setup(() => new Promise(() => undefined), [hook()], 50);
    const started = Date.now();
    expect(await deliverer.deliver(delivery(), 1)).toEqual({ outcome: 'failed' });
    expect(Date.now() - started).toBeLessThan(1_000);
    expect(store.deliveries[0]).toMatchObject({ successful: false, statusCode: null });
  });

  it('counts attempts made under earlier messages against the retry policy', async () => {
    const { deliverer } = setup(failing, [hook({ retryPolicy: { maxRetries: 3, retryDelay: 10, backoffMultiplier: 2, maxDelay: 3600 } })]);
    expect(await deliverer.deliver(delivery('wh-1', 2), 1)).toEqual({ outcome: 'retry', afterSeconds: 40 });
    expect(await deliverer.deliver(delivery('wh-1', 3), 1)).toEqual({ outcome: 'failed' });
  });

  it('drops what was queued for a deleted or disabled webhook', async () => {
    const { deliverer, posts } = setup(accepting, [hook({ status: 'Disabled' })]);
    expect(await deliverer.deliver(delivery('wh-1'), 1)).toEqual({ outcome: 'dropped' });
    expect(await deliverer.deliver(delivery('wh-gone'), 1)).toEqual({ outcome: 'dropped' });
    expect(posts()).toBe(0);
  });

  it('keeps the response excerpt of the last delivery', async () => {
    const { store, deliverer } = setup(async () => ({ status: 500, excerpt: 'upstream down' }));
    await deliverer.deliver(delivery(), 1);
    expect(store.deliveries[0]).toMatchObject({ statusCode: 500, responseExcerpt: 'upstream down' });
  });
});
