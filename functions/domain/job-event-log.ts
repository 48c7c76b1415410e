import type { JobScope } from './ports.ts';
import type { JobRef } from './records.ts';
import type { WebhookEvent } from '../schemas/webhook.ts';

/** One event of a job as its event log holds it: numbered from 1 in the order it was appended. */
export interface LoggedJobEvent {
  sequence: number;
  /** The operation event it is (`operation.phase.started`, ...); receivers see it under their own names. */
  type: WebhookEvent;
  timestamp: string;
  /** Whether it ends the job: nothing is appended after it. */
  terminal: boolean;
  /** Progress (percent) before the event, for `minProgressIncrement` filters. */
  progressBefore?: number;
  /** What receivers are sent about it (the body of a webhook delivery, without its delivery id). */
  data: Record<string, unknown>;
}

export type JobEventDraft = Omit<LoggedJobEvent, 'sequence'>;

/**
 * Every event of a job, appended once, in order. Webhook deliveries, callbacks and WebSocket streams are made from
 * what was appended, so they carry the same sequence numbers; a terminal event closes the log.
 */
export interface JobEventLog {
  /**
   * Appends the events in order, numbering them after the last one; null when a terminal event closed the log
   * before (nothing is appended then). Concurrent appends each get their own numbers.
   */
  append(job: JobRef, events: JobEventDraft[]): Promise<LoggedJobEvent[] | null>;
  /** The events numbered above `afterSequence`, in order, at most `limit`. */
  readAfter(job: JobScope, afterSequence: number, limit?: number): Promise<LoggedJobEvent[]>;
}
