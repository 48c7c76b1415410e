import { describe, expect, it } from 'vitest';
import { CallbackDeliverer, CallbackNotifier, type CallbackDelivery, type PostAnswer } from '../../../functions/domain/callbacks.ts';
import { ConflictError, ValidationError } from '../../../functions/domain/errors.ts';
import { NotificationDeliverer, type EmailSender, type SendResult } from '../../../functions/domain/notification-deliverer.ts';
import { emailMessage, slackMention, slackMessage } from '../../../functions/domain/notification-messages.ts';
import { checkNotifications, initialNotificationStats, notificationDeliveries, type SlackIntegrationRecord, type SlackIntegrationStore } from '../../../functions/domain/notifications.ts';
import type { OperationStore, WebhookStore } from '../../../functions/domain/ports.ts';
import { ReceiverRefusedError } from '../../../functions/domain/receiver-guard.ts';
import type { NotificationChannel, OperationRecord, ProjectScope } from '../../../functions/domain/records.ts';
import { SlackIntegrationService } from '../../../functions/domain/slack-integration-service.ts';
import { notificationsView } from '../../../functions/domain/views/notifications-view.ts';

const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
const scope = { tenantId: 't', projectId: 'p' };
const exact = { random: () => 0.5 };

const op = (overrides: Partial<OperationRecord> = {}): OperationRecord =>
  ({
    ...scope,
    operationId: 'op-1',
    jobId: 'j',
    operationType: 'ProcessMiningAnalysis',
    operationName: 'Journeys <Q1> & more',
    priority: 'High',
    status: 'Failed',
    submittedBy: 'alice',
    dateCreated: '2025-12-31T23:00:00Z',
    startTime: '2025-12-31T23:00:00Z',
    endTime: '2025-12-31T23:01:30Z',
    error: { error: 'DatasetInvalid', cause: 'the column case is missing' },
    phases: [
      { id: 'DataLoadingValidation', name: 'Data Loading & Validation', status: 'Failed' },
      { id: 'ProcessDiscovery', name: 'Process Discovery', status: 'Pending' },
    ],
    notifications: { email: ['a@example.com', 'b@example.com'], slack: { channel: '#pm', mentionUsers: ['@analyst', 'U012ABCDEF', '@here'] } },
    notificationStats: { email: { successful: 0, failed: 0 }, slack: { successful: 0, failed: 0 } },
    ...overrides,
  }) as OperationRecord;

/** The Slack integrations of projects, in memory. */
class MemorySlackIntegrations implements SlackIntegrationStore {
  readonly items = new Map<string, SlackIntegrationRecord>();
  async get(s: ProjectScope) {
    return this.items.get(`${s.tenantId}/${s.projectId}`);
  }
  async put(record: SlackIntegrationRecord) {
    this.items.set(`${record.tenantId}/${record.projectId}`, record);
  }
  async delete(s: ProjectScope) {
    return this.items.delete(`${s.tenantId}/${s.projectId}`);
  }
}

const registered = (url = 'https://hooks.slack.example/services/T1/B1/secret') => {
  const store = new MemorySlackIntegrations();
  store.items.set('t/p', { ...scope, webhookUrl: url, createdAt: '2026-01-01T00:00:00Z', updatedAt: '2026-01-01T00:00:00Z' });
  return store;
};

describe('checkNotifications', () => {
  it('refuses e-mail without a sender (400) and Slack without the project integration (409), naming the field', async () => {
    const none = new MemorySlackIntegrations();
    const email = await checkNotifications(scope, { email: ['a@example.com'] }, { emailSender: undefined, slack: none }).catch((e: unknown) => e);
    expect(email).toBeInstanceOf(ValidationError);
    expect((email as ValidationError).invalidFields).toEqual([{ name: 'body.notifications.email', reason: expect.stringContaining('notificationSender') }]);
    const slack = await checkNotifications(scope, { slack: { channel: '#pm' } }, { emailSender: 'n@example.com', slack: none }).catch((e: unknown) => e);
    expect(slack).toBeInstanceOf(ConflictError);
    expect((slack as ConflictError).invalidFields).toEqual([{ name: 'body.notifications.slack', reason: expect.stringContaining('PUT async/integrations/slack') }]);
  });

  it('accepts what the deployment and the project can send, and no notifications at all', async () => {
    await expect(checkNotifications(scope, { email: ['a@example.com'], slack: { channel: '#pm' } }, { emailSender: 'n@example.com', slack: registered() })).resolves.toBeUndefined();
    await expect(checkNotifications(scope, undefined, undefined)).resolves.toBeUndefined();
    await expect(checkNotifications(scope, { email: [] }, undefined)).resolves.toBeUndefined();
  });

  it('starts counters for the channels asked for only', () => {
    expect(initialNotificationStats({ email: ['a@example.com'] })).toEqual({ email: { successful: 0, failed: 0 } });
    expect(initialNotificationStats({ email: [] })).toBeUndefined();
    expect(initialNotificationStats(undefined)).toBeUndefined();
  });
});

describe('messages', () => {
  it('an e-mail names the operation, its outcome and the error, to one recipient', () => {
    const message = emailMessage(op(), 'a@example.com');
    expect(message.to).toBe('a@example.com');
    expect(message.subject).toBe('[Process mining] Journeys <Q1> & more: Failed');
    expect(message.text).toContain('ended Failed at 2025-12-31T23:01:30Z');
    expect(message.text).toContain('Error: DatasetInvalid: the column case is missing');
    expect(message.text).toContain('0 of 2 phases completed');
    expect(message.text).toContain('/api/t/p/async/operation/op-1');
    // The notifier passes the absolute, stage-aware status URL where the deployment knows its base URL.
    const deliveries = notificationDeliveries({ ...op(), notifications: { email: ['a@example.com'] } }, 'operation.failed', new Date(), 'https://api.example.com/prod/api/t/p/async/operation/op-1');
    expect((deliveries[0]!.payload as { text: string }).text).toContain('Status and results: https://api.example.com/prod/api/t/p/async/operation/op-1');
  });

  it('a Slack message carries the channel, the mentions and the outcome, with the request text escaped', () => {
    const message = slackMessage(op(), { channel: '#pm', mentionUsers: ['@analyst', 'U012ABCDEF', '@here'] });
    expect(message.channel).toBe('#pm');
    expect(message.text).toBe('@analyst <@U012ABCDEF> <!here> :x: Operation *Journeys &lt;Q1&gt; &amp; more* ended *Failed*');
    expect(JSON.stringify(message.blocks)).toContain('Error: DatasetInvalid: the column case is missing');
    expect(slackMention('data-team')).toBe('@data-team');
    expect(slackMention('<@evil>')).toBe('@&lt;@evil&gt;');
  });
});

describe('notificationDeliveries', () => {
  it('makes one message per recipient and one Slack post when an operation ends, none before', () => {
    const deliveries = notificationDeliveries(op(), 'operation.failed', clock.now());
    expect(deliveries.map((d) => [d.target.kind, d.url])).toEqual([
      ['email', 'mailto:a@example.com'],
      ['email', 'mailto:b@example.com'],
      ['slack', 'slack:#pm'],
    ]);
    // The Slack URL is read when sending: the queue never holds it.
    expect(JSON.stringify(deliveries)).not.toContain('hooks.slack');
    for (const event of ['operation.completed', 'operation.timeout', 'operation.cancelled'] as const) expect(notificationDeliveries(op(), event, clock.now())).toHaveLength(3);
    expect(notificationDeliveries(op(), 'operation.progress', clock.now())).toEqual([]);
    expect(notificationDeliveries(op(), 'operation.started', clock.now())).toEqual([]);
    expect(notificationDeliveries(op({ notifications: undefined }), 'operation.failed', clock.now())).toEqual([]);
  });

  it('are queued by the notifier with the callbacks, from the stored record, even when callbacks are silenced', async () => {
    const sent: CallbackDelivery[] = [];
    const stored = op({ status: 'Cancelled', error: undefined, cancellation: { notifyCallbacks: false } as OperationRecord['cancellation'] });
    const webhooks = { list: async () => [] } as unknown as WebhookStore;
    const notifier = new CallbackNotifier({ send: async (d) => void sent.push(d) }, webhooks, clock, { get: async () => stored });
    await notifier.notify({ ...stored, notifications: undefined }, 'operation.cancelled');
    expect(sent.map((d) => d.target.kind)).toEqual(['email', 'email', 'slack']);
  });
});

describe('NotificationDeliverer', () => {
  const setup = (options: { email?: SendResult[]; slack?: Array<PostAnswer | Error>; integrations?: SlackIntegrationStore; sender?: string } = {}) => {
    const emails: Array<{ from: string; to: string }> = [];
    const posts: Array<{ url: string; body: unknown }> = [];
    const counted: Array<[NotificationChannel, boolean]> = [];
    const emailAnswers = [...(options.email ?? [])];
    const slackAnswers = [...(options.slack ?? [])];
    const sender: EmailSender = {
      send: async (from, message) => {
        emails.push({ from, to: message.to });
        return emailAnswers.shift() ?? { ok: true };
      },
    };
    const post = async (url: string, body: string): Promise<PostAnswer> => {
      posts.push({ url, body: JSON.parse(body) });
      const answer = slackAnswers.shift() ?? { status: 200 };
      if (answer instanceof Error) throw answer;
      return answer;
    };
    const operations = { recordNotification: async (_s: unknown, _id: string, channel: NotificationChannel, o: { successful: boolean }) => void counted.push([channel, o.successful]) };
    const deliverer = new NotificationDeliverer(sender, post, options.integrations ?? registered(), operations, clock, { emailSender: 'sender' in options ? options.sender : 'n@example.com', ...exact });
    return { deliverer, emails, posts, counted };
  };
  const [toA, , slack] = notificationDeliveries(op(), 'operation.failed', clock.now()) as [CallbackDelivery, CallbackDelivery, CallbackDelivery];

  it('sends the e-mail from the sender and counts it delivered', async () => {
    const { deliverer, emails, counted } = setup();
    expect(await deliverer.deliver(toA, 1)).toEqual({ outcome: 'delivered' });
    expect(emails).toEqual([{ from: 'n@example.com', to: 'a@example.com' }]);
    expect(counted).toEqual([['email', true]]);
  });

  it('retries a transient SES failure on the callback schedule, and counts a permanent one failed at once', async () => {
    const transient = setup({ email: [{ ok: false, retryable: true, reason: 'Throttling' }] });
    expect(await transient.deliverer.deliver(toA, 1)).toEqual({ outcome: 'retry', afterSeconds: 60 });
    expect(await transient.deliverer.deliver(toA, 2)).toEqual({ outcome: 'delivered' });
    expect(transient.counted).toEqual([['email', true]]);
    const permanent = setup({ email: [{ ok: false, retryable: false, reason: 'MessageRejected' }] });
    expect(await permanent.deliverer.deliver(toA, 1)).toEqual({ outcome: 'failed' });
    expect(permanent.counted).toEqual([['email', false]]);
    // Retries run out after the policy's four.
    const spent = setup({ email: [{ ok: false, retryable: true, reason: 'Throttling' }] });
    expect(await spent.deliverer.deliver(toA, 5)).toEqual({ outcome: 'failed' });
  });

  it('fails an e-mail without a sender rather than pretending', async () => {
    const { deliverer, emails, counted } = setup({ sender: undefined });
    expect(await deliverer.deliver(toA, 1)).toEqual({ outcome: 'failed' });
    expect(emails).toEqual([]);
    expect(counted).toEqual([['email', false]]);
  });

  it("posts the message to the project's integration, read at delivery", async () => {
    const { deliverer, posts, counted } = setup();
    expect(await deliverer.deliver(slack, 1)).toEqual({ outcome: 'delivered' });
    expect(posts).toEqual([{ url: 'https://hooks.slack.example/services/T1/B1/secret', body: expect.objectContaining({ channel: '#pm', text: expect.stringContaining('ended *Failed*') }) }]);
    expect(counted).toEqual([['slack', true]]);
  });

  it("retries Slack's 429 (honouring Retry-After) and 5xx and no answer; a 4xx, a refused address or a removed integration fail at once", async () => {
    const limited = setup({ slack: [{ status: 429, retryAfter: '120' }] });
    expect(await limited.deliverer.deliver(slack, 1)).toEqual({ outcome: 'retry', afterSeconds: 120 });
    expect(await setup({ slack: [{ status: 503 }] }).deliverer.deliver(slack, 1)).toEqual({ outcome: 'retry', afterSeconds: 60 });
    expect(await setup({ slack: [new Error('ECONNRESET')] }).deliverer.deliver(slack, 2)).toEqual({ outcome: 'retry', afterSeconds: 120 });
    for (const answer of [{ status: 404, excerpt: 'no_service' }, new ReceiverRefusedError('10.0.0.1 is a private address')]) {
      const { deliverer, counted } = setup({ slack: [answer] });
      expect(await deliverer.deliver(slack, 1)).toEqual({ outcome: 'failed' });
      expect(counted).toEqual([['slack', false]]);
    }
    const removed = setup({ integrations: new MemorySlackIntegrations() });
    expect(await removed.deliverer.deliver(slack, 1)).toEqual({ outcome: 'failed' });
    expect(removed.posts).toEqual([]);
  });

  it('is what the callback deliverer hands e-mail and Slack deliveries to', async () => {
    const handed: string[] = [];
    const deliverer = new CallbackDeliverer(
      async () => Promise.reject(new Error('no HTTP for notifications here')),
      {} as OperationStore,
      {} as WebhookStore,
      clock,
      { send: async () => undefined },
      { signingSecrets: async () => [] },
      { notifications: { deliver: async (d, attempt) => (handed.push(`${d.target.kind}#${attempt}`), { outcome: 'delivered' }) } },
    );
    expect(await deliverer.deliver({ ...slack, attemptsBefore: 1 }, 2)).toEqual({ outcome: 'delivered' });
    expect(handed).toEqual(['slack#3']);
  });
});

describe('SlackIntegrationService', () => {
  it('checks the URL with the receiver guard, keeps it, and shows only its host', async () => {
    const store = new MemorySlackIntegrations();
    const checked: string[] = [];
    const service = new SlackIntegrationService(store, { assertAllowed: async (url, field) => void checked.push(`${field}=${url}`) }, clock);
    const view = await service.register(scope, { webhookUrl: 'https://hooks.slack.example/services/T1/B1/secret' });
    expect(checked).toEqual(['body.webhookUrl=https://hooks.slack.example/services/T1/B1/secret']);
    expect(view).toEqual({ projectId: 'p', configured: true, webhookHost: 'hooks.slack.example', createdAt: '2026-01-01T00:00:00.000Z', updatedAt: '2026-01-01T00:00:00.000Z' });
    expect(JSON.stringify(await service.describe(scope))).not.toContain('secret');
    await service.remove(scope);
    await expect(service.describe(scope)).rejects.toThrow('no Slack integration');
    await expect(service.remove(scope)).rejects.toThrow('no Slack integration');
  });

  it('stores nothing when the guard refuses the URL', async () => {
    const store = new MemorySlackIntegrations();
    const refusal = new ValidationError('refused', [{ name: 'body.webhookUrl', reason: '10.0.0.1 is a private address (RFC 1918)' }]);
    const service = new SlackIntegrationService(store, { assertAllowed: async () => Promise.reject(refusal) }, clock);
    await expect(service.register(scope, { webhookUrl: 'https://10.0.0.1/hook' })).rejects.toBe(refusal);
    expect(store.items.size).toBe(0);
  });
});

describe('notificationsView', () => {
  it('shows per-channel counts beside the channel asked for', () => {
    const view = notificationsView(op({ notificationStats: { email: { successful: 2, failed: 0, lastDeliveryAt: '2026-01-01T00:00:05Z' }, slack: { successful: 0, failed: 1 } } }));
    expect(view).toEqual({
      email: { recipients: 2, deliveriesSuccessful: 2, deliveriesFailed: 0, lastDeliveryAt: '2026-01-01T00:00:05Z' },
      slack: { channel: '#pm', mentionUsers: ['@analyst', 'U012ABCDEF', '@here'], deliveriesSuccessful: 0, deliveriesFailed: 1, lastDeliveryAt: null },
    });
    expect(notificationsView(op({ notifications: undefined }))).toBeUndefined();
  });
});
