import { CircuitBreaker, defaultCircuitPolicy, type CircuitPolicy } from './circuit-breaker.ts';
import { deliveryIdAt, redact, type DeliveryAttemptRecord, type DeliveryLog, type DeliveryStatus, type DeliveryTrigger } from './delivery-log.ts';
import { afterFailure, defaultEndpointHealthPolicy, type EndpointHealthPolicy } from './endpoint-health.ts';
import type { CallbackQueue, Clock, OperationStore, WebhookStore } from './ports.ts';
import { ReceiverRefusedError } from './receiver-guard.ts';
import { progressOf } from './progress.ts';
import { standardWebhookHeaders, validSecrets } from './standard-webhooks.ts';
import type { OperationRecord, PhaseRecord, WebhookRecord } from './records.ts';
import { trackingUrl } from './views/operation-view.ts';
import type { NotificationDeliverer } from './notification-deliverer.ts';
import { notificationDeliveries } from './notifications.ts';
import type { WebhookEvent } from '../schemas/webhook.ts';
import type { JobEventDraft, JobEventLog, LoggedJobEvent } from './job-event-log.ts';
import type { StreamPumpQueue } from './stream-subscriptions.ts';
import { jobEventName } from './job-event-names.ts';
import { metricNames, telemetry } from './telemetry.ts';

/** What happened to an operation; webhooks also hear `operation.phase.completed` for each progress event. */
export type CallbackEvent = Exclude<WebhookEvent, 'operation.phase.completed'>;

/** The name a receiver sees: a subscription's own job-tracking name, or the operation event's. */
function eventNameFor(receiver: WebhookRecord, type: WebhookEvent): string {
  return receiver.jobEvents ? jobEventName(receiver.jobEvents, type) : type;
}

/** Who receives a delivery: one of the operation's callbacks, a registered webhook, one of a batch's callbacks, or a notification (notifications.ts). */
export type DeliveryTarget = { kind: 'callback' } | { kind: 'webhook'; webhookId: string } | { kind: 'batch'; batchId: string } | { kind: 'email' } | { kind: 'slack' };

/** One POST to one receiver, as queued for delivery. */
export interface CallbackDelivery {
  deliveryId: string;
  url: string;
  /** The event name the receiver sees (a subscription's job-tracking name for subscriptions). */
  event: string;
  target: DeliveryTarget;
  operation: { tenantId: string; projectId: string; operationId: string };
  payload: Record<string, unknown>;
  /** Attempts made under earlier messages: a delivery postponed by a paused endpoint is sent again as a new message. */
  attemptsBefore?: number;
  /** ISO 8601: a retry scheduled further ahead than SQS can hide a message; it is sent on, 15 minutes at a time, until then. */
  notBefore?: string;
  /** When the message was made (absent on messages queued before the attempt log). */
  createdAt?: string;
  /** Set on a message sent again through the API; its first attempt is logged with this trigger, its retries as scheduled. */
  trigger?: Exclude<DeliveryTrigger, 'scheduled'>;
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

/** The one event an operation sends once it has ended with a status. */
export const terminalEvents: Readonly<Partial<Record<OperationRecord['status'], CallbackEvent>>> = {
  Completed: 'operation.completed',
  Failed: 'operation.failed',
  Cancelled: 'operation.cancelled',
  Timeout: 'operation.timeout',
};

/** Why an event must not be sent, judged on the stored operation; null when it may. */
function refusalOf(reported: OperationRecord, current: OperationRecord, event: CallbackEvent): string | null {
  const terminal = terminalEvents[current.status];
  if (terminal) return event === terminal ? null : `the operation ended ${current.status}; only ${terminal} follows`;
  if (current.jobId !== reported.jobId) return `job ${reported.jobId} is no longer the operation's current attempt`;
  return null;
}

/**
 * Queues deliveries for an operation's callbacks and the project's webhooks; SQS carries them
 * so a slow or failing receiver never holds up a job.
 */
/** The operation's status URL under the API's base URL (which ends with the stage in AWS); the bare path without one. */
export function absoluteTrackingUrl(base: string | undefined, op: OperationRecord): string {
  return base ? `${base.replace(/\/+$/, '')}${trackingUrl(op)}` : trackingUrl(op);
}

export class CallbackNotifier {
  constructor(
    private readonly queue: CallbackQueue,
    private readonly webhooks: WebhookStore,
    private readonly clock: Clock,
    /** The operation as stored now, for the gate (see `notify`); without it the record passed in is trusted. */
    private readonly operations?: Pick<OperationStore, 'get'>,
    /** The job's event log: each event is appended (and numbered) before anything is sent; a closed log refuses it. */
    private readonly eventLog?: JobEventLog,
    /** Wakes the job's WebSocket connections once an event is appended. */
    private readonly streams?: StreamPumpQueue,
    /** Where the API is reached (`API_BASE_URL`), so payloads carry an absolute `trackingUrl`; without it, the path. */
    private readonly apiBaseUrl?: () => string | undefined,
  ) {}

  /**
   * Never throws: a notification that cannot be queued is logged, and the job goes on. An ended operation hears only
   * its own terminal event, and a stale attempt's job nothing, judged by the stored record: so no event of an operation
   * follows `operation.cancelled`, whatever a phase still running (or stopped late) reports.
   */
  async notify(op: OperationRecord, event: CallbackEvent, extra: { phase?: PhaseRecord; warnings?: string[] } = {}): Promise<void> {
    try {
      const current = (await this.operations?.get(op, op.operationId)) ?? op;
      const refusal = refusalOf(op, current, event);
      if (refusal) {
        telemetry.log('INFO', 'Event not sent', { operationId: op.operationId, jobId: op.jobId, event, reason: refusal });
        return;
      }
      const stored = { ...op, ...(current.cancellation ? { cancellation: current.cancellation } : {}), ...(current.notifications ? { notifications: current.notifications } : {}) };
      const logged = await this.appendToLog(stored, event, extra);
      if (logged === null) {
        telemetry.log('INFO', 'Event not sent', { operationId: op.operationId, jobId: op.jobId, event, reason: "a terminal event closed the job's event log" });
        return;
      }
      await this.enqueue(stored, event, extra, logged);
      if (logged?.length) await this.streams?.send({ stream: { tenantId: op.tenantId, projectId: op.projectId, jobId: op.jobId } });
    } catch (error) {
      telemetry.log('ERROR', 'Could not queue notifications', { operationId: op.operationId, event, error: error instanceof Error ? error.message : String(error) });
    }
  }

  /**
   * Queues one of a batch's callbacks (`batch.started`, `batch.operation.completed`, `batch.completed`); signed with the
   * project's secret and retried like an operation's callbacks. `operationId` names the operation it is about, or the batch.
   */
  async notifyBatch(batch: { tenantId: string; projectId: string; batchId: string }, url: string, event: string, operationId: string, body: Record<string, unknown>): Promise<void> {
    const createdAt = this.clock.now();
    const deliveryId = deliveryIdAt(createdAt);
    try {
      await this.queue.send({
        deliveryId,
        url,
        event,
        target: { kind: 'batch', batchId: batch.batchId },
        operation: { tenantId: batch.tenantId, projectId: batch.projectId, operationId },
        payload: { event, deliveryId, timestamp: createdAt.toISOString(), ...body },
        createdAt: createdAt.toISOString(),
      });
    } catch (error) {
      telemetry.log('ERROR', 'Could not queue a batch callback', { batchId: batch.batchId, event, error: error instanceof Error ? error.message : String(error) });
    }
  }

  /**
   * Appends the event (a progress event as its phase's completion and the progress) to the job's event log: the
   * numbered events, null when the log is closed, undefined without a log or when the append failed (the event is
   * then still sent, unnumbered: a receiver should not lose it to a storage error).
   */
  private async appendToLog(op: OperationRecord, event: CallbackEvent, extra: { phase?: PhaseRecord; warnings?: string[] }): Promise<LoggedJobEvent[] | null | undefined> {
    if (!this.eventLog) return undefined;
    const progressBefore = this.progressBefore(op, event);
    const terminal = Object.values(terminalEvents).includes(event);
    const drafts: JobEventDraft[] = typesOf(event).map((type) => {
      const { deliveryId: _deliveryId, ...data } = this.body(op, extra, type, '');
      return { type, timestamp: String(data.timestamp), terminal: terminal && type === event, progressBefore, data };
    });
    try {
      return await this.eventLog.append(op, drafts);
    } catch (error) {
      telemetry.log('ERROR', 'Could not append to the job event log', { operationId: op.operationId, jobId: op.jobId, event, error: error instanceof Error ? error.message : String(error) });
      return undefined;
    }
  }

  /** A progress event follows a phase completion: progress before it was one phase less. */
  private progressBefore(op: OperationRecord, event: CallbackEvent): number {
    const progress = progressOf(op);
    return event === 'operation.progress' ? Math.floor((100 * Math.max(0, progress.phasesCompleted - 1)) / Math.max(1, progress.totalPhases)) : progress.percentage;
  }

  private body(op: OperationRecord, extra: { phase?: PhaseRecord; warnings?: string[] }, type: string, deliveryId: string, sequence?: number) {
    return {
      event: type,
      deliveryId,
      ...(sequence !== undefined ? { sequence } : {}),
      timestamp: this.clock.now().toISOString(),
      operationId: op.operationId,
      jobId: op.jobId,
      operationType: op.operationType,
      operationName: op.operationName,
      priority: op.priority,
      status: op.status,
      progress: progressOf(op),
      ...(extra.phase
        ? { phase: { phaseName: extra.phase.name, status: extra.phase.status, durationMs: extra.phase.durationMs ?? null, recordsProcessed: extra.phase.recordsProcessed ?? null } }
        : {}),
      ...(extra.warnings ? { warnings: extra.warnings } : {}),
      ...(op.error ? { error: op.error } : {}),
      trackingUrl: absoluteTrackingUrl(this.apiBaseUrl?.(), op),
    };
  }

  private async enqueue(op: OperationRecord, event: CallbackEvent, extra: { phase?: PhaseRecord; warnings?: string[] }, logged?: LoggedJobEvent[]): Promise<void> {
    const progress = progressOf(op);
    const before = this.progressBefore(op, event);
    // Receivers see the sequence number the event log gave the event, to order and deduplicate by.
    const sequenceOf = (type: WebhookEvent) => logged?.find((entry) => entry.type === type)?.sequence;
    const deliveries: CallbackDelivery[] = [];
    const createdAt = this.clock.now();
    const add = (url: string, type: WebhookEvent, target: DeliveryTarget, name: string = type) => {
      // Time-ordered, so the attempt log lists and replays messages by time.
      const deliveryId = deliveryIdAt(createdAt);
      deliveries.push({
        deliveryId,
        url,
        event: name,
        target,
        operation: { tenantId: op.tenantId, projectId: op.projectId, operationId: op.operationId },
        payload: this.body(op, extra, name, deliveryId, sequenceOf(type)),
        createdAt: createdAt.toISOString(),
      });
    };

    const url = callbackUrl(op, event);
    // `notifyCallbacks: false` silences the operation's own callbacks; the project's webhooks still hear the cancellation.
    const silenced = event === 'operation.cancelled' && op.cancellation?.notifyCallbacks === false;
    if (url && !silenced) add(url, event, { kind: 'callback' });
    const types = typesOf(event);
    const now = this.clock.now().getTime() / 1000;
    // Project webhooks, and the subscriptions of this job that have not expired.
    const receivers = (await this.webhooks.list(op)).filter((w) => w.status !== 'Disabled' && (!w.jobId || w.jobId === op.jobId) && (!w.expiresAt || w.expiresAt > now));
    for (const receiver of receivers) {
      for (const type of types) {
        if (webhookWants(receiver, op, type, { before, after: progress.percentage })) {
          add(receiver.webhookUrl, type, { kind: 'webhook', webhookId: receiver.webhookId }, eventNameFor(receiver, type));
        }
      }
    }
    // E-mail and Slack, when the operation asked for them and it has ended (notifications.ts).
    deliveries.push(...notificationDeliveries(op, event, createdAt, absoluteTrackingUrl(this.apiBaseUrl?.(), op)));
    await Promise.all(deliveries.map((delivery) => this.queue.send(delivery)));
  }
}

/** A progress event is also its phase's completion. */
const typesOf = (event: CallbackEvent): WebhookEvent[] => (event === 'operation.progress' ? ['operation.phase.completed', 'operation.progress'] : [event]);

/**
 * One POST; `excerpt` is the start of the answer (about 1 KB at most), for diagnostics; `retryAfter` the answer's
 * `Retry-After` header. Throws ReceiverRefusedError when the guard refused the address.
 */
export type Post = (url: string, body: string, headers: Record<string, string>) => Promise<PostAnswer>;
export interface PostAnswer {
  status: number;
  excerpt?: string;
  retryAfter?: string;
}

/** The secrets that sign a project's operation callbacks now, current first. */
export interface CallbackSecrets {
  signingSecrets(scope: { tenantId: string; projectId: string }): Promise<string[]>;
}

/** `postponed`: the endpoint is paused, so the delivery was queued again for when the pause ends, unattempted. */
export type DeliveryOutcome = { outcome: 'delivered' | 'failed' | 'dropped' | 'postponed' } | { outcome: 'retry'; afterSeconds: number };

/** The longest SQS delays a message; a longer pause postpones the delivery again when it comes back. */
const maxPostponeSeconds = 900;
/** The longest SQS hides a received message (its visibility limit); a later retry is re-enqueued instead. */
const maxVisibilitySeconds = 43_200;
/** A receiver's `Retry-After` is honoured up to a day. */
export const maxRetryAfterSeconds = 86_400;
/** Each retry delay is spread by up to this fraction either way, so receivers that failed together are not retried together. */
const jitter = 0.1;

/**
 * Seconds until the next attempt: the policy's exponential backoff with jitter, or the receiver's `Retry-After`
 * (on 429 and 503, capped at a day) when that is later.
 */
export function retryDelaySeconds(policy: RetryPolicy, attempt: number, retryAfter: number | undefined, random: () => number = Math.random): number {
  const backoff = Math.min(policy.maxDelay, policy.retryDelay * policy.backoffMultiplier ** (attempt - 1));
  const jittered = Math.max(1, Math.round(backoff * (1 - jitter + 2 * jitter * random())));
  return retryAfter === undefined ? jittered : Math.max(jittered, Math.min(maxRetryAfterSeconds, retryAfter));
}

/** `Retry-After` as seconds from `now`: delta-seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: Date): number | undefined {
  if (value === undefined) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const at = Date.parse(trimmed);
  return Number.isNaN(at) ? undefined : Math.max(0, Math.ceil((at - now.getTime()) / 1000));
}

export interface DelivererOptions {
  /** One attempt ends after this long, whatever the receiver does. */
  attemptTimeoutMs?: number;
  circuit?: CircuitPolicy;
  /** Test seam for the retry jitter. */
  random?: () => number;
  /** Where every attempt to a webhook or subscription is recorded; callbacks have no log. */
  deliveryLog?: DeliveryLog;
  health?: EndpointHealthPolicy;
  /** Sends e-mail and Slack deliveries (notification-deliverer.ts); without it they fail and are retried by SQS. */
  notifications?: Pick<NotificationDeliverer, 'deliver'>;
}

class AttemptTimeoutError extends Error {
  override readonly name = 'AttemptTimeout';
}

/** Everything of a receiver's that proves the service to it: never shown back in an excerpt. */
function credentialsOf(webhook: WebhookRecord): string[] {
  const auth = webhook.authentication;
  const current = auth?.type === 'bearer' ? [auth.token] : auth?.type === 'hmac-sha256' ? [auth.secret] : [];
  return [...current, ...(webhook.previousSecrets ?? []).map((p) => p.secret), ...Object.values(webhook.headers ?? {}).filter((value) => value.length >= 8)];
}

/**
 * Sends one delivery; a 2xx answer is success, anything else is retried by the receiver's policy. Webhooks and
 * subscriptions go through their endpoint's circuit breaker: while it is open their deliveries are postponed, not
 * attempted, so a failing endpoint costs its tenant's deliveries nothing but a queue message. Callbacks have no
 * record to keep a circuit on; they are bounded by the attempt timeout and by running concurrently with the rest.
 */
export class CallbackDeliverer {
  private readonly breaker: CircuitBreaker;
  private readonly attemptTimeoutMs: number;
  private readonly random: () => number;
  private readonly log: DeliveryLog | undefined;
  private readonly health: EndpointHealthPolicy;
  private readonly notifications: Pick<NotificationDeliverer, 'deliver'> | undefined;

  constructor(
    private readonly post: Post,
    private readonly operations: OperationStore,
    private readonly webhooks: WebhookStore,
    private readonly clock: Clock,
    private readonly queue: CallbackQueue,
    private readonly callbackSecrets: CallbackSecrets,
    options: DelivererOptions = {},
  ) {
    this.breaker = new CircuitBreaker(webhooks, clock, options.circuit ?? defaultCircuitPolicy);
    this.attemptTimeoutMs = options.attemptTimeoutMs ?? 10_000;
    this.random = options.random ?? Math.random;
    this.log = options.deliveryLog;
    this.health = options.health ?? defaultEndpointHealthPolicy;
    this.notifications = options.notifications;
  }

  /** `receiveCount` counts this message's receives from 1. */
  async deliver(delivery: CallbackDelivery, receiveCount: number): Promise<DeliveryOutcome> {
    const waiting = delivery.notBefore ? Math.ceil((Date.parse(delivery.notBefore) - this.clock.now().getTime()) / 1000) : 0;
    if (waiting > 0) {
      await this.queue.send(delivery, { delaySeconds: Math.min(maxPostponeSeconds, waiting) });
      return { outcome: 'postponed' };
    }
    const attempt = (delivery.attemptsBefore ?? 0) + receiveCount;
    if (delivery.target.kind === 'email' || delivery.target.kind === 'slack') {
      if (!this.notifications) throw new Error(`No deliverer for ${delivery.target.kind} notifications is configured`);
      return this.notifications.deliver(delivery, attempt);
    }
    const scope = { tenantId: delivery.operation.tenantId, projectId: delivery.operation.projectId };
    const webhook = delivery.target.kind === 'webhook' ? await this.webhooks.get(scope, delivery.target.webhookId) : undefined;
    // Deleted or disabled since it was queued: it hears nothing more.
    if (delivery.target.kind === 'webhook' && (!webhook || webhook.status === 'Disabled')) {
      if (webhook) await this.logAttempt(delivery, webhook, 'failed', undefined, 'The endpoint is disabled');
      return { outcome: 'dropped' };
    }
    const paused = webhook ? this.breaker.pausedFor(webhook) : 0;
    if (paused > 0) {
      // Not an attempt, but the message is listed (pending) while it waits for the pause to end.
      await this.logAttempt(delivery, webhook!, 'pending', undefined);
      await this.queue.send({ ...delivery, attemptsBefore: attempt - 1 }, { delaySeconds: Math.min(maxPostponeSeconds, paused) });
      return { outcome: 'postponed' };
    }
    const policy: RetryPolicy = webhook?.retryPolicy ?? callbackRetryPolicy;

    const body = JSON.stringify(delivery.payload);
    const now = this.clock.now();
    const timestamp = Math.floor(now.getTime() / 1000);
    // Callbacks are signed with the project's secret; a receiver authenticated by a bearer token is not signed.
    const secrets = webhook
      ? webhook.authentication?.type === 'hmac-sha256'
        ? validSecrets(webhook.authentication.secret, webhook.previousSecrets, now)
        : []
      : await this.callbackSecrets.signingSecrets(scope);
    const headers: Record<string, string> = {
      ...(webhook?.headers ?? {}),
      'Content-Type': 'application/json',
      'User-Agent': 'process-mining-jobs-callbacks/1',
      // Standard Webhooks: `webhook-id` is the delivery id, the same on every retry, so receivers deduplicate on it.
      ...standardWebhookHeaders(delivery.deliveryId, timestamp, body, secrets),
      // Legacy names, kept for receivers written before Standard Webhooks; the legacy signature is gone.
      'X-Webhook-Delivery': delivery.deliveryId,
      'X-Webhook-Event': delivery.event,
      'X-Webhook-Timestamp': String(timestamp),
      ...(webhook ? { 'X-Webhook-Id': webhook.webhookId } : {}),
      ...(webhook?.authentication?.type === 'bearer' ? { Authorization: `Bearer ${webhook.authentication.token}` } : {}),
    };
    const started = Date.now();
    let statusCode: number | null = null;
    let responseMs: number | null = null;
    let excerpt: string | undefined;
    let retryAfter: string | undefined;
    let error: DeliveryAttemptRecord['error'];
    try {
      const response = await this.attempt(delivery.url, body, headers);
      statusCode = response.status;
      // An echoing receiver could show the token or secret it was sent; neither may reach the stats or the log.
      excerpt = redact(response.excerpt, webhook ? credentialsOf(webhook) : secrets);
      retryAfter = response.retryAfter;
      responseMs = Date.now() - started;
    } catch (failure) {
      // A refused address was never contacted: no status and no time, so the stats say nothing about it.
      if (!(failure instanceof ReceiverRefusedError)) responseMs = Date.now() - started;
      error = failure instanceof AttemptTimeoutError ? 'timeout' : 'no-response';
    }
    const ok = statusCode !== null && statusCode >= 200 && statusCode < 300;
    if (webhook) await this.trackCircuit(scope, webhook, ok);
    // 410 Gone: the receiver says the endpoint is no more; it is not retried, and a webhook is disabled.
    const gone = statusCode === 410;
    if (gone && webhook) await this.disable(scope, webhook, 'The endpoint answered 410 Gone');
    const health = webhook && !ok && !gone ? await this.judgeHealth(scope, webhook, now) : undefined;
    const loggedAttempt = (outcome: DeliveryAttemptRecord['outcome']): DeliveryAttemptRecord => ({
      at: now.toISOString(),
      statusCode,
      durationMs: responseMs,
      ...(excerpt ? { responseExcerpt: excerpt } : {}),
      ...(error ? { error } : {}),
      // The first attempt of a message sent again through the API carries its trigger; its retries are scheduled.
      trigger: delivery.trigger && attempt === 1 ? delivery.trigger : 'scheduled',
      outcome,
      ...(gone ? { endpoint: 'disabled' as const } : health === 'warn' ? { endpoint: 'warned' as const } : health === 'disable' ? { endpoint: 'disabled' as const } : {}),
    });
    if (!ok && !gone && health !== 'disable' && attempt <= policy.maxRetries) {
      if (webhook) await this.logAttempt(delivery, webhook, 'pending', loggedAttempt('retry-scheduled'));
      const honoured = statusCode === 429 || statusCode === 503 ? parseRetryAfter(retryAfter, now) : undefined;
      const afterSeconds = retryDelaySeconds(policy, attempt, honoured, this.random);
      if (afterSeconds <= maxVisibilitySeconds) return { outcome: 'retry', afterSeconds };
      const notBefore = new Date(now.getTime() + afterSeconds * 1000).toISOString();
      await this.queue.send({ ...delivery, attemptsBefore: attempt, notBefore }, { delaySeconds: maxPostponeSeconds });
      return { outcome: 'postponed' };
    }
    if (webhook) await this.logAttempt(delivery, webhook, ok ? 'delivered' : 'failed', loggedAttempt(ok ? 'delivered' : 'failed'));
    const at = this.clock.now().toISOString();
    if (webhook) {
      await this.webhooks.recordDelivery(scope, webhook.webhookId, {
        successful: ok,
        responseMs,
        at,
        event: delivery.event,
        statusCode,
        ...(excerpt !== undefined ? { responseExcerpt: excerpt } : {}),
      });
    } else if (delivery.target.kind === 'callback') {
      await this.operations.recordCallback(scope, delivery.operation.operationId, { successful: ok, progress: delivery.event === 'operation.progress', at });
    }
    return { outcome: ok ? 'delivered' : 'failed' };
  }

  /**
   * After a failed attempt: warns an endpoint that keeps failing (once) and disables one still failing long after
   * its warning (endpoint-health.ts). A failed write is logged; the delivery goes on as if the rule had said nothing.
   */
  private async judgeHealth(scope: { tenantId: string; projectId: string }, webhook: WebhookRecord, now: Date): Promise<'none' | 'warn' | 'disable'> {
    const verdict = afterFailure(webhook, now, this.health);
    try {
      if (verdict === 'warn') {
        const reason = `The circuit breaker paused the endpoint ${webhook.pausesSinceSuccess} times; failing since ${webhook.failingSince ?? 'unknown'}`;
        await this.webhooks.update(scope, webhook.webhookId, { warning: { at: now.toISOString(), reason } });
        telemetry.log('WARN', 'endpoint.warning', { webhookId: webhook.webhookId, reason });
      }
      if (verdict === 'disable') await this.disable(scope, webhook, `Every delivery failed for ${Math.round(this.health.disableAfterFailingSeconds / 3600)} hours (since ${webhook.failingSince}) after a warning`);
    } catch (failure) {
      telemetry.log('ERROR', 'Could not record the endpoint health', { webhookId: webhook.webhookId, error: failure instanceof Error ? failure.message : String(failure) });
      return 'none';
    }
    return verdict;
  }

  /** The attempt was made whatever the log does: a failed write is logged, never turned into a second attempt. */
  private async logAttempt(delivery: CallbackDelivery, webhook: WebhookRecord, status: DeliveryStatus, attempt: DeliveryAttemptRecord | undefined, dropped?: string): Promise<void> {
    if (!this.log) return;
    const payload = JSON.stringify(delivery.payload);
    try {
      await this.log.record(
        {
          tenantId: webhook.tenantId,
          projectId: webhook.projectId,
          webhookId: webhook.webhookId,
          deliveryId: delivery.deliveryId,
          event: delivery.event,
          operationId: delivery.operation.operationId,
          payload,
          payloadBytes: Buffer.byteLength(payload),
          createdAt: delivery.createdAt ?? this.clock.now().toISOString(),
        },
        status,
        attempt,
        dropped,
      );
    } catch (failure) {
      telemetry.log('ERROR', 'Could not record the delivery attempt', { webhookId: webhook.webhookId, deliveryId: delivery.deliveryId, error: failure instanceof Error ? failure.message : String(failure) });
    }
  }

  /** The record keeps why; enabling it again (PATCH status Active) clears that. */
  private async disable(scope: { tenantId: string; projectId: string }, webhook: WebhookRecord, reason: string): Promise<void> {
    await this.webhooks.update(scope, webhook.webhookId, { status: 'Disabled', disabled: { at: this.clock.now().toISOString(), reason } });
    telemetry.log('WARN', 'Receiver disabled', { webhookId: webhook.webhookId, reason });
    telemetry.metric(metricNames.endpointDisabled, 'Count', 1);
  }

  private async attempt(url: string, body: string, headers: Record<string, string>): Promise<PostAnswer> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new AttemptTimeoutError(`No answer within ${this.attemptTimeoutMs} ms`)), this.attemptTimeoutMs);
    });
    try {
      return await Promise.race([this.post(url, body, headers), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The attempt was made whatever the bookkeeping does: a failed write is logged, never turned into a second attempt. */
  private async trackCircuit(scope: { tenantId: string; projectId: string }, webhook: WebhookRecord, ok: boolean): Promise<void> {
    try {
      await (ok ? this.breaker.succeeded(scope, webhook) : this.breaker.failed(scope, webhook));
    } catch (error) {
      telemetry.log('ERROR', 'Could not update the circuit breaker', { webhookId: webhook.webhookId, error: error instanceof Error ? error.message : String(error) });
    }
  }
}
