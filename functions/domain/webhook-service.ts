import { randomUUID } from 'node:crypto';
import { NotFoundError } from './errors.ts';
import type { Clock, JobScope, OperationStore, WebhookChanges, WebhookStore } from './ports.ts';
import type { ReceiverGuard } from './receiver-guard.ts';
import { generateSecret, plainSecretWarnings, previousSecretGraceSeconds, type PreviousSecret } from './standard-webhooks.ts';
import type { ProjectScope, WebhookRecord } from './records.ts';
import {
  jobEvents,
  registerWebhookBody,
  type JobEvent,
  type RegisterWebhookBody,
  type StoredAuthentication,
  type SubscribeBody,
  type UpdateSubscriptionBody,
  type UpdateWebhookBody,
  type WebhookEvent,
} from '../schemas/webhook.ts';
import { maxSubscriptionsPerJob, maxWebhooksPerProject } from '../../lib/topology.ts';

/**
 * What is stored for the authentication a client gave: without a secret (or without any authentication) one is
 * generated, and returned as `shownSecret` to be shown once. A client's own secret is kept as given.
 */
function resolveAuthentication(given: RegisterWebhookBody['authentication']): { authentication: StoredAuthentication; shownSecret?: string; warnings: string[] } {
  if (given?.type === 'bearer') return { authentication: given, warnings: [] };
  if (given?.secret !== undefined) return { authentication: { type: 'hmac-sha256', secret: given.secret }, warnings: plainSecretWarnings(given.secret) };
  const secret = generateSecret();
  return { authentication: { type: 'hmac-sha256', secret }, shownSecret: secret, warnings: [] };
}

/** A replaced secret keeps signing for the grace period, so a receiver can move to the new one without refusing deliveries. */
function rotatedSecrets(current: WebhookRecord, next: StoredAuthentication, now: Date): PreviousSecret[] | undefined {
  const old = current.authentication?.type === 'hmac-sha256' ? current.authentication.secret : undefined;
  if (old === undefined || (next.type === 'hmac-sha256' && next.secret === old)) return undefined;
  const live = (current.previousSecrets ?? []).filter((p) => Date.parse(p.expiresAt) > now.getTime());
  return [{ secret: old, expiresAt: new Date(now.getTime() + previousSecretGraceSeconds * 1000).toISOString() }, ...live];
}

/** The registration answer's authentication: the type, and a generated secret this once. */
function shownAuthentication(resolved: ReturnType<typeof resolveAuthentication>) {
  return { type: resolved.authentication.type, ...(resolved.shownSecret ? { secret: resolved.shownSecret } : {}) };
}

/** Delivery counts; the average response time is over the deliveries that had one (a refused address has none). */
function deliveryStatsView(receiver: WebhookRecord) {
  const { stats } = receiver;
  const timed = stats.timedDeliveries ?? stats.totalDeliveries;
  return {
    totalDeliveries: stats.totalDeliveries,
    successfulDeliveries: stats.successfulDeliveries,
    failedDeliveries: stats.failedDeliveries,
    averageResponseTime: timed ? `${Math.round(stats.totalResponseMs / timed)} ms` : null,
  };
}

/** A webhook as the API shows it: the secret or token never leaves the service. */
export function webhookView(webhook: WebhookRecord) {
  return {
    webhookId: webhook.webhookId,
    webhookUrl: webhook.webhookUrl,
    webhookName: webhook.webhookName,
    status: webhook.status,
    disabled: webhook.status === 'Disabled' ? (webhook.disabled ?? null) : null,
    /** `endpoint.warning`: it keeps failing and will be disabled if it goes on (see endpoint-health.ts). */
    warning: webhook.warning ?? null,
    eventsSubscribed: webhook.events,
    filters: webhook.filters ?? {},
    authentication: webhook.authentication ? { type: webhook.authentication.type } : null,
    retryPolicy: webhook.retryPolicy,
    createdAt: webhook.createdAt,
    lastDelivery: webhook.lastDelivery ?? null,
    deliveryStats: deliveryStatsView(webhook),
    /** Set by the circuit breaker: until then deliveries wait instead of being attempted. */
    pausedUntil: webhook.pausedUntil ?? null,
  };
}

/** A job subscription as the API shows it, under the job-tracking names. */
export function subscriptionView(subscription: WebhookRecord) {
  const jobEventNames = subscription.jobEvents ?? [];
  return {
    subscriptionId: subscription.webhookId,
    jobId: subscription.jobId,
    subscriptionType: 'webhook' as const,
    status: subscription.status,
    disabled: subscription.status === 'Disabled' ? (subscription.disabled ?? null) : null,
    warning: subscription.warning ?? null,
    webhookUrl: subscription.webhookUrl,
    eventsSubscribed: jobEventNames,
    filters: { ...(subscription.filters?.minProgressIncrement ? { minProgressIncrement: subscription.filters.minProgressIncrement } : {}), notifyOnErrors: notifiesOnErrors(subscription) },
    authentication: subscription.authentication ? { type: subscription.authentication.type } : null,
    createdAt: subscription.createdAt,
    expiresAt: subscription.expiresAt ? new Date(subscription.expiresAt * 1000).toISOString() : null,
    lastDelivery: subscription.lastDelivery ?? null,
    deliveryStats: deliveryStatsView(subscription),
    pausedUntil: subscription.pausedUntil ?? null,
  };
}

/** Error events are only among a subscription's events without `error` when it asked for `notifyOnErrors`. */
function notifiesOnErrors(subscription: WebhookRecord): boolean {
  return !(subscription.jobEvents ?? []).includes('error') && subscription.events.includes('operation.phase.failed');
}

/** The operation events a subscription hears for its job-tracking names. */
function subscriptionEvents(names: readonly JobEvent[], notifyOnErrors: boolean): WebhookEvent[] {
  const events = new Set<WebhookEvent>(names.flatMap((name) => jobEvents[name]));
  if (notifyOnErrors) jobEvents.error.forEach((event) => events.add(event));
  return [...events];
}

export interface ReceiverLimits {
  webhooksPerProject: number;
  subscriptionsPerJob: number;
}

/** Subscriptions retry like webhooks registered without a policy. */
const subscriptionRetryPolicy = registerWebhookBody.shape.retryPolicy.parse(undefined);
const errorEvents = jobEvents.error;

export class WebhookService {
  constructor(
    private readonly webhooks: WebhookStore,
    private readonly operations: OperationStore,
    private readonly clock: Clock,
    /** Refuses receivers a delivery must not reach (SSRF). */
    private readonly receivers: ReceiverGuard,
    private readonly limits: ReceiverLimits = { webhooksPerProject: maxWebhooksPerProject, subscriptionsPerJob: maxSubscriptionsPerJob },
  ) {}

  /** A webhook limited to one job's events, named as the job-tracking API names them, that expires. */
  async subscribe(job: JobScope, body: SubscribeBody, userId: string) {
    // The route hands WebSocket subscriptions to StreamService (stream-subscriptions.ts).
    if (body.subscriptionType !== 'webhook') throw new Error('A WebSocket subscription is not a webhook');
    const operation = await this.operations.getByJob(job, job.jobId);
    if (!operation) throw new NotFoundError(`Job ${job.jobId} does not exist in this project`);
    await this.receivers.assertAllowed(body.webhookUrl, 'body.webhookUrl');
    const now = this.clock.now();
    const events = new Set<WebhookEvent>(body.events.flatMap((name) => jobEvents[name]));
    if (body.filters.notifyOnErrors) errorEvents.forEach((event) => events.add(event));
    const auth = resolveAuthentication(body.authentication);
    const subscription: WebhookRecord = {
      tenantId: job.tenantId,
      projectId: job.projectId,
      webhookId: `sub-${randomUUID()}`,
      jobId: job.jobId,
      jobEvents: body.events,
      webhookUrl: body.webhookUrl,
      webhookName: `subscription to job ${job.jobId}`,
      status: 'Active',
      events: [...events],
      ...(body.filters.minProgressIncrement ? { filters: { minProgressIncrement: body.filters.minProgressIncrement } } : {}),
      authentication: auth.authentication,
      retryPolicy: subscriptionRetryPolicy,
      createdAt: now.toISOString(),
      createdBy: userId,
      expiresAt: Math.ceil(now.getTime() / 1000) + body.expiresIn,
      stats: { totalDeliveries: 0, successfulDeliveries: 0, failedDeliveries: 0, totalResponseMs: 0, timedDeliveries: 0 },
    };
    await this.webhooks.create(subscription, this.limits.subscriptionsPerJob);
    // DEBUG entries are kept in the job's log, not sent as events: say so rather than accept the filter silently.
    const warnings = [
      ...auth.warnings,
      ...(body.filters.includeDebugEvents ? ['body.filters.includeDebugEvents: DEBUG-level entries are not sent as events; read them with GET .../logs?level=DEBUG'] : []),
    ];
    return {
      subscriptionId: subscription.webhookId,
      jobId: job.jobId,
      subscriptionType: 'webhook' as const,
      status: subscription.status,
      webhookUrl: subscription.webhookUrl,
      eventsSubscribed: body.events,
      authentication: shownAuthentication(auth),
      createdAt: subscription.createdAt,
      expiresAt: new Date(now.getTime() + body.expiresIn * 1000).toISOString(),
      ...(warnings.length ? { warnings } : {}),
    };
  }

  async register(scope: ProjectScope, body: RegisterWebhookBody, userId: string) {
    await this.receivers.assertAllowed(body.webhookUrl, 'body.webhookUrl');
    const auth = resolveAuthentication(body.authentication);
    const webhook: WebhookRecord = {
      ...scope,
      webhookId: `wh-${randomUUID()}`,
      webhookUrl: body.webhookUrl,
      webhookName: body.webhookName,
      status: 'Active',
      events: body.events,
      ...(body.filters ? { filters: body.filters } : {}),
      authentication: auth.authentication,
      retryPolicy: body.retryPolicy,
      ...(body.headers ? { headers: body.headers } : {}),
      createdAt: this.clock.now().toISOString(),
      createdBy: userId,
      stats: { totalDeliveries: 0, successfulDeliveries: 0, failedDeliveries: 0, totalResponseMs: 0, timedDeliveries: 0 },
    };
    await this.webhooks.create(webhook, this.limits.webhooksPerProject);
    return { ...webhookView(webhook), authentication: shownAuthentication(auth), ...(auth.warnings.length ? { warnings: auth.warnings } : {}) };
  }

  async get(scope: ProjectScope, webhookId: string) {
    return webhookView(await this.webhook(scope, webhookId));
  }

  async list(scope: ProjectScope, pageSize: number, nextToken?: string) {
    const page = await this.webhooks.page(scope, pageSize, nextToken);
    return { webhooks: page.items.map(webhookView), nextToken: page.nextToken ?? null };
  }

  /** Replaces the fields given; a new URL is checked as at registration. */
  async update(scope: ProjectScope, webhookId: string, body: UpdateWebhookBody) {
    const current = await this.webhook(scope, webhookId);
    if (body.webhookUrl !== undefined) await this.receivers.assertAllowed(body.webhookUrl, 'body.webhookUrl');
    const { authentication, ...rest } = body;
    const auth = authentication !== undefined ? this.authenticationChange(current, authentication) : undefined;
    const updated = await this.webhooks.update(scope, webhookId, { ...rest, ...auth?.changes, ...enabling(body.status) } satisfies WebhookChanges);
    if (!updated) throw notFound(webhookId);
    return withShown(webhookView(updated), auth);
  }

  /** A new authentication; a new secret (given, or generated when none is given: a rotation) leaves the old one valid for a while. */
  private authenticationChange(current: WebhookRecord, given: NonNullable<UpdateWebhookBody['authentication']>) {
    const resolved = resolveAuthentication(given);
    const previousSecrets = rotatedSecrets(current, resolved.authentication, this.clock.now());
    return { resolved, changes: { authentication: resolved.authentication, ...(previousSecrets ? { previousSecrets } : {}) } satisfies WebhookChanges };
  }

  /** What was queued for it is dropped when its turn comes: a deleted webhook hears nothing more. */
  async delete(scope: ProjectScope, webhookId: string): Promise<void> {
    if (!(await this.webhooks.delete(scope, await this.webhook(scope, webhookId)))) throw notFound(webhookId);
  }

  async listSubscriptions(job: JobScope) {
    await this.job(job);
    const subscriptions = await this.webhooks.listForJob(job, job.jobId, this.nowSeconds());
    return { jobId: job.jobId, subscriptions: subscriptions.map(subscriptionView) };
  }

  async getSubscription(job: JobScope, subscriptionId: string) {
    return subscriptionView(await this.subscription(job, subscriptionId));
  }

  async updateSubscription(job: JobScope, subscriptionId: string, body: UpdateSubscriptionBody) {
    const current = await this.subscription(job, subscriptionId);
    if (body.webhookUrl !== undefined) await this.receivers.assertAllowed(body.webhookUrl, 'body.webhookUrl');
    const names = body.events ?? current.jobEvents ?? [];
    const auth = body.authentication !== undefined ? this.authenticationChange(current, body.authentication) : undefined;
    const changes: WebhookChanges = {
      ...(body.webhookUrl !== undefined ? { webhookUrl: body.webhookUrl } : {}),
      ...auth?.changes,
      ...(body.status !== undefined ? { status: body.status } : {}),
      ...enabling(body.status),
      ...(body.events !== undefined ? { jobEvents: body.events } : {}),
      ...(body.filters !== undefined ? { filters: body.filters.minProgressIncrement ? { minProgressIncrement: body.filters.minProgressIncrement } : {} } : {}),
      ...(body.events !== undefined || body.filters !== undefined
        ? { events: subscriptionEvents(names, body.filters ? body.filters.notifyOnErrors : notifiesOnErrors(current)) }
        : {}),
    };
    const updated = await this.webhooks.update(job, subscriptionId, changes);
    if (!updated) throw subscriptionNotFound(job, subscriptionId);
    return withShown(subscriptionView(updated), auth);
  }

  async deleteSubscription(job: JobScope, subscriptionId: string): Promise<void> {
    if (!(await this.webhooks.delete(job, await this.subscription(job, subscriptionId)))) throw subscriptionNotFound(job, subscriptionId);
  }

  private async webhook(scope: ProjectScope, webhookId: string): Promise<WebhookRecord> {
    const webhook = await this.webhooks.get(scope, webhookId);
    if (!webhook || webhook.jobId) throw notFound(webhookId);
    return webhook;
  }

  private async job(job: JobScope): Promise<void> {
    if (!(await this.operations.getByJob(job, job.jobId))) throw new NotFoundError(`Job ${job.jobId} does not exist in this project`);
  }

  /** An expired subscription is gone, even before DynamoDB's TTL deletes it. */
  private async subscription(job: JobScope, subscriptionId: string): Promise<WebhookRecord> {
    const subscription = await this.webhooks.get(job, subscriptionId);
    if (!subscription || subscription.jobId !== job.jobId || (subscription.expiresAt ?? Infinity) <= this.nowSeconds()) throw subscriptionNotFound(job, subscriptionId);
    return subscription;
  }

  private nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }
}

const notFound = (webhookId: string) => new NotFoundError(`Webhook ${webhookId} does not exist in this project`);
const subscriptionNotFound = (job: JobScope, subscriptionId: string) => new NotFoundError(`Subscription ${subscriptionId} does not exist for job ${job.jobId}`);

/** Enabling a receiver again forgets why it was disabled. */
const enabling = (status: 'Active' | 'Disabled' | undefined): WebhookChanges => (status === 'Active' ? { disabled: null } : {});

/** An update's answer shows a secret it generated, once, and the warnings about a given one. */
function withShown<T extends object>(view: T, auth: { resolved: ReturnType<typeof resolveAuthentication> } | undefined) {
  if (!auth) return view;
  return { ...view, authentication: shownAuthentication(auth.resolved), ...(auth.resolved.warnings.length ? { warnings: auth.resolved.warnings } : {}) };
}
