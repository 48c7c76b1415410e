import type { JobEventDraft, JobEventLog, LoggedJobEvent } from '../../../functions/domain/job-event-log.ts';
import type { JobScope } from '../../../functions/domain/ports.ts';
import type { JobRef } from '../../../functions/domain/records.ts';
import type { ConnectionSender } from '../../../functions/domain/stream-pump.ts';
import type { StreamConnection, StreamPumpRequest, StreamStore, StreamSubscription } from '../../../functions/domain/stream-subscriptions.ts';

const jobKey = (job: JobScope) => `${job.tenantId}/${job.projectId}/${job.jobId}`;
/** Lets other promises run, as a network round trip would. */
const tick = () => new Promise((resolve) => setImmediate(resolve));

/** The event log as DynamoDB keeps it: numbered per job, closed by a terminal event. */
export class MemoryJobEventLog implements JobEventLog {
  readonly jobs = new Map<string, { events: LoggedJobEvent[]; closed: boolean }>();

  async append(job: JobRef, events: JobEventDraft[]): Promise<LoggedJobEvent[] | null> {
    await tick();
    const log = this.jobs.get(jobKey(job)) ?? { events: [], closed: false };
    this.jobs.set(jobKey(job), log);
    if (log.closed) return null;
    const logged = events.map((event, i) => ({ ...event, sequence: log.events.length + i + 1 }));
    log.events.push(...logged);
    log.closed = logged.some((event) => event.terminal);
    return logged;
  }

  async readAfter(job: JobScope, afterSequence: number, limit = 1000): Promise<LoggedJobEvent[]> {
    await tick();
    return (this.jobs.get(jobKey(job))?.events ?? []).filter((event) => event.sequence > afterSequence).slice(0, limit);
  }
}

export class MemoryStreamStore implements StreamStore {
  readonly subscriptions = new Map<string, StreamSubscription>();
  readonly connections = new Map<string, StreamConnection & { leaseUntil?: number }>();

  async saveSubscription(hash: string, subscription: StreamSubscription): Promise<void> {
    this.subscriptions.set(hash, subscription);
  }
  async subscriptionByToken(hash: string) {
    return this.subscriptions.get(hash);
  }
  async addConnection(connection: StreamConnection): Promise<void> {
    this.connections.set(connection.connectionId, { ...connection });
  }
  async removeConnection(connectionId: string): Promise<boolean> {
    return this.connections.delete(connectionId);
  }
  async connection(job: JobScope, connectionId: string) {
    const found = this.connections.get(connectionId);
    return found && jobKey(found) === jobKey(job) ? { ...found } : undefined;
  }
  async connectionsOf(job: JobScope) {
    return [...this.connections.values()].filter((c) => jobKey(c) === jobKey(job)).map((c) => ({ ...c }));
  }
  async lease(connection: StreamConnection, nowMs: number, leaseUntilMs: number): Promise<boolean> {
    await tick();
    const stored = this.connections.get(connection.connectionId);
    if (!stored || stored.sentSequence !== connection.sentSequence || (stored.leaseUntil ?? 0) >= nowMs) return false;
    stored.leaseUntil = leaseUntilMs;
    return true;
  }
  async release(connection: StreamConnection, sentSequence: number): Promise<void> {
    await tick();
    const stored = this.connections.get(connection.connectionId);
    if (!stored) return;
    stored.sentSequence = sentSequence;
    delete stored.leaseUntil;
  }
}

/** What each connection was sent, as parsed JSON; `gone` connections answer 410. */
export class MemorySender implements ConnectionSender {
  readonly messages = new Map<string, Record<string, unknown>[]>();
  readonly closed = new Set<string>();
  readonly gone = new Set<string>();

  async send(connectionId: string, data: string): Promise<boolean> {
    await tick();
    if (this.gone.has(connectionId) || this.closed.has(connectionId)) return false;
    this.messages.set(connectionId, [...(this.messages.get(connectionId) ?? []), JSON.parse(data) as Record<string, unknown>]);
    return true;
  }
  async close(connectionId: string): Promise<void> {
    this.closed.add(connectionId);
  }
  of(connectionId: string) {
    return this.messages.get(connectionId) ?? [];
  }
}

export class MemoryPumpQueue {
  readonly sent: { request: StreamPumpRequest; delaySeconds?: number }[] = [];
  async send(request: StreamPumpRequest, options: { delaySeconds?: number } = {}): Promise<void> {
    this.sent.push({ request, ...(options.delaySeconds !== undefined ? { delaySeconds: options.delaySeconds } : {}) });
  }
}
