import { z } from 'zod';
import { projectPath, receiverUrl } from './common.ts';
import { priorities } from './operation.ts';
import { operationTypes } from '../domain/operation-types.ts';

export const webhookEvents = [
  'operation.started',
  'operation.progress',
  'operation.phase.completed',
  'operation.completed',
  'operation.failed',
  'operation.cancelled',
  'operation.timeout',
] as const;
export type WebhookEvent = (typeof webhookEvents)[number];

/** Headers the service sets itself; a webhook cannot override them. */
const reservedHeaders = /^(content-type|content-length|host|user-agent|authorization|x-webhook-.*)$/i;

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
  authentication: z
    .discriminatedUnion('type', [
      z.strictObject({ type: z.literal('hmac-sha256'), secret: z.string().min(16, 'must be at least 16 characters').max(256) }),
      z.strictObject({ type: z.literal('bearer'), token: z.string().min(16, 'must be at least 16 characters').max(2048) }),
    ])
    .optional(),
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
