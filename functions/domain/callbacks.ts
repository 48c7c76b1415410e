import { createHmac, randomUUID } from 'node:crypto';
import type { CallbackQueue, Clock, OperationStore, WebhookStore } from './ports.ts';
import { progressOf } from './progress.ts';
import type { OperationRecord, PhaseRecord, WebhookRecord } from './records.ts';
import { trackingUrl } from './views/operation-view.ts';
import { jobEvents, type WebhookEvent } from '../schemas/webhook.ts';

/** What happened to an operation; webhooks also hear `operation.phase.completed` for each progress event. */
export type CallbackEvent = Exclude<WebhookEvent, 'operation.phase.completed'>;

/** The name a receiver sees: a subscription's own job-tracking name, or the operation event's. */
function eventNameFor(receiver: WebhookRecord, type: WebhookEvent): string {
  return receiver.jobEvents?.find((name) => (jobEvents[name] as readonly WebhookEvent[]).includes(type)) ?? (receiver.jobEvents ? 'error' : type);
}

/** Who receives a delivery: one of the operation's callbacks, or a registered webhook. */
export type DeliveryTarget = { kind: 'callback' } | { kind: 'webhook'; webhookId: string };

/** One POST to one receiver, as queued for delivery. */
export interface CallbackDelivery {
  deliveryId: string;
  url: string;
  /** The event name the receiver sees (a subscription's job-tracking name for subscriptions). */
  event: string;
  target: DeliveryTarget;
  operation: { tenantId: string; projectId: string; operationId: string };
  payload: Record<string, unknown>;
}

export interface RetryPolicy {
  maxRetries: number;
  /** Seconds before the first retry. */
  retryDelay: number;
  backoffMultiplier: number;
  maxDelay: number;
}

/** Callbacks have no policy of their own in the API: four retries, a minute apart and doubling. */
export const callbackRetryPolicy: RetryPolicy = { maxRetries: 4, retryDelay: 60, backoffMultiplier: 2, maxDelay: 900 };

/** Which of the operation's callbacks hears an event: progress, completion (also cancellation) or error (also timeout). */
export function callbackUrl(op: OperationRecord, event: CallbackEvent): string | undefined {
  const callbacks = op.callbacks ?? {};
  if (event === 'operation.progress') return callbacks.onProgress;
  if (event === 'operation.completed' || event === 'operation.cancelled') return callbacks.onCompletion;
  if (event === 'operation.failed' || event === 'operation.timeout') return callbacks.onError;
  return undefined;
}

/** Whether a webhook wants this event of this operation, by its events and filters. */
export function webhookWants(webhook: WebhookRecord, op: OperationRecord, event: WebhookEvent, progress: { before: number; after: number }): boolean {
  if (!webhook.events.includes(event)) return false;
  const filters = webhook.filters ?? {};
  if (filters.operationTypes && !filters.operationTypes.includes(op.operationType)) return false;
  if (filters.priorities && !filters.priorities.includes(op.priority)) return false;
  // Sent when progress crosses a multiple of the increment, so no state is kept per receiver.
  const step = filters.minProgressIncrement;
  if (event === 'operation.progress' && step && Math.floor(progress.after / step) === Math.floor(progress.before / step)) return false;
  return true;
}

/**
 * Queues deliveries for an operation's callbacks and the project's webhooks; SQS carries them
 * so a slow or failing receiver never holds up a job.
 */
export class CallbackNotifier {
  constructor(
    private readonly queue: CallbackQueue,
    private readonly webhooks: WebhookStore,
    private readonly clock: Clock,
  ) {}

  /** Never throws: a notification that cannot be queued is logged, and the job goes on. */
  async notify(op: OperationRecord, event: CallbackEvent, extra: { phase?: PhaseRecord; warnings?: string[] } = {}): Promise<void> {
    try {
      await this.enqueue(op, event, extra);
    } catch (error) {
      console.error(JSON.stringify({ level: 'ERROR', message: 'Could not queue notifications', operationId: op.operationId, event, error: error instanceof Error ? error.message : String(error) }));
    }
  }

  private async enqueue(op: OperationRecord, event: CallbackEvent, extra: { phase?: PhaseRecord; warnings?: string[] }): Promise<void> {
    const progress = progressOf(op);
    // A progress event follows a phase completion: progress before it was one phase less.
    const before = event === 'operation.progress' ? Math.floor((100 * Math.max(0, progress.phasesCompleted - 1)) / Math.max(1, progress.totalPhases)) : progress.percentage;
    const payload = (type: string, deliveryId: string) => ({
      event: type,
      deliveryId,
      timestamp: this.clock.now().toISOString(),
      operationId: op.operationId,
      jobId: op.jobId,
      operationType: op.operationType,
      operationName: op.operationName,
      priority: op.priority,
      status: op.status,
      progress,
      ...(extra.phase
        ? { phase: { phaseName: extra.phase.name, status: extra.phase.status, durationMs: extra.phase.durationMs ?? null, recordsProcessed: extra.phase.recordsProcessed ?? null } }
        : {}),
      ...(extra.warnings ? { warnings: extra.warnings } : {}),
      ...(op.error ? { error: op.error } : {}),
      trackingUrl: trackingUrl(op),
    });
    const deliveries: CallbackDelivery[] = [];
    const add = (url: string, type: WebhookEvent, target: DeliveryTarget, name: string = type) => {
      const deliveryId = randomUUID();
      deliveries.push({ deliveryId, url, event: name, target, operation: { tenantId: op.tenantId, projectId: op.projectId, operationId: op.operationId }, payload: payload(name, deliveryId) });
    };

    const url = callbackUrl(op, event);
    if (url) add(url, event, { kind: 'callback' });
    const types: WebhookEvent[] = event === 'operation.progress' ? ['operation.phase.completed', 'operation.progress'] : [event];
    const now = this.clock.now().getTime() / 1000;
    // Project webhooks, and the subscriptions of this job that have not expired.
    const receivers = (await this.webhooks.list(op)).filter((w) => (!w.jobId || w.jobId === op.jobId) && (!w.expiresAt || w.expiresAt > now));
    for (const receiver of receivers) {
      for (const type of types) {
        if (webhookWants(receiver, op, type, { before, after: progress.percentage })) {
          add(receiver.webhookUrl, type, { kind: 'webhook', webhookId: receiver.webhookId }, eventNameFor(receiver, type));
        }
      }
    }
    await Promise.all(deliveries.map((delivery) => this.queue.send(delivery)));
  }
}

export type Post = (url: string, body: string, headers: Record<string, string>) => Promise<{ status: number }>;

export type DeliveryOutcome = { outcome: 'delivered' | 'failed' | 'dropped' } | { outcome: 'retry'; afterSeconds: number };

/** `sha256=<hex>` of `<timestamp>.<body>`: binding the timestamp lets receivers refuse replays. */
export function webhookSignature(secret: string, timestamp: string, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

/** Sends one delivery; a 2xx answer is success, anything else is retried by the receiver's policy. */
export class CallbackDeliverer {
  constructor(
    private readonly post: Post,
    private readonly operations: OperationStore,
    private readonly webhooks: WebhookStore,
    private readonly clock: Clock,
  ) {}

  /** `attempt` counts from 1. */
  async deliver(delivery: CallbackDelivery, attempt: number): Promise<DeliveryOutcome> {
    const scope = { tenantId: delivery.operation.tenantId, projectId: delivery.operation.projectId };
    const webhook = delivery.target.kind === 'webhook' ? await this.webhooks.get(scope, delivery.target.webhookId) : undefined;
    if (delivery.target.kind === 'webhook' && !webhook) return { outcome: 'dropped' };
    const policy: RetryPolicy = webhook?.retryPolicy ?? callbackRetryPolicy;

    const body = JSON.stringify(delivery.payload);
    const timestamp = String(Math.floor(this.clock.now().getTime() / 1000));
    const headers: Record<string, string> = {
      ...(webhook?.headers ?? {}),
      'Content-Type': 'application/json',
      'User-Agent': 'process-mining-jobs-callbacks/1',
      // SQS delivers at least once: receivers deduplicate on this id.
      'X-Webhook-Delivery': delivery.deliveryId,
      'X-Webhook-Event': delivery.event,
      'X-Webhook-Timestamp': timestamp,
      ...(webhook ? { 'X-Webhook-Id': webhook.webhookId } : {}),
      ...(webhook?.authentication?.type === 'hmac-sha256' ? { 'X-Webhook-Signature': webhookSignature(webhook.authentication.secret, timestamp, body) } : {}),
      ...(webhook?.authentication?.type === 'bearer' ? { Authorization: `Bearer ${webhook.authentication.token}` } : {}),
    };
    const started = Date.now();
    let statusCode: number | null = null;
    try {
      statusCode = (await this.post(delivery.url, body, headers)).status;
    } catch {
      statusCode = null;
    }
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    if (!ok && attempt <= policy.maxRetries) {
      return { outcome: 'retry', afterSeconds: Math.min(policy.maxDelay, Math.round(policy.retryDelay * policy.backoffMultiplier ** (attempt - 1))) };
    }
    const at = this.clock.now().toISOString();
    if (webhook) {
      await this.webhooks.recordDelivery(scope, webhook.webhookId, { successful: ok, responseMs: Date.now() - started, at, event: delivery.event, statusCode });
    } else {
      await this.operations.recordCallback(scope, delivery.operation.operationId, { successful: ok, progress: delivery.event === 'operation.progress', at });
    }
    return { outcome: ok ? 'delivered' : 'failed' };
  }
}
