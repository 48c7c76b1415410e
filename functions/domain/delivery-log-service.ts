import { ConflictError, NotFoundError } from './errors.ts';
import type { CallbackDelivery } from './callbacks.ts';
import type { DeliveryLog, DeliveryMessageRecord, DeliveryStatus, DeliveryTrigger } from './delivery-log.ts';
import type { CallbackQueue, Clock, JobScope, WebhookStore } from './ports.ts';
import type { ProjectScope, WebhookRecord } from './records.ts';

/** A webhook, or one job's subscription. */
export type ReceiverRef = { webhookId: string } | { jobId: string; subscriptionId: string };

/** Messages one replay request sends at most; a longer replay is continued from `continueFrom`. */
export const maxReplayMessages = 500;
/** Messages queued at once during a replay. */
const sendConcurrency = 10;

export interface DeliveryListQuery {
  status?: DeliveryStatus;
  pageSize: number;
  nextToken?: string;
}

/** A message in a list: its last attempt, not all of them. */
function messageSummary(message: DeliveryMessageRecord) {
  return {
    deliveryId: message.deliveryId,
    event: message.event,
    status: message.status,
    payloadBytes: message.payloadBytes,
    createdAt: message.createdAt,
    attemptCount: message.attempts.length,
    lastAttempt: message.attempts.at(-1) ?? null,
    ...(message.dropped ? { dropped: message.dropped } : {}),
  };
}

/** One message with its attempts and what was sent (the event body; headers and secrets are never kept). */
function messageView(message: DeliveryMessageRecord) {
  return { ...messageSummary(message), operationId: message.operationId, attempts: message.attempts, payload: JSON.parse(message.payload) as unknown };
}

/**
 * The attempt log of webhooks and job subscriptions as the API shows it, and sending its messages again: a
 * redelivery or replay queues the same message (same `webhook-id`, same body) on the delivery queue, so it goes
 * through the receiver guard, signing (with the receiver's secrets now), the circuit breaker and the retry policy
 * like any delivery.
 */
export class DeliveryLogService {
  constructor(
    private readonly log: DeliveryLog,
    private readonly webhooks: WebhookStore,
    private readonly queue: CallbackQueue,
    private readonly clock: Clock,
  ) {}

  async list(scope: ProjectScope, ref: ReceiverRef, query: DeliveryListQuery) {
    const receiver = await this.receiver(scope, ref);
    const page = await this.log.page(scope, receiver.webhookId, query.status ? { status: query.status } : {}, query.pageSize, query.nextToken);
    return { ...idsOf(receiver), deliveries: page.items.map(messageSummary), nextToken: page.nextToken ?? null };
  }

  async get(scope: ProjectScope, ref: ReceiverRef, deliveryId: string) {
    const receiver = await this.receiver(scope, ref);
    return { ...idsOf(receiver), ...messageView(await this.message(scope, receiver, deliveryId)) };
  }

  /** Sends one message again; its first new attempt is logged as `manual`. */
  async redeliver(scope: ProjectScope, ref: ReceiverRef, deliveryId: string) {
    const receiver = this.active(await this.receiver(scope, ref));
    const message = await this.message(scope, receiver, deliveryId);
    await this.send(receiver, message, 'manual');
    return { trigger: 'manual' as const, queued: 1, deliveryIds: [message.deliveryId] };
  }

  /**
   * Sends again every message made since `since` that failed (with `includeSuccessful`, the delivered ones too),
   * oldest first. Pending messages are still being retried and are left to their schedule.
   */
  async replay(scope: ProjectScope, ref: ReceiverRef, request: { since: string; includeSuccessful: boolean }) {
    const receiver = this.active(await this.receiver(scope, ref));
    const since = new Date(request.since).toISOString();
    const examined = await this.log.since(scope, receiver.webhookId, since, maxReplayMessages);
    const chosen = selectForReplay(examined, request.includeSuccessful);
    for (let i = 0; i < chosen.length; i += sendConcurrency) {
      await Promise.all(chosen.slice(i, i + sendConcurrency).map((message) => this.send(receiver, message, 'replay')));
    }
    const full = examined.length >= maxReplayMessages;
    return {
      trigger: 'replay' as const,
      since,
      includeSuccessful: request.includeSuccessful,
      queued: chosen.length,
      deliveryIds: chosen.map((message) => message.deliveryId),
      // More messages may follow the last one examined: replay again from its time.
      continueFrom: full ? examined.at(-1)!.createdAt : null,
    };
  }

  private async send(receiver: WebhookRecord, message: DeliveryMessageRecord, trigger: Exclude<DeliveryTrigger, 'scheduled'>): Promise<void> {
    const delivery: CallbackDelivery = {
      deliveryId: message.deliveryId,
      // The receiver's URL now: a receiver that moved gets what it missed where it is.
      url: receiver.webhookUrl,
      event: message.event,
      target: { kind: 'webhook', webhookId: receiver.webhookId },
      operation: { tenantId: receiver.tenantId, projectId: receiver.projectId, operationId: message.operationId },
      payload: JSON.parse(message.payload) as Record<string, unknown>,
      createdAt: message.createdAt,
      trigger,
    };
    await this.queue.send(delivery);
    await this.log.markPending(receiver, receiver.webhookId, message.deliveryId);
  }

  private async message(scope: ProjectScope, receiver: WebhookRecord, deliveryId: string): Promise<DeliveryMessageRecord> {
    const message = await this.log.get(scope, receiver.webhookId, deliveryId);
    if (!message) throw new NotFoundError(`Delivery ${deliveryId} is not in the attempt log of ${receiver.webhookId} (messages are kept 30 days)`);
    return message;
  }

  private active(receiver: WebhookRecord): WebhookRecord {
    if (receiver.status === 'Disabled') throw new ConflictError(`${receiver.webhookId} is disabled: make it Active again (PATCH status) before sending to it`);
    return receiver;
  }

  /** A webhook is not found under a job, nor a subscription as a webhook; an expired subscription is gone. */
  private async receiver(scope: ProjectScope, ref: ReceiverRef): Promise<WebhookRecord> {
    if ('webhookId' in ref) {
      const webhook = await this.webhooks.get(scope, ref.webhookId);
      if (!webhook || webhook.jobId) throw new NotFoundError(`Webhook ${ref.webhookId} does not exist in this project`);
      return webhook;
    }
    const job: JobScope = { ...scope, jobId: ref.jobId };
    const subscription = await this.webhooks.get(job, ref.subscriptionId);
    const nowSeconds = Math.floor(this.clock.now().getTime() / 1000);
    if (!subscription || subscription.jobId !== ref.jobId || (subscription.expiresAt ?? Infinity) <= nowSeconds) {
      throw new NotFoundError(`Subscription ${ref.subscriptionId} does not exist for job ${ref.jobId}`);
    }
    return subscription;
  }
}

/** What a replay sends: the failed messages, or every finished one; never those still pending. */
export function selectForReplay(messages: readonly DeliveryMessageRecord[], includeSuccessful: boolean): DeliveryMessageRecord[] {
  return messages.filter((message) => message.status === 'failed' || (includeSuccessful && message.status === 'delivered'));
}

function idsOf(receiver: WebhookRecord) {
  return receiver.jobId ? { jobId: receiver.jobId, subscriptionId: receiver.webhookId } : { webhookId: receiver.webhookId };
}
