import { z } from 'zod';
import { registerWebhookBody } from '../../functions/schemas/webhook.ts';
import { queues as queueTopology, type QueueId } from '../topology.ts';

/** SQS limits: the longest a received message stays hidden, the longest a message is delayed, the longest it is kept. */
export const sqsMaxVisibilitySeconds = 43_200;
export const sqsMaxDelaySeconds = 900;
export const sqsMaxRetentionSeconds = 14 * 86_400;
/** What SQS keeps a message for when nothing is set. */
export const sqsDefaultRetentionSeconds = 4 * 86_400;

/** The largest `maxRetries` a webhook's retry policy may ask for, read from the request schema itself (subscriptions and callbacks use fixed, smaller policies). */
function largestMaxRetries(): number {
  const json = z.toJSONSchema(registerWebhookBody, { io: 'input', unrepresentable: 'any' }) as { properties?: { retryPolicy?: { properties?: { maxRetries?: { maximum?: number } } } } };
  const maximum = json.properties?.retryPolicy?.properties?.maxRetries?.maximum;
  if (typeof maximum !== 'number') throw new Error('The webhook retry policy has no maxRetries limit: queue retention cannot be computed');
  return maximum;
}

/**
 * How long one message of the queue may have to live, from the retry-policy limits: a delivery retries on the same
 * message, hidden for each wait up to SQS's visibility limit (a longer wait is a new message), so its horizon is the
 * largest `maxRetries` times that limit; a timer is one delayed message (a longer timer is sent again); every queue
 * adds the receives the redrive policy allows, each up to a visibility timeout.
 */
export function retryHorizonSeconds(queueId: QueueId): number {
  const def = queueTopology[queueId];
  const redelivery = def.maxReceiveCount * def.visibilityTimeoutSeconds;
  switch (queueId) {
    case 'CallbackDelivery':
      return largestMaxRetries() * sqsMaxVisibilitySeconds + redelivery;
    case 'OperationTimer':
      return sqsMaxDelaySeconds + redelivery;
    case 'Cancellation':
      return redelivery;
  }
}

/**
 * The queue's retention: the horizon plus a day to notice and redrive, in whole days, never below SQS's default; a
 * horizon SQS cannot keep fails the synth rather than losing messages.
 */
export function retentionSecondsFor(queueId: QueueId): number {
  const horizon = retryHorizonSeconds(queueId);
  const retention = Math.max(sqsDefaultRetentionSeconds, Math.ceil((horizon + 86_400) / 86_400) * 86_400);
  if (retention > sqsMaxRetentionSeconds) {
    throw new Error(`Queue ${queueId}: its retry horizon (${horizon} s) needs a retention beyond SQS's 14 days; lower the retry-policy limits`);
  }
  return retention;
}
