import { describe, expect, it } from 'vitest';
import { CallbackDeliverer, type CallbackDelivery, type Post } from '../../../functions/domain/callbacks.ts';
import { deliveryIdAt, lowestDeliveryIdAt, redact, type DeliveryMessageRecord } from '../../../functions/domain/delivery-log.ts';
import { DeliveryLogService, selectForReplay } from '../../../functions/domain/delivery-log-service.ts';
import { ConflictError, NotFoundError } from '../../../functions/domain/errors.ts';
import type { OperationStore } from '../../../functions/domain/ports.ts';
import type { WebhookRecord } from '../../../functions/domain/records.ts';
import { ReceiverRefusedError } from '../../../functions/domain/receiver-guard.ts';
import { MemoryDeliveryLog } from './memory-delivery-log.ts';
import { MemoryWebhookStore } from './memory-webhook-store.ts';

const scope = { tenantId: 't', projectId: 'p' };
const start = Date.parse('2026-01-01T00:00:00Z');

function manualClock() {
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
  authentication: { type: 'bearer', token: 'bearer-token-0123456789' },
  retryPolicy: { maxRetries: 2, retryDelay: 60, backoffMultiplier: 2, maxDelay: 3600 },
  createdAt: '2026-01-01T00:00:00Z',
  createdBy: 'u',
  stats: { totalDeliveries: 0, successfulDeliveries: 0, failedDeliveries: 0, totalResponseMs: 0, timedDeliveries: 0 },
  ...overrides,
});

const message = (overrides: Partial<CallbackDelivery> = {}): CallbackDelivery => ({
  deliveryId: deliveryIdAt(new Date(start)),
  url: 'https://hooks.example/h',
  event: 'operation.completed',
  target: { kind: 'webhook', webhookId: 'wh-1' },
  operation: { ...scope, operationId: 'op-1' },
  payload: { event: 'operation.completed', operationId: 'op-1' },
  createdAt: new Date(start).toISOString(),
  ...overrides,
});

const operations = { recordCallback: async () => undefined } as unknown as OperationStore;
const noCallbackSecrets = { signingSecrets: async () => Promise.reject(new Error('no callback is delivered here')) };

function setup(post: Post, records: WebhookRecord[] = [hook()], circuit?: { failureThreshold: number; pauseSeconds: number; maxPauseSeconds: number }) {
  const clock = manualClock();
  const store = new MemoryWebhookStore(records);
  const log = new MemoryDeliveryLog();
  const queued: CallbackDelivery[] = [];
  const queue = { send: async (d: CallbackDelivery) => void queued.push(structuredClone(d)) };
  const deliverer = new CallbackDeliverer(post, operations, store, clock, queue, noCallbackSecrets, { random: () => 0.5, deliveryLog: log, ...(circuit ? { circuit } : {}) });
  return { clock, store, log, queued, queue, deliverer };
}

/** Answers each attempt with the next status of the list. */
const answering = (...statuses: number[]): Post => {
  let i = 0;
  return async () => ({ status: statuses[Math.min(i++, statuses.length - 1)]!, excerpt: 'nope' });
};

describe('attempt log, written by the deliverer', () => {
  it('records a message with every attempt: 500, 500, then 200 is three attempts and delivered', async () => {
    // Prepare
    const { log, deliverer } = setup(answering(500, 500, 200));
    const sent = message();
    // Act
    const outcomes = [await deliverer.deliver(sent, 1), await deliverer.deliver(sent, 2), await deliverer.deliver(sent, 3)];
    // Assess
    expect(outcomes.map((o) => o.outcome)).toEqual(['retry', 'retry', 'delivered']);
    const logged = (await log.get(scope, 'wh-1', sent.deliveryId))!;
    expect(logged).toMatchObject({ deliveryId: sent.deliveryId, event: 'operation.completed', status: 'delivered', createdAt: sent.createdAt, operationId: 'op-1' });
    expect(logged.payloadBytes).toBe(Buffer.byteLength(JSON.stringify(sent.payload)));
    expect(logged.attempts.map((a) => [a.statusCode, a.outcome, a.trigger])).toEqual([
      [500, 'retry-scheduled', 'scheduled'],
      [500, 'retry-scheduled', 'scheduled'],
      [200, 'delivered', 'scheduled'],
    ]);
    expect(logged.attempts.every((a) => typeof a.durationMs === 'number' && a.responseExcerpt === 'nope')).toBe(true);
  });

  it('is pending while retries remain and failed once they are spent', async () => {
    const { log, deliverer } = setup(answering(500));
    const sent = message();
    await deliverer.deliver(sent, 1);
    expect((await log.get(scope, 'wh-1', sent.deliveryId))!.status).toBe('pending');
    await deliverer.deliver(sent, 2);
    await deliverer.deliver(sent, 3);
    const logged = (await log.get(scope, 'wh-1', sent.deliveryId))!;
    expect(logged.status).toBe('failed');
    expect(logged.attempts.at(-1)!.outcome).toBe('failed');
  });

  it('records a refused address with no status code and no duration', async () => {
    const { log, deliverer } = setup(async () => Promise.reject(new ReceiverRefusedError('refused')));
    const sent = message();
    await deliverer.deliver(sent, 3);
    const [attempt] = (await log.get(scope, 'wh-1', sent.deliveryId))!.attempts;
    expect(attempt).toMatchObject({ statusCode: null, durationMs: null, error: 'no-response', outcome: 'failed' });
  });

  it('never keeps the receiver credentials or the headers sent: an echoed token is blanked out', async () => {
    let headersSent: Record<string, string> = {};
    const echo: Post = async (_url, _body, headers) => ((headersSent = headers), { status: 200, excerpt: `you sent ${headers.Authorization}` });
    const { log, deliverer, store } = setup(echo);
    const sent = message();
    await deliverer.deliver(sent, 1);
    const logged = JSON.stringify(await log.get(scope, 'wh-1', sent.deliveryId));
    expect(headersSent.Authorization).toBe('Bearer bearer-token-0123456789');
    expect(logged).not.toContain('bearer-token-0123456789');
    expect(logged).toContain('[redacted]');
    expect(JSON.stringify(store.deliveries)).not.toContain('bearer-token-0123456789');
  });

  it('lists a message postponed by a paused endpoint as pending, with no attempt', async () => {
    const { log, deliverer } = setup(answering(200), [hook({ pausedUntil: '2026-01-01T00:05:00.000Z', pauseSeconds: 300 })]);
    const sent = message();
    expect(await deliverer.deliver(sent, 1)).toEqual({ outcome: 'postponed' });
    expect(await log.get(scope, 'wh-1', sent.deliveryId)).toMatchObject({ status: 'pending', attempts: [] });
  });

  it('logs the first attempt of a redelivered message as manual and its retries as scheduled', async () => {
    const { log, deliverer } = setup(answering(500, 200));
    const sent = message({ trigger: 'manual' });
    await deliverer.deliver(sent, 1);
    await deliverer.deliver(sent, 2);
    expect((await log.get(scope, 'wh-1', sent.deliveryId))!.attempts.map((a) => a.trigger)).toEqual(['manual', 'scheduled']);
  });

  it('disables the endpoint on 410 and says so on the record and on the attempt', async () => {
    const { log, deliverer, store } = setup(answering(410));
    const sent = message();
    expect(await deliverer.deliver(sent, 1)).toEqual({ outcome: 'failed' });
    expect(store.records.get('wh-1')).toMatchObject({ status: 'Disabled', disabled: { at: '2026-01-01T00:00:00.000Z', reason: 'The endpoint answered 410 Gone' } });
    const logged = (await log.get(scope, 'wh-1', sent.deliveryId))!;
    expect(logged.status).toBe('failed');
    expect(logged.attempts[0]).toMatchObject({ statusCode: 410, outcome: 'failed', endpoint: 'disabled' });
    // What comes for it afterwards is dropped, and the log says why.
    const later = message({ deliveryId: deliveryIdAt(new Date(start + 1000)) });
    expect(await deliverer.deliver(later, 1)).toEqual({ outcome: 'dropped' });
    expect(await log.get(scope, 'wh-1', later.deliveryId)).toMatchObject({ status: 'failed', attempts: [], dropped: 'The endpoint is disabled' });
  });

  it('warns an endpoint the breaker paused three times without a success', async () => {
    const { clock, log, deliverer, store } = setup(answering(500), [hook({ retryPolicy: { maxRetries: 0, retryDelay: 1, backoffMultiplier: 1, maxDelay: 1 } })], {
      failureThreshold: 1,
      pauseSeconds: 1,
      maxPauseSeconds: 1,
    });
    const sent: CallbackDelivery[] = [];
    for (let i = 0; i < 4; i++) {
      sent.push(message({ deliveryId: deliveryIdAt(clock.now()) }));
      await deliverer.deliver(sent[i]!, 1);
      clock.advance(2);
    }
    expect(store.records.get('wh-1')!.pausesSinceSuccess).toBe(4);
    expect(store.records.get('wh-1')!.warning).toMatchObject({ reason: expect.stringContaining('paused the endpoint 3 times') });
    expect(store.records.get('wh-1')!.status).toBe('Active');
    expect((await log.get(scope, 'wh-1', sent[3]!.deliveryId))!.attempts[0]!.endpoint).toBe('warned');
    expect((await log.get(scope, 'wh-1', sent[2]!.deliveryId))!.attempts[0]!.endpoint).toBeUndefined();
  });

  it('disables a warned endpoint still failing a day after its failures began, and not before', async () => {
    const failingSince = new Date(start - 23 * 3600 * 1000).toISOString();
    const { clock, log, deliverer, store } = setup(answering(500), [hook({ failingSince, pausesSinceSuccess: 3, warning: { at: failingSince, reason: 'r' } })]);
    const first = message();
    expect(await deliverer.deliver(first, 1)).toEqual({ outcome: 'retry', afterSeconds: 60 });
    expect(store.records.get('wh-1')!.status).toBe('Active');

    clock.advance(3600);
    const second = message({ deliveryId: deliveryIdAt(clock.now()) });
    // Disabled: no retry is scheduled for it.
    expect(await deliverer.deliver(second, 1)).toEqual({ outcome: 'failed' });
    expect(store.records.get('wh-1')).toMatchObject({ status: 'Disabled', disabled: { reason: expect.stringContaining('failed for 24 hours') } });
    expect((await log.get(scope, 'wh-1', second.deliveryId))!.attempts[0]).toMatchObject({ outcome: 'failed', endpoint: 'disabled' });
  });

  it('clears the failure history and the warning on a success', async () => {
    const { deliverer, store } = setup(answering(200), [hook({ failingSince: '2025-12-31T00:00:00Z', pausesSinceSuccess: 3, warning: { at: 'x', reason: 'r' }, consecutiveFailures: 2 })]);
    await deliverer.deliver(message(), 1);
    const record = store.records.get('wh-1')!;
    expect([record.failingSince, record.pausesSinceSuccess, record.warning]).toEqual([undefined, undefined, undefined]);
  });
});

describe('redelivery and replay', () => {
  const logged = (id: string, status: DeliveryMessageRecord['status'], createdAt: string): DeliveryMessageRecord => ({
    ...scope,
    webhookId: 'wh-1',
    deliveryId: id,
    event: 'operation.completed',
    operationId: 'op-1',
    payload: JSON.stringify({ event: 'operation.completed', deliveryId: id }),
    payloadBytes: 10,
    createdAt,
    status,
    attempts: [],
  });

  function service(records: WebhookRecord[] = [hook({ webhookUrl: 'https://hooks.example/moved' })]) {
    const { log, store, queued, queue, clock } = setup(answering(200), records);
    const ids = [0, 1, 2, 3].map((minutes) => deliveryIdAt(new Date(start + minutes * 60_000)));
    const statuses = ['failed', 'delivered', 'pending', 'failed'] as const;
    ids.forEach((id, i) => log.messages.set(`wh-1/${id}`, logged(id, statuses[i]!, new Date(start + i * 60_000).toISOString())));
    return { ids, log, queued, service: new DeliveryLogService(log, store, queue, clock) };
  }

  it('redelivers the same message (same id and body) to where the webhook is now, marked manual and pending', async () => {
    const { ids, log, queued, service: s } = service();
    const answer = await s.redeliver(scope, { webhookId: 'wh-1' }, ids[1]!);
    expect(answer).toEqual({ trigger: 'manual', queued: 1, deliveryIds: [ids[1]] });
    expect(queued).toEqual([expect.objectContaining({ deliveryId: ids[1], url: 'https://hooks.example/moved', trigger: 'manual', payload: { event: 'operation.completed', deliveryId: ids[1] } })]);
    expect((await log.get(scope, 'wh-1', ids[1]!))!.status).toBe('pending');
  });

  it('answers 404 for a message not in the log, a subscription asked for as a webhook, and 409 for a disabled webhook', async () => {
    await expect(service().service.redeliver(scope, { webhookId: 'wh-1' }, deliveryIdAt(new Date()))).rejects.toBeInstanceOf(NotFoundError);
    const sub = hook({ jobId: 'job-1', expiresAt: Math.floor(start / 1000) + 3600 });
    await expect(service([sub]).service.list(scope, { webhookId: 'wh-1' }, { pageSize: 10 })).rejects.toBeInstanceOf(NotFoundError);
    await expect(service([sub]).service.list(scope, { jobId: 'job-2', subscriptionId: 'wh-1' }, { pageSize: 10 })).rejects.toBeInstanceOf(NotFoundError);
    const { ids, service: disabled } = service([hook({ status: 'Disabled' })]);
    await expect(disabled.redeliver(scope, { webhookId: 'wh-1' }, ids[0]!)).rejects.toBeInstanceOf(ConflictError);
  });

  it('replays the failed messages since a time, oldest first; with includeSuccessful the delivered too; never the pending', async () => {
    const { ids, queued, service: s } = service();
    const failedOnly = await s.replay(scope, { webhookId: 'wh-1' }, { since: new Date(start + 30_000).toISOString(), includeSuccessful: false });
    expect(failedOnly).toMatchObject({ trigger: 'replay', queued: 1, deliveryIds: [ids[3]], continueFrom: null });
    expect(queued.map((d) => [d.deliveryId, d.trigger])).toEqual([[ids[3], 'replay']]);
    const all = await s.replay(scope, { webhookId: 'wh-1' }, { since: '2025-12-31T23:00:00+00:00', includeSuccessful: true });
    // ids[3] was queued again by the first replay: pending now, so left alone.
    expect(all.deliveryIds).toEqual([ids[0], ids[1]]);
    expect(all.since).toBe('2025-12-31T23:00:00.000Z');
  });

  it("replays a job subscription's failed messages, and only under its own job", async () => {
    const sub = hook({ jobId: 'job-1', expiresAt: Math.floor(start / 1000) + 3600 });
    const { ids, queued, service: s } = service([sub]);
    const since = '2025-12-31T23:00:00Z';
    const answer = await s.replay(scope, { jobId: 'job-1', subscriptionId: 'wh-1' }, { since, includeSuccessful: false });
    expect(answer).toMatchObject({ trigger: 'replay', queued: 2, deliveryIds: [ids[0], ids[3]] });
    expect(queued.map((d) => d.trigger)).toEqual(['replay', 'replay']);
    await expect(s.replay(scope, { jobId: 'job-2', subscriptionId: 'wh-1' }, { since, includeSuccessful: false })).rejects.toBeInstanceOf(NotFoundError);
    await expect(s.replay(scope, { webhookId: 'wh-1' }, { since, includeSuccessful: false })).rejects.toBeInstanceOf(NotFoundError);
  });

  it('selects for a replay by status', () => {
    const messages = (['failed', 'delivered', 'pending'] as const).map((status, i) => logged(String(i), status, '2026-01-01T00:00:00Z'));
    expect(selectForReplay(messages, false).map((m) => m.status)).toEqual(['failed']);
    expect(selectForReplay(messages, true).map((m) => m.status)).toEqual(['failed', 'delivered']);
  });

  it('lists newest first, filtered by status', async () => {
    const { ids, service: s } = service();
    const page = await s.list(scope, { webhookId: 'wh-1' }, { pageSize: 10 });
    expect(page.deliveries.map((d) => d.deliveryId)).toEqual([...ids].reverse());
    const failed = await s.list(scope, { webhookId: 'wh-1' }, { status: 'failed', pageSize: 10 });
    expect(failed.deliveries.map((d) => d.deliveryId)).toEqual([ids[3], ids[0]]);
  });
});

describe('delivery ids', () => {
  it('are UUIDv7: time-ordered, and never below the lowest id of their instant', () => {
    const early = deliveryIdAt(new Date('2026-01-01T00:00:00.000Z'));
    const late = deliveryIdAt(new Date('2026-01-01T00:00:00.001Z'));
    expect(early).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-7[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(early < late).toBe(true);
    expect(lowestDeliveryIdAt(new Date('2026-01-01T00:00:00.001Z')) <= late).toBe(true);
    expect(lowestDeliveryIdAt(new Date('2026-01-01T00:00:00.001Z')) > early).toBe(true);
  });

  it('blank credentials out of an excerpt', () => {
    expect(redact('token abcdefgh and abcdefgh', ['abcdefgh'])).toBe('token [redacted] and [redacted]');
    expect(redact(undefined, ['x'])).toBeUndefined();
  });
});
