import { randomUUID } from 'node:crypto';
import { NotFoundError } from './errors.ts';
import type { Clock, WebhookStore } from './ports.ts';
import type { ProjectScope, WebhookRecord } from './records.ts';
import type { RegisterWebhookBody } from '../schemas/webhook.ts';

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

export class WebhookService {
  constructor(
    private readonly webhooks: WebhookStore,
    private readonly clock: Clock,
  ) {}

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
