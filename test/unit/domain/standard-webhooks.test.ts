import { Webhook } from 'standardwebhooks';
import { describe, expect, it } from 'vitest';
import { CallbackDeliverer, parseRetryAfter, retryDelaySeconds, type CallbackDelivery, type Post } from '../../../functions/domain/callbacks.ts';
import type { OperationStore, SigningSecretStore } from '../../../functions/domain/ports.ts';
import { emptyPolicy, ResolvingReceiverGuard } from '../../../functions/domain/receiver-guard.ts';
import type { OperationRecord, ProjectScope, SigningSecretRecord } from '../../../functions/domain/records.ts';
import { SigningSecretService } from '../../../functions/domain/signing-secret-service.ts';
import { prefixedFormOf } from '../../../functions/domain/standard-webhooks.ts';
import { WebhookService } from '../../../functions/domain/webhook-service.ts';
import { registerWebhookBody, subscribeBody, updateWebhookBody } from '../../../functions/schemas/webhook.ts';
import { MemoryWebhookStore } from './memory-webhook-store.ts';

// Deliveries are checked with the Standard Webhooks reference library, not with the service's own signing code.
const scope = { tenantId: 't', projectId: 'p' };

/** A clock the test moves, starting now: the library refuses timestamps more than five minutes from its own clock. */
function manualClock() {
  let now = Date.now();
  return { now: () => new Date(now), advance: (seconds: number) => void (now += seconds * 1000) };
}

const guard = new ResolvingReceiverGuard(async () => ['93.184.216.34'], emptyPolicy);
const operations = {
  recordCallback: async () => undefined,
  getByJob: async () => ({ ...scope, operationId: 'op-1', jobId: 'job-1' }) as unknown as OperationRecord,
} as unknown as OperationStore;

class MemorySigningSecretStore implements SigningSecretStore {
  record: SigningSecretRecord | undefined;
  async get() {
    return this.record && structuredClone(this.record);
  }
  async createIfAbsent(record: SigningSecretRecord) {
    this.record ??= structuredClone(record);
    return structuredClone(this.record);
  }
  async replace(record: SigningSecretRecord, expected: string | undefined) {
    if (this.record?.secret !== expected) return false;
    this.record = structuredClone(record);
    return true;
  }
}

interface Seen {
  url: string;
  body: string;
  headers: Record<string, string>;
}

function setup(answers: Array<{ status: number; retryAfter?: string }> = [{ status: 204 }]) {
  const clock = manualClock();
  const store = new MemoryWebhookStore();
  const secrets = new SigningSecretService(new MemorySigningSecretStore(), clock);
  const service = new WebhookService(store, operations, clock, guard);
  const seen: Seen[] = [];
  const post: Post = async (url, body, headers) => (seen.push({ url, body, headers }), answers[Math.min(seen.length, answers.length) - 1]!);
  const queued: Array<{ delivery: CallbackDelivery; delaySeconds?: number }> = [];
  const queue = { send: async (delivery: CallbackDelivery, options: { delaySeconds?: number } = {}) => void queued.push({ delivery, ...options }) };
  const deliverer = new CallbackDeliverer(post, operations, store, clock, queue, secrets, { random: () => 0.5 });
  return { clock, store, secrets, service, seen, queued, deliverer };
}

const delivery = (target: CallbackDelivery['target'], deliveryId = 'msg-1'): CallbackDelivery => ({
  deliveryId,
  url: 'https://hooks.example/h',
  event: 'operation.completed',
  target,
  operation: { ...scope, operationId: 'op-1' },
  payload: { event: 'operation.completed', operationId: 'op-1' },
});

const register = (service: WebhookService, authentication?: unknown) =>
  service.register(
    scope as ProjectScope,
    registerWebhookBody.parse({ webhookUrl: 'https://hooks.example/h', webhookName: 'h', events: ['operation.completed'], ...(authentication ? { authentication } : {}) }),
    'u',
  );

/** What a receiver does: the library throws unless one of the signatures is valid. */
const verify = (secret: string | Webhook, seen: Seen) => (typeof secret === 'string' ? new Webhook(secret) : secret).verify(seen.body, seen.headers);

describe('Standard Webhooks signatures', () => {
  it('generates a whsec_ secret when none is given, shows it once, and signs with it', async () => {
    // Prepare
    const { service, deliverer, seen } = setup();
    // Act
    const registered = await register(service);
    const shownAgain = await service.get(scope, registered.webhookId);
    await deliverer.deliver(delivery({ kind: 'webhook', webhookId: registered.webhookId }), 1);
    // Assess
    const secret = (registered.authentication as { secret: string }).secret;
    expect(secret).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    expect(Buffer.from(secret.slice(6), 'base64').length).toBeGreaterThanOrEqual(24);
    expect(shownAgain.authentication).toEqual({ type: 'hmac-sha256' });
    expect(verify(secret, seen[0]!)).toEqual({ event: 'operation.completed', operationId: 'op-1' });
    expect(seen[0]!.headers['webhook-id']).toBe('msg-1');
    expect(() => verify('whsec_' + Buffer.alloc(32, 1).toString('base64'), seen[0]!)).toThrow(/No matching signature/);
  });

  it('accepts a plain secret with a warning and signs with its characters as the key', async () => {
    const { service, deliverer, seen } = setup();
    const registered = await register(service, { type: 'hmac-sha256', secret: 'your-secret-key' });
    await deliverer.deliver(delivery({ kind: 'webhook', webhookId: registered.webhookId }), 1);
    expect(registered.authentication).toEqual({ type: 'hmac-sha256' });
    expect((registered as { warnings?: string[] }).warnings?.[0]).toMatch(/15 characters: use at least 32/);
    expect(verify(new Webhook('your-secret-key', { format: 'raw' }), seen[0]!)).toBeTruthy();
    expect(verify(prefixedFormOf('your-secret-key'), seen[0]!)).toBeTruthy();
    expect(prefixedFormOf('your-secret-key')).toBe(`whsec_${Buffer.from('your-secret-key').toString('base64')}`);
  });

  it('refuses secrets it could not sign with as promised', () => {
    const issues = (secret: string) => registerWebhookBody.safeParse({ webhookUrl: 'https://h.example', webhookName: 'h', events: ['operation.completed'], authentication: { type: 'hmac-sha256', secret } }).error?.issues.map((i) => i.message);
    expect(issues('short')).toEqual(['must be at least 8 characters']);
    expect(issues('whsec_' + Buffer.alloc(8).toString('base64'))).toEqual(['must be whsec_ followed by the base64 of 24 to 64 bytes']);
    expect(issues('with space in it')).toEqual(['must be printable ASCII without spaces']);
    expect(issues('whsec_' + Buffer.alloc(24, 7).toString('base64'))).toBeUndefined();
  });

  it('signs a job subscription with the secret its subscription answer showed', async () => {
    const { service, deliverer, seen } = setup();
    const subscribed = await service.subscribe({ ...scope, jobId: 'job-1' }, subscribeBody.parse({ subscriptionType: 'webhook', webhookUrl: 'https://hooks.example/s', events: ['jobCompleted'] }), 'u');
    await deliverer.deliver(delivery({ kind: 'webhook', webhookId: subscribed.subscriptionId }), 1);
    expect(verify((subscribed.authentication as { secret: string }).secret, seen[0]!)).toBeTruthy();
  });

  it('warns that DEBUG entries are not sent as events when a subscription asks for them', async () => {
    const { service } = setup();
    const body = (filters: Record<string, unknown>) => subscribeBody.parse({ subscriptionType: 'webhook', webhookUrl: 'https://hooks.example/s', events: ['jobCompleted'], filters });
    const asked = await service.subscribe({ ...scope, jobId: 'job-1' }, body({ includeDebugEvents: true }), 'u');
    expect((asked as { warnings?: string[] }).warnings).toEqual([expect.stringMatching(/^body\.filters\.includeDebugEvents: /)]);
    const plain = await service.subscribe({ ...scope, jobId: 'job-1' }, body({}), 'u');
    expect((plain as { warnings?: string[] }).warnings).toBeUndefined();
  });

  it('signs with the old and the new secret for a day after a rotation', async () => {
    const { service, deliverer, seen, clock } = setup();
    const registered = await register(service);
    const old = (registered.authentication as { secret: string }).secret;
    const rotated = await service.update(scope, registered.webhookId, updateWebhookBody.parse({ authentication: { type: 'hmac-sha256' } }));
    const fresh = (rotated.authentication as unknown as { secret: string }).secret;
    await deliverer.deliver(delivery({ kind: 'webhook', webhookId: registered.webhookId }, 'msg-a'), 1);
    clock.advance(24 * 3600 + 1);
    await deliverer.deliver(delivery({ kind: 'webhook', webhookId: registered.webhookId }, 'msg-b'), 1);
    expect(fresh).not.toBe(old);
    expect(seen[0]!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(verify(old, seen[0]!)).toBeTruthy();
    expect(verify(fresh, seen[0]!)).toBeTruthy();
    // The library's clock is real: the second delivery is checked with a timestamp-free signature comparison.
    const second = seen[1]!;
    const expected = new Webhook(fresh).sign(second.headers['webhook-id']!, new Date(Number(second.headers['webhook-timestamp']) * 1000), second.body);
    expect(second.headers['webhook-signature']).toBe(expected);
  });

  it("signs operation callbacks with the project's secret, created on first use and shown only by a rotation", async () => {
    const { secrets, deliverer, seen } = setup();
    await deliverer.deliver(delivery({ kind: 'callback' }), 1);
    const described = await secrets.describe(scope);
    const rotated = await secrets.rotate(scope);
    await deliverer.deliver(delivery({ kind: 'callback' }, 'msg-2'), 1);
    expect(described).toMatchObject({ exists: true, format: 'whsec' });
    expect(JSON.stringify(described)).not.toMatch(/whsec_/);
    // Before the rotation only the unseen first secret signed; after it, the new one verifies.
    expect(() => verify(rotated.secret, seen[0]!)).toThrow();
    expect(verify(rotated.secret, seen[1]!)).toBeTruthy();
    expect(seen[1]!.headers['webhook-signature']!.split(' ')).toHaveLength(2);
    expect(rotated.previousSecretsValidUntil).toHaveLength(1);
  });
});

describe('delivery semantics', () => {
  it('keeps webhook-id across retries and moves webhook-timestamp to each attempt', async () => {
    const { service, deliverer, seen, clock } = setup([{ status: 500 }, { status: 200 }]);
    const registered = await register(service);
    const target = { kind: 'webhook' as const, webhookId: registered.webhookId };
    expect(await deliverer.deliver(delivery(target), 1)).toEqual({ outcome: 'retry', afterSeconds: 60 });
    clock.advance(60);
    expect(await deliverer.deliver(delivery(target), 2)).toEqual({ outcome: 'delivered' });
    expect(seen.map((s) => s.headers['webhook-id'])).toEqual(['msg-1', 'msg-1']);
    expect(Number(seen[1]!.headers['webhook-timestamp']) - Number(seen[0]!.headers['webhook-timestamp'])).toBe(60);
    const secret = (registered.authentication as { secret: string }).secret;
    seen.forEach((attempt) => expect(verify(secret, attempt)).toBeTruthy());
  });

  it('disables a webhook that answers 410 Gone and sends it nothing more', async () => {
    const { service, deliverer, seen } = setup([{ status: 410 }]);
    const registered = await register(service);
    const target = { kind: 'webhook' as const, webhookId: registered.webhookId };
    expect(await deliverer.deliver(delivery(target), 1)).toEqual({ outcome: 'failed' });
    const after = await service.get(scope, registered.webhookId);
    expect(after.status).toBe('Disabled');
    expect(after.disabled).toMatchObject({ reason: expect.stringMatching(/410 Gone/) });
    expect(await deliverer.deliver(delivery(target, 'msg-2'), 1)).toEqual({ outcome: 'dropped' });
    expect(seen).toHaveLength(1);
    const enabled = await service.update(scope, registered.webhookId, updateWebhookBody.parse({ status: 'Active' }));
    expect(enabled).toMatchObject({ status: 'Active', disabled: null });
  });

  it('does not retry a callback that answers 410', async () => {
    const { deliverer } = setup([{ status: 410 }]);
    expect(await deliverer.deliver(delivery({ kind: 'callback' }), 1)).toEqual({ outcome: 'failed' });
  });

  it('honours Retry-After on 429 and 503, in seconds or as an HTTP date, up to a day', async () => {
    const { clock, service, deliverer } = setup([
      { status: 429, retryAfter: '600' },
      { status: 503, retryAfter: new Date(Date.now() + 1800_000).toUTCString() },
      { status: 500, retryAfter: '600' },
      { status: 429, retryAfter: '5' },
    ]);
    const registered = await register(service);
    const target = { kind: 'webhook' as const, webhookId: registered.webhookId };
    expect(await deliverer.deliver(delivery(target), 1)).toEqual({ outcome: 'retry', afterSeconds: 600 });
    const second = await deliverer.deliver(delivery(target), 2);
    expect(second).toMatchObject({ outcome: 'retry' });
    expect((second as { afterSeconds: number }).afterSeconds).toBeGreaterThanOrEqual(1799);
    // A 500's Retry-After is not the receiver asking to wait: the policy decides.
    expect(await deliverer.deliver(delivery(target), 3)).toEqual({ outcome: 'retry', afterSeconds: 240 });
    // An earlier Retry-After never shortens the policy's delay.
    expect(await deliverer.deliver(delivery(target), 4)).toEqual({ outcome: 'retry', afterSeconds: 480 });
    expect(parseRetryAfter('garbage', clock.now())).toBeUndefined();
    expect(retryDelaySeconds({ maxRetries: 5, retryDelay: 60, backoffMultiplier: 2, maxDelay: 3600 }, 1, 10 * 86_400, () => 0.5)).toBe(86_400);
  });

  it('spreads retry delays by up to 10% either way', () => {
    const policy = { maxRetries: 5, retryDelay: 100, backoffMultiplier: 2, maxDelay: 3600 };
    expect(retryDelaySeconds(policy, 1, undefined, () => 0)).toBe(90);
    expect(retryDelaySeconds(policy, 1, undefined, () => 1)).toBe(110);
  });

  it('re-enqueues a retry later than SQS can hide a message, 15 minutes at a time, and attempts it when its time comes', async () => {
    const { clock, store, service, deliverer, queued, seen } = setup([{ status: 503, retryAfter: '64800' }, { status: 204 }]);
    const registered = await register(service);
    const target = { kind: 'webhook' as const, webhookId: registered.webhookId };
    // Act: 18 hours asked for, beyond the 12-hour visibility limit.
    expect(await deliverer.deliver(delivery(target), 1)).toEqual({ outcome: 'postponed' });
    let hops = 0;
    while (queued.length) {
      const { delivery: next, delaySeconds } = queued.shift()!;
      clock.advance(delaySeconds ?? 0);
      hops += 1;
      await deliverer.deliver(next, 1);
    }
    // Assess
    expect(hops).toBe(72);
    expect(seen).toHaveLength(2);
    expect(seen[1]!.headers['webhook-id']).toBe('msg-1');
    expect(Number(seen[1]!.headers['webhook-timestamp']) - Number(seen[0]!.headers['webhook-timestamp'])).toBe(64_800);
    expect(store.deliveries).toEqual([expect.objectContaining({ successful: true })]);
  });
});
