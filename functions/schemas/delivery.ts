import { z } from 'zod';
import { guid } from './common.ts';
import { subscriptionPath, webhookPath } from './webhook.ts';

/** Messages in a webhook's or subscription's attempt log, newest first. */
export const listDeliveriesQuery = z.strictObject({
  status: z.enum(['pending', 'delivered', 'failed'], { error: 'must be pending, delivered or failed' }).optional(),
  pageSize: z.coerce.number({ error: 'must be an integer' }).int('must be an integer').min(1, 'must be 1 or more').max(100, 'must be 100 or less').default(25),
  nextToken: z.string().max(2048).optional(),
});

/** A delivery id is the message's `webhook-id`, a GUID (version 7 for messages made since the attempt log). */
export const webhookDeliveryPath = webhookPath.extend({ deliveryId: guid });
export const subscriptionDeliveriesPath = subscriptionPath;
export const subscriptionDeliveryPath = subscriptionPath.extend({ deliveryId: guid });

/** A redelivery takes no options; an empty object (or no body) is accepted. */
export const redeliverBody = z.strictObject({}).default({});

/** Sends again what was sent since `since`: the failed messages, or all the finished ones with `includeSuccessful`. */
export const replayBody = z.strictObject({
  since: z.iso.datetime({ offset: true, error: 'must be an ISO 8601 date-time, e.g. 2024-01-20T11:15:00Z' }),
  includeSuccessful: z.boolean().default(false),
});
export type ReplayBody = z.infer<typeof replayBody>;
