import { z } from 'zod';
import { timestamp } from './responses.ts';

/** The attempt log of webhooks and job subscriptions, and what sending again answers. Loose, as in responses.ts. */

const deliveryStatus = z.enum(['pending', 'delivered', 'failed']);

const attempt = z
  .object({
    at: timestamp,
    /** Null when no answer came: refused by the receiver guard, timed out, or the connection failed. */
    statusCode: z.number().int().nullable(),
    durationMs: z.number().nullable(),
    responseExcerpt: z.string().optional(),
    error: z.enum(['timeout', 'no-response']).optional(),
    trigger: z.enum(['scheduled', 'manual', 'replay']),
    outcome: z.enum(['delivered', 'retry-scheduled', 'failed']),
    endpoint: z.enum(['warned', 'disabled']).optional(),
  })
  .loose();

/** A webhook's deliveries name it; a subscription's name the job and the subscription. */
const receiverIds = {
  webhookId: z.string().optional(),
  jobId: z.string().optional(),
  subscriptionId: z.string().optional(),
};

const deliverySummary = {
  deliveryId: z.string(),
  event: z.string(),
  status: deliveryStatus,
  payloadBytes: z.number().int(),
  createdAt: timestamp,
  attemptCount: z.number().int(),
  lastAttempt: attempt.nullable(),
  /** Why the message was not attempted: its endpoint was disabled. */
  dropped: z.string().optional(),
};

/** `GET …/deliveries`: messages newest first, each with its last attempt. */
export const deliveryList = z
  .object({ ...receiverIds, deliveries: z.array(z.object(deliverySummary).loose()), nextToken: z.string().nullable() })
  .loose();

/** `GET …/deliveries/{deliveryId}`: one message, its attempts and the body sent (never headers or secrets). */
export const deliveryBody = z
  .object({ ...receiverIds, ...deliverySummary, operationId: z.string(), attempts: z.array(attempt), payload: z.unknown() })
  .loose();

/** 202 of `POST …/deliveries/{deliveryId}/redeliver`. */
export const redelivery = z.object({ trigger: z.literal('manual'), queued: z.literal(1), deliveryIds: z.array(z.string()) }).loose();

/** 202 of `POST async/webhooks/{webhookId}/replay`; `continueFrom` is set when more messages may follow (replay again from it). */
export const replay = z
  .object({
    trigger: z.literal('replay'),
    since: timestamp,
    includeSuccessful: z.boolean(),
    queued: z.number().int(),
    deliveryIds: z.array(z.string()),
    continueFrom: timestamp.nullable(),
  })
  .loose();
