import { randomUUID } from 'node:crypto';
import { NotFoundError } from './errors.ts';
import type { Clock, JobScope, OperationStore, WebhookStore } from './ports.ts';
import type { ProjectScope, WebhookRecord } from './records.ts';
import { jobEvents, registerWebhookBody, type RegisterWebhookBody, type SubscribeBody, type WebhookEvent } from '../schemas/webhook.ts';

/** A webhook as the API shows it: the secret or token never leaves the service. */
export function webhookView(webhook: WebhookRecord) {
  const { stats } = webhook;
  return {
    webhookId: webhook.webhookId,
    webhookUrl: webhook.webhookUrl,
    webhookName: webhook.webhookName,
    status: webhook.status,
    eventsSubscribed: webhook.events,
    filters: webhook.filters ?? {},
    authentication: webhook.authentication ? { type: webhook.authentication.type } : null,
    retryPolicy: webhook.retryPolicy,
    createdAt: webhook.createdAt,
    lastDelivery: webhook.lastDelivery ?? null,
    deliveryStats: {
      totalDeliveries: stats.totalDeliveries,
      successfulDeliveries: stats.successfulDeliveries,
      failedDeliveries: stats.failedDeliveries,
      averageResponseTime: stats.totalDeliveries ? `${Math.round(stats.totalResponseMs / stats.totalDeliveries)} ms` : null,
    },
  };
}

/** Subscriptions retry like webhooks registered without a policy. */
const subscriptionRetryPolicy = registerWebhookBody.shape.retryPolicy.parse(undefined);
const errorEvents = jobEvents.error;

export class WebhookService {
  constructor(
    private readonly webhooks: WebhookStore,
    private readonly operations: OperationStore,
    private readonly clock: Clock,
  ) {}

  /** A webhook limited to one job's events, named as the job-tracking API names them, that expires. */
  async subscribe(job: JobScope, body: SubscribeBody, userId: string) {
    const operation = await this.operations.getByJob(job, job.jobId);
    if (!operation) throw new NotFoundError(`Job ${job.jobId} does not exist in this project`);
    const now = this.clock.now();
    const events = new Set<WebhookEvent>(body.events.flatMap((name) => jobEvents[name]));
    if (body.filters.notifyOnErrors) errorEvents.forEach((event) => events.add(event));
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
      ...(body.authentication ? { authentication: body.authentication } : {}),
      retryPolicy: subscriptionRetryPolicy,
      createdAt: now.toISOString(),
      createdBy: userId,
      expiresAt: Math.ceil(now.getTime() / 1000) + body.expiresIn,
      stats: { totalDeliveries: 0, successfulDeliveries: 0, failedDeliveries: 0, totalResponseMs: 0 },
    };
    await this.webhooks.create(subscription);
    return {
      subscriptionId: subscription.webhookId,
      jobId: job.jobId,
      subscriptionType: 'webhook' as const,
      status: subscription.status,
      webhookUrl: subscription.webhookUrl,
      eventsSubscribed: body.events,
      createdAt: subscription.createdAt,
      expiresAt: new Date(now.getTime() + body.expiresIn * 1000).toISOString(),
    };
  }

  async register(scope: ProjectScope, body: RegisterWebhookBody, userId: string) {
    const webhook: WebhookRecord = {
      ...scope,
      webhookId: `wh-${randomUUID()}`,
      webhookUrl: body.webhookUrl,
      webhookName: body.webhookName,
      status: 'Active',
      events: body.events,
      ...(body.filters ? { filters: body.filters } : {}),
      ...(body.authentication ? { authentication: body.authentication } : {}),
      retryPolicy: body.retryPolicy,
      ...(body.headers ? { headers: body.headers } : {}),
      createdAt: this.clock.now().toISOString(),
      createdBy: userId,
      stats: { totalDeliveries: 0, successfulDeliveries: 0, failedDeliveries: 0, totalResponseMs: 0 },
    };
    await this.webhooks.create(webhook);
    return webhookView(webhook);
  }

  async get(scope: ProjectScope, webhookId: string) {
    const webhook = await this.webhooks.get(scope, webhookId);
    if (!webhook) throw new NotFoundError(`Webhook ${webhookId} does not exist in this project`);
    return webhookView(webhook);
  }
}
