import { z } from 'zod';
import { prefixedGuid, projectPath, receiverUrl } from './common.ts';
import { jobPath } from './job.ts';
import { priorities } from './operation.ts';
import { operationTypes } from '../domain/operation-types.ts';
import { isPrefixedSecret, maxSecretBytes, minSecretBytes, prefixedSecretBytes } from '../domain/standard-webhooks.ts';

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

/**
 * Headers a receiver may not be sent from a registration: the delivery's own (content, identity, signature,
 * Standard Webhooks `webhook-*`) and those that change how the request is framed or routed.
 */
const reservedHeaders =
  /^(content-.*|host|user-agent|authorization|proxy-.*|cookie|connection|keep-alive|transfer-encoding|te|trailer|upgrade|expect|forwarded|x-forwarded-.*|webhook-.*|x-webhook-.*)$/i;

/** Extra headers sent with every delivery: plain names, printable values, none of the service's own. */
export const receiverHeaders = z
  .record(
    z.string(),
    // Node refuses anything else when sending, and CR/LF would inject headers.
    z.string().max(1000).regex(/^[\x20-\x7e\t]*$/, 'must be printable ASCII: no CR, LF, NUL or other control characters'),
  )
  // Names are checked here rather than by the key schema so each refusal names the header and says why.
  .superRefine((headers, ctx) => {
    for (const name of Object.keys(headers)) {
      if (!/^[A-Za-z0-9][A-Za-z0-9-]{0,63}$/.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'must be a header name: letters, digits and hyphens, at most 64' });
      else if (reservedHeaders.test(name)) ctx.addIssue({ code: 'custom', path: [name], message: 'is set by the service or controls the connection' });
    }
  })
  .refine((headers) => Object.keys(headers).length <= 20, 'at most 20 headers')
  .refine((headers) => new Set(Object.keys(headers).map((name) => name.toLowerCase())).size === Object.keys(headers).length, 'must not repeat a header name');

/** Shorter plain secrets are refused; up to the recommended length they are accepted with a warning. */
const minPlainSecretLength = 8;

/**
 * A client's signing secret: `whsec_` + base64 of 24 to 64 bytes (Standard Webhooks), or a plain one of printable
 * ASCII, used as the HMAC key as it is (accepted with a warning when shorter than recommended).
 */
const signingSecret = z
  .string()
  .max(256)
  .superRefine((secret, ctx) => {
    if (isPrefixedSecret(secret)) {
      const bytes = prefixedSecretBytes(secret)?.length ?? 0;
      if (bytes < minSecretBytes || bytes > maxSecretBytes) ctx.addIssue({ code: 'custom', message: `must be whsec_ followed by the base64 of ${minSecretBytes} to ${maxSecretBytes} bytes` });
    } else if (!/^[\x21-\x7e]*$/.test(secret)) ctx.addIssue({ code: 'custom', message: 'must be printable ASCII without spaces' });
    else if (secret.length < minPlainSecretLength) ctx.addIssue({ code: 'custom', message: `must be at least ${minPlainSecretLength} characters` });
  });


/**
 * How the service proves itself to a receiver: Standard Webhooks signatures (the secret is generated when none is
 * given, and shown once), or a bearer token instead.
 */
export const receiverAuthentication = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('hmac-sha256'), secret: signingSecret.optional() }),
  z.strictObject({ type: z.literal('bearer'), token: z.string().min(16, 'must be at least 16 characters').max(2048) }),
]);

/** Authentication as stored: a signing receiver always has its secret. */
export type StoredAuthentication = { type: 'hmac-sha256'; secret: string } | { type: 'bearer'; token: string };

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
      // Beyond SQS's 12-hour visibility limit a retry is re-enqueued until its time comes.
      maxDelay: z.number().int().min(1).max(86_400).default(3600),
    })
    .prefault({}),
  headers: receiverHeaders.optional(),
});
export type RegisterWebhookBody = z.infer<typeof registerWebhookBody>;

export const webhookPath = projectPath.extend({ webhookId: prefixedGuid('wh') });

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

export const webhookSubscribeBody = z.strictObject({
  subscriptionType: z.literal('webhook'),
  webhookUrl: receiverUrl,
  events: z
    .array(z.enum(Object.keys(jobEvents) as [JobEvent, ...JobEvent[]]))
    .min(1)
    .refine((events) => new Set(events).size === events.length, 'must not repeat an event'),
  filters: z
    .strictObject({
      minProgressIncrement: z.number().int().min(1).max(100).optional(),
      /** DEBUG entries stay in the job's log; the subscription's answer warns that they are not sent as events. */
      includeDebugEvents: z.boolean().optional(),
      /** Errors are sent even when `error` is not among the events. */
      notifyOnErrors: z.boolean().default(false),
    })
    .prefault({}),
  authentication: receiverAuthentication.optional(),
  /** Seconds the subscription lasts; eight hours unless given. */
  expiresIn: z.number().int().min(60).max(7 * 86_400).default(8 * 3600),
});
export type WebhookSubscribeBody = z.infer<typeof webhookSubscribeBody>;

/** A live stream of the job's events over a WebSocket: the answer gives the connection URL and a token. */
export const websocketSubscribeBody = webhookSubscribeBody.omit({ webhookUrl: true, authentication: true }).extend({ subscriptionType: z.literal('websocket') });
export type WebSocketSubscribeBody = z.infer<typeof websocketSubscribeBody>;

export const subscribeBody = z.discriminatedUnion('subscriptionType', [webhookSubscribeBody, websocketSubscribeBody], {
  error: "must be 'webhook' (events POSTed to webhookUrl) or 'websocket' (a live stream)",
});
export type SubscribeBody = z.infer<typeof subscribeBody>;

/** A Disabled webhook or subscription hears nothing until it is made Active again. */
export const receiverStatus = z.enum(['Active', 'Disabled']);

const changesSomething = (body: object) => Object.keys(body).length > 0;

const registration = registerWebhookBody.shape;

/** A PATCH of a webhook: each field given replaces the registered one and is validated as at registration. */
export const updateWebhookBody = z
  .strictObject({
    webhookUrl: registration.webhookUrl.optional(),
    webhookName: registration.webhookName.optional(),
    events: registration.events.optional(),
    filters: registration.filters,
    authentication: registration.authentication,
    // Without the registration's default: a PATCH that does not name the policy keeps it.
    retryPolicy: registration.retryPolicy.unwrap().optional(),
    headers: registration.headers,
    status: receiverStatus.optional(),
  })
  .refine(changesSomething, { error: 'must change at least one field' });
export type UpdateWebhookBody = z.infer<typeof updateWebhookBody>;

export const listWebhooksQuery = z.strictObject({
  pageSize: z.coerce.number({ error: 'must be an integer' }).int('must be an integer').min(1, 'must be 1 or more').max(100, 'must be 100 or less').default(25),
  nextToken: z.string().max(2048).optional(),
});

export const subscriptionPath = jobPath.extend({ subscriptionId: prefixedGuid('sub') });

const subscription = webhookSubscribeBody.shape;

/** A PATCH of a job subscription: each field given replaces the subscribed one and is validated as at subscription. */
export const updateSubscriptionBody = z
  .strictObject({
    webhookUrl: subscription.webhookUrl.optional(),
    events: subscription.events.optional(),
    filters: subscription.filters.unwrap().optional(),
    authentication: subscription.authentication,
    status: receiverStatus.optional(),
  })
  .refine(changesSomething, { error: 'must change at least one field' });
export type UpdateSubscriptionBody = z.infer<typeof updateSubscriptionBody>;
