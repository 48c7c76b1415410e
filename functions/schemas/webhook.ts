import { z } from 'zod';
import { projectPath, receiverUrl } from './common.ts';
import { priorities } from './operation.ts';
import { operationTypes } from '../domain/operation-types.ts';

export const webhookEvents = [
  'operation.started',
  'operation.progress',
  'operation.phase.started',
  'operation.phase.completed',
  'operation.phase.failed',
  'operation.warning',
  'operation.completed',
  'operation.failed',
  'operation.cancelled',
  'operation.timeout',
] as const;
export type WebhookEvent = (typeof webhookEvents)[number];

/** Headers the service sets itself; a webhook cannot override them. */
const reservedHeaders = /^(content-type|content-length|host|user-agent|authorization|x-webhook-.*)$/i;

/** How the service proves itself to a receiver: an HMAC signature over each delivery, or a bearer token. */
export const receiverAuthentication = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hmac-sha256'), secret: z.string().min(16, 'must be at least 16 characters').max(256) }),
  z.strictObject({ type: z.literal('bearer'), token: z.string().min(16, 'must be at least 16 characters').max(2048) }),
]);

export const registerWebhookBody = z.strictObject({
  webhookUrl: receiverUrl,
  webhookName: z.string().trim().min(1, 'must not be empty').max(200),
  events: z
    .array(z.enum(webhookEvents))
    .min(1)
    .refine((events) => new Set(events).size === events.length, 'must not repeat an event'),
  filters: z
    .strictObject({
      operationTypes: z.array(z.enum(operationTypes)).min(1).optional(),
      priorities: z.array(z.enum(priorities)).min(1).optional(),
      /** Progress events are sent only when progress crosses a multiple of this many percent. */
      minProgressIncrement: z.number().int().min(1).max(100).optional(),
    })
    .optional(),
  authentication: receiverAuthentication.optional(),
  retryPolicy: z
    .strictObject({
      maxRetries: z.number().int().min(0).max(10).default(5),
      retryDelay: z.number().int().min(1).max(3600).default(60),
      backoffMultiplier: z.number().min(1).max(10).default(2),
      maxDelay: z.number().int().min(1).max(43_200).default(3600),
    })
    .prefault({}),
  headers: z
    .record(z.string().regex(/^[A-Za-z0-9-]{1,64}$/, 'must be a header name').refine((name) => !reservedHeaders.test(name), 'is set by the service'), z.string().max(1000))
    .refine((headers) => Object.keys(headers).length <= 20, 'at most 20 headers')
    .optional(),
});
export type RegisterWebhookBody = z.infer<typeof registerWebhookBody>;

export const webhookPath = projectPath.extend({ webhookId: z.string().regex(/^wh-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/, 'must look like wh-<GUID>') });

/** The job-tracking API's event names, and the operation events each one stands for. */
export const jobEvents = {
  stageStarted: ['operation.phase.started'],
  stageCompleted: ['operation.phase.completed'],
  progressUpdate: ['operation.progress'],
  error: ['operation.phase.failed', 'operation.failed', 'operation.timeout'],
  warning: ['operation.warning'],
  jobCompleted: ['operation.completed', 'operation.failed', 'operation.cancelled', 'operation.timeout'],
} as const satisfies Record<string, readonly WebhookEvent[]>;
export type JobEvent = keyof typeof jobEvents;

export const subscribeBody = z.strictObject({
  subscriptionType: z.literal('webhook', { error: "must be 'webhook': events are delivered as webhooks (WebSocket streams are not offered)" }),
  webhookUrl: receiverUrl,
  events: z
    .array(z.enum(Object.keys(jobEvents) as [JobEvent, ...JobEvent[]]))
    .min(1)
    .refine((events) => new Set(events).size === events.length, 'must not repeat an event'),
  filters: z
    .strictObject({
      minProgressIncrement: z.number().int().min(1).max(100).optional(),
      /** The service records no DEBUG-level events to send; accepted for compatibility. */
      includeDebugEvents: z.boolean().optional(),
      /** Errors are sent even when `error` is not among the events. */
      notifyOnErrors: z.boolean().default(false),
    })
    .prefault({}),
  authentication: receiverAuthentication.optional(),
  /** Seconds the subscription lasts; eight hours unless given. */
  expiresIn: z.number().int().min(60).max(7 * 86_400).default(8 * 3600),
});
export type SubscribeBody = z.infer<typeof subscribeBody>;
