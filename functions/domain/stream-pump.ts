import type { JobEventLog, LoggedJobEvent } from './job-event-log.ts';
import type { Clock, JobScope } from './ports.ts';
import { streamEventName, streamWants, type StreamConnection, type StreamStore } from './stream-subscriptions.ts';

/** Sends to open WebSocket connections (API Gateway's `@connections` management API, or the local one). */
export interface ConnectionSender {
  /** False when the connection is gone (410 Gone). */
  send(connectionId: string, data: string): Promise<boolean>;
  /** Closes it from the server's side; a connection already gone is not an error. */
  close(connectionId: string): Promise<void>;
}

/** The message a client receives for each event. */
export interface StreamEventMessage {
  type: 'event';
  sequence: number;
  event: string;
  timestamp: string;
  jobId: string;
  data: Record<string, unknown>;
}

/** The last message before the server closes: the job ended, or the subscription expired. */
export interface StreamEndMessage {
  type: 'end';
  reason: 'jobEnded' | 'expired';
  lastSequence: number;
}

/** Events read and sent per round; a longer backlog is sent in several rounds. */
const pageSize = 200;
/** How long a sender may hold a connection; a sender that crashed loses it after this. */
const leaseMs = 30_000;
/** A connection younger than this that answers Gone may not be open yet (its `$connect` is still running). */
const openingGraceMs = 10_000;

/**
 * Sends each connection of a job the events of its log it has not been sent, in sequence order, under its filters.
 * One sender at a time per connection (a lease on its record): it sends, records what it sent, gives the lease
 * back and looks again, so an event appended while another sender held the lease is sent by that sender. A
 * connection hears nothing after the job's terminal event: the server sends `end` and closes it.
 */
export class StreamPump {
  constructor(
    private readonly log: JobEventLog,
    private readonly store: StreamStore,
    private readonly sender: ConnectionSender,
    private readonly clock: Clock,
  ) {}

  async pump(job: JobScope & { connectionId?: string }): Promise<void> {
    const connections = job.connectionId
      ? [await this.store.connection(job, job.connectionId)].filter((c) => c !== undefined)
      : await this.store.connectionsOf(job);
    await Promise.all(connections.map((connection) => this.pumpOne(connection)));
  }

  private async pumpOne(start: StreamConnection): Promise<void> {
    let connection = start;
    for (;;) {
      const nowMs = this.clock.now().getTime();
      const events = await this.log.readAfter(connection, connection.sentSequence, pageSize);
      const expired = connection.expiresAt * 1000 <= nowMs;
      // A client resuming after the terminal event has nothing more to hear: it is ended like the others.
      const endedBefore = !events.length && !expired && (await this.endedAt(connection));
      if (!events.length && !expired && !endedBefore) return;
      if (!(await this.store.lease(connection, nowMs, nowMs + leaseMs))) return;
      const progress = { sent: connection.sentSequence };
      let result: { outcome: 'sent' | 'gone'; sent: number };
      try {
        result = await this.sendAll(connection, events, nowMs, progress);
      } catch (error) {
        // Given back at once, with what was sent, so the queue's retry of this request is not refused by its own lease.
        await this.store.release(connection, progress.sent);
        throw error;
      }
      if (result.outcome === 'gone') {
        // Not yet open (its $connect still running): keep it; the pump queued at connect sends the backlog.
        if (nowMs - Date.parse(connection.connectedAt) < openingGraceMs) await this.store.release(connection, result.sent);
        else await this.store.removeConnection(connection.connectionId);
        return;
      }
      const ended = endedBefore || events.some((event) => event.terminal);
      if (ended || expired) {
        await this.sender.send(
          connection.connectionId,
          JSON.stringify({ type: 'end', reason: ended ? 'jobEnded' : 'expired', lastSequence: result.sent } satisfies StreamEndMessage),
        );
        await this.sender.close(connection.connectionId);
        await this.store.removeConnection(connection.connectionId);
        return;
      }
      await this.store.release(connection, result.sent);
      connection = { ...connection, sentSequence: result.sent };
    }
  }

  /** Whether the last event the connection was sent (or said it had) is the job's terminal event. */
  private async endedAt(connection: StreamConnection): Promise<boolean> {
    if (connection.sentSequence === 0) return false;
    const [last] = await this.log.readAfter(connection, connection.sentSequence - 1, 1);
    return last?.sequence === connection.sentSequence && last.terminal;
  }

  /** Sends in order until the connection is gone; `sent` (also kept in `progress`, for a send that throws) is the last sequence number handled. */
  private async sendAll(
    connection: StreamConnection,
    events: LoggedJobEvent[],
    nowMs: number,
    progress: { sent: number },
  ): Promise<{ outcome: 'sent' | 'gone'; sent: number }> {
    for (const event of events) {
      // Events after the subscription's expiry are not its to hear.
      if (Date.parse(event.timestamp) >= connection.expiresAt * 1000 && connection.expiresAt * 1000 <= nowMs) break;
      if (streamWants(connection, event)) {
        const message: StreamEventMessage = {
          type: 'event',
          sequence: event.sequence,
          event: streamEventName(connection, event.type),
          timestamp: event.timestamp,
          jobId: connection.jobId,
          data: event.data,
        };
        if (!(await this.sender.send(connection.connectionId, JSON.stringify(message)))) return { outcome: 'gone', sent: progress.sent };
      }
      progress.sent = event.sequence;
    }
    return { outcome: 'sent', sent: progress.sent };
  }
}
