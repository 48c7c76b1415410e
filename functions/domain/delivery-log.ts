import { randomBytes } from 'node:crypto';
import type { Page } from './ports.ts';
import type { ProjectScope } from './records.ts';

/** What started an attempt: the retry schedule (first sends included), a redelivery asked for, or a replay. */
export type DeliveryTrigger = 'scheduled' | 'manual' | 'replay';
/** `pending` while retries (or a redelivery) are under way. */
export type DeliveryStatus = 'pending' | 'delivered' | 'failed';

/** One POST to the receiver, or one that was refused before any connection. */
export interface DeliveryAttemptRecord {
  at: string;
  /** Null when no answer came: refused by the receiver guard, timed out, or the connection failed. */
  statusCode: number | null;
  /** Null when nothing was sent (refused): the log tells no refused address from a slow one. */
  durationMs: number | null;
  /** The start of the answer (about 1 KB at most), with the receiver's own credentials blanked out. */
  responseExcerpt?: string;
  /** Why there was no status code. */
  error?: 'timeout' | 'no-response';
  trigger: DeliveryTrigger;
  outcome: 'delivered' | 'retry-scheduled' | 'failed';
  /** What this attempt did to the endpoint: a warning recorded, or the endpoint disabled. */
  endpoint?: 'warned' | 'disabled';
}

/** One message (one `webhook-id`) sent to a webhook or subscription, with its attempts. */
export interface DeliveryMessageRecord extends ProjectScope {
  webhookId: string;
  /** The `webhook-id` header: the same on every attempt, redeliveries and replays included. */
  deliveryId: string;
  event: string;
  operationId: string;
  /** The body as sent (the event; never a secret or header), kept to send it again. */
  payload: string;
  payloadBytes: number;
  createdAt: string;
  status: DeliveryStatus;
  attempts: DeliveryAttemptRecord[];
  /** Set when the message was not attempted because its endpoint was disabled. */
  dropped?: string;
}

/** The message as first recorded; the store keeps its first values and appends attempts. */
export type DeliveryMessage = Omit<DeliveryMessageRecord, 'status' | 'attempts' | 'dropped'>;

export interface DeliveryFilter {
  status?: DeliveryStatus;
}

/** The attempt log: one item per message, under its webhook, expiring after `deliveryLogRetentionDays`. */
export interface DeliveryLog {
  /** Creates the message on first use, appends the attempt (when there is one) and sets the status. */
  record(message: DeliveryMessage, status: DeliveryStatus, attempt?: DeliveryAttemptRecord, dropped?: string): Promise<void>;
  get(scope: ProjectScope, webhookId: string, deliveryId: string): Promise<DeliveryMessageRecord | undefined>;
  /** Newest first. */
  page(scope: ProjectScope, webhookId: string, filter: DeliveryFilter, pageSize: number, nextToken?: string): Promise<Page<DeliveryMessageRecord>>;
  /** Messages created at or after `since`, oldest first, at most `limit`. */
  since(scope: ProjectScope, webhookId: string, since: string, limit: number): Promise<DeliveryMessageRecord[]>;
  /** Marks a message pending again: it has been queued to be sent again. */
  markPending(scope: ProjectScope, webhookId: string, deliveryId: string): Promise<void>;
}

/** Messages, and their attempts, are kept this long. */
export const deliveryLogRetentionDays = 30;
/** Attempts kept per message; later ones still set the status but are not listed. */
export const maxLoggedAttempts = 50;

/**
 * A UUID version 7 (RFC 9562): the first 48 bits are the Unix time in milliseconds, so delivery ids sort by creation
 * and the log lists and replays by time with no index of its own.
 */
export function deliveryIdAt(now: Date): string {
  const bytes = randomBytes(16);
  const ms = BigInt(now.getTime());
  for (let i = 0; i < 6; i++) bytes[i] = Number((ms >> BigInt(8 * (5 - i))) & 0xffn);
  bytes[6] = (bytes[6]! & 0x0f) | 0x70;
  bytes[8] = (bytes[8]! & 0x3f) | 0x80;
  const hex = bytes.toString('hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** The smallest version 7 id of an instant: every id made at or after it sorts at or after this one. */
export function lowestDeliveryIdAt(at: Date): string {
  const hex = Math.max(0, at.getTime()).toString(16).padStart(12, '0');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-7000-8000-000000000000`;
}

/** Blanks the receiver's own credentials out of its answer: an echoing receiver would otherwise show them in the log. */
export function redact(excerpt: string | undefined, credentials: readonly string[]): string | undefined {
  if (excerpt === undefined) return undefined;
  return credentials.filter((c) => c.length >= 4).reduce((text, credential) => text.split(credential).join('[redacted]'), excerpt);
}
