import { z } from 'zod';
import { jobEvents, type JobEvent } from './webhook.ts';
import { deliveryStats, lastDelivery, receiverNotice, timestamp } from './responses.ts';

/** Job subscriptions (webhooks limited to one job's events, under the job-tracking names) as the API shows them. Loose. */

const jobEventName = z.enum(Object.keys(jobEvents) as [JobEvent, ...JobEvent[]]);

/** 201 of `POST execution/job/{jobId}/subscribe` with `subscriptionType: webhook`; a generated secret is shown here only. */
const createdWebhookSubscription = z
  .object({
    subscriptionId: z.string(),
    jobId: z.string(),
    subscriptionType: z.literal('webhook'),
    status: z.enum(['Active', 'Disabled']),
    webhookUrl: z.string(),
    eventsSubscribed: z.array(jobEventName),
    authentication: z.object({ type: z.string(), secret: z.string().optional() }).loose(),
    createdAt: timestamp,
    expiresAt: timestamp,
    warnings: z.array(z.string()).optional(),
  })
  .loose();

/** 201 with `subscriptionType: websocket`: where to connect, and the connection token (shown here only). */
const createdWebSocketSubscription = z
  .object({
    subscriptionId: z.string(),
    jobId: z.string(),
    subscriptionType: z.literal('websocket'),
    status: z.literal('Active'),
    eventsSubscribed: z.array(jobEventName),
    filters: z.object({ minProgressIncrement: z.number().int().optional(), notifyOnErrors: z.boolean() }).loose(),
    connection: z.object({ url: z.string(), token: z.string(), tokenExpiresAt: timestamp, resumeParameter: z.literal('afterSeq') }).loose(),
    createdAt: timestamp,
    expiresAt: timestamp,
    warnings: z.array(z.string()).optional(),
  })
  .loose();

export const createdSubscription = z.discriminatedUnion('subscriptionType', [createdWebhookSubscription, createdWebSocketSubscription]);

/** `GET` and `PATCH …/subscriptions/{subscriptionId}`, and each item of the list. */
export const subscriptionBody = z
  .object({
    subscriptionId: z.string(),
    jobId: z.string(),
    subscriptionType: z.literal('webhook'),
    status: z.enum(['Active', 'Disabled']),
    disabled: receiverNotice.nullable(),
    warning: receiverNotice.nullable(),
    webhookUrl: z.string(),
    eventsSubscribed: z.array(jobEventName),
    filters: z.object({ minProgressIncrement: z.number().int().optional(), notifyOnErrors: z.boolean() }).loose(),
    authentication: z.object({ type: z.string(), secret: z.string().optional() }).loose().nullable(),
    createdAt: timestamp,
    expiresAt: timestamp.nullable(),
    lastDelivery: lastDelivery.nullable(),
    deliveryStats,
    pausedUntil: timestamp.nullable(),
    warnings: z.array(z.string()).optional(),
  })
  .loose();

/** `GET execution/job/{jobId}/subscriptions`: the job's subscriptions that have not expired. */
export const subscriptionList = z.object({ jobId: z.string(), subscriptions: z.array(subscriptionBody) }).loose();
