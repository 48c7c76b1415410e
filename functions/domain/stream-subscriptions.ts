import { createHash, randomBytes, randomUUID } from 'node:crypto';
import { NotFoundError } from './errors.ts';
import { jobEventName } from './job-event-names.ts';
import type { LoggedJobEvent } from './job-event-log.ts';
import type { Clock, JobScope, OperationStore } from './ports.ts';
import { jobEvents, type JobEvent, type WebhookEvent, type WebSocketSubscribeBody } from '../schemas/webhook.ts';

/** What a connection token stands for: one job's events, under its filters, until it expires. */
export interface StreamSubscription extends JobScope {
  subscriptionId: string;
  events: JobEvent[];
  notifyOnErrors: boolean;
  minProgressIncrement?: number;
  createdAt: string;
  createdBy: string;
  /** Epoch seconds: the token connects no more, and open connections are closed, after it. */
  expiresAt: number;
}

/** One open WebSocket connection and how far its job's event log has been sent to it. */
export interface StreamConnection extends StreamSubscription {
  connectionId: string;
  connectedAt: string;
  /** The highest sequence number sent (or, at connect, the `afterSeq` the client gave). */
  sentSequence: number;
}

export interface StreamStore {
  /** Stored under the token's hash, expiring with the subscription; the token itself is never stored. */
  saveSubscription(tokenHash: string, subscription: StreamSubscription): Promise<void>;
  subscriptionByToken(tokenHash: string): Promise<StreamSubscription | undefined>;
  addConnection(connection: StreamConnection): Promise<void>;
  /** Forgets a connection (closed by either side); false when it was gone already. */
  removeConnection(connectionId: string): Promise<boolean>;
  connection(job: JobScope, connectionId: string): Promise<StreamConnection | undefined>;
  connectionsOf(job: JobScope): Promise<StreamConnection[]>;
  /**
   * Takes the right to send to the connection until `leaseUntilMs`, on condition that nothing was sent beyond
   * `sentSequence` and no other sender holds an unexpired lease; false otherwise.
   */
  lease(connection: StreamConnection, nowMs: number, leaseUntilMs: number): Promise<boolean>;
  /** Gives the lease back, recording what was sent. */
  release(connection: StreamConnection, sentSequence: number): Promise<void>;
}

/** Asks for a connection's (or every connection of a job's) unsent events to be sent: a queue message. */
export interface StreamPumpRequest {
  stream: JobScope & { connectionId?: string };
}

export interface StreamPumpQueue {
  send(request: StreamPumpRequest, options?: { delaySeconds?: number }): Promise<void>;
}

export const isStreamPumpRequest = (message: unknown): message is StreamPumpRequest =>
  typeof message === 'object' && message !== null && 'stream' in message && typeof (message as StreamPumpRequest).stream?.jobId === 'string';

/** Tokens are `wst_` + 32 random bytes (base64url); only their SHA-256 is stored. */
export const newConnectionToken = (): string => `wst_${randomBytes(32).toString('base64url')}`;
export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

/** The operation events a subscription's job-tracking names (and `notifyOnErrors`) stand for. */
export function streamedTypes(subscription: Pick<StreamSubscription, 'events' | 'notifyOnErrors'>): Set<WebhookEvent> {
  const types = new Set<WebhookEvent>(subscription.events.flatMap((name) => jobEvents[name]));
  if (subscription.notifyOnErrors) jobEvents.error.forEach((type) => types.add(type));
  return types;
}

/** The name the client sees (job-event-names.ts: the job's end is `jobCompleted` when subscribed). */
export const streamEventName = (subscription: Pick<StreamSubscription, 'events'>, type: WebhookEvent): JobEvent => jobEventName(subscription.events, type);

/** Whether a connection is sent the event: its names, and progress only when it crosses a multiple of `minProgressIncrement`. */
export function streamWants(subscription: StreamSubscription, event: LoggedJobEvent): boolean {
  if (!streamedTypes(subscription).has(event.type)) return false;
  const step = subscription.minProgressIncrement;
  if (event.type === 'operation.progress' && step && event.progressBefore !== undefined) {
    const after = Number((event.data.progress as { percentage?: number } | undefined)?.percentage ?? 0);
    return Math.floor(after / step) !== Math.floor(event.progressBefore / step);
  }
  return true;
}

/** The query parameters a connection URL carries, checked at `$connect`. */
export interface ConnectRequest {
  connectionId: string;
  token?: string;
  jobId?: string;
  afterSeq?: string;
}

export class ConnectRefusedError extends Error {
  override readonly name = 'ConnectRefused';
  constructor(
    readonly statusCode: 400 | 401,
    message: string,
  ) {
    super(message);
  }
}

export interface StreamEndpoints {
  /** Where clients connect: `wss://…` in AWS, `ws://127.0.0.1:<port>` locally. */
  connectUrl(): string;
}

export class StreamService {
  constructor(
    private readonly store: StreamStore,
    private readonly operations: Pick<OperationStore, 'getByJob'>,
    private readonly clock: Clock,
    private readonly endpoints: StreamEndpoints,
    /** Asks for the backlog to be sent once the connection is open (API Gateway refuses sends during `$connect`). */
    private readonly pumps: StreamPumpQueue,
  ) {}

  /** A WebSocket subscription: a connection URL and a token bound to the tenant, project, job, subscription and filters. */
  async subscribe(job: JobScope, body: WebSocketSubscribeBody, userId: string) {
    if (!(await this.operations.getByJob(job, job.jobId))) throw new NotFoundError(`Job ${job.jobId} does not exist in this project`);
    const now = this.clock.now();
    const token = newConnectionToken();
    const subscription: StreamSubscription = {
      tenantId: job.tenantId,
      projectId: job.projectId,
      jobId: job.jobId,
      subscriptionId: `sub-${randomUUID()}`,
      events: body.events,
      notifyOnErrors: body.filters.notifyOnErrors,
      ...(body.filters.minProgressIncrement ? { minProgressIncrement: body.filters.minProgressIncrement } : {}),
      createdAt: now.toISOString(),
      createdBy: userId,
      expiresAt: Math.ceil(now.getTime() / 1000) + body.expiresIn,
    };
    await this.store.saveSubscription(tokenHash(token), subscription);
    const expiresAt = new Date(subscription.expiresAt * 1000).toISOString();
    const url = new URL(this.endpoints.connectUrl());
    url.searchParams.set('jobId', job.jobId);
    return {
      subscriptionId: subscription.subscriptionId,
      jobId: job.jobId,
      subscriptionType: 'websocket' as const,
      status: 'Active' as const,
      eventsSubscribed: body.events,
      filters: {
        ...(subscription.minProgressIncrement ? { minProgressIncrement: subscription.minProgressIncrement } : {}),
        notifyOnErrors: subscription.notifyOnErrors,
      },
      connection: { url: url.toString(), token, tokenExpiresAt: expiresAt, resumeParameter: 'afterSeq' },
      createdAt: subscription.createdAt,
      expiresAt,
      ...(body.filters.includeDebugEvents
        ? { warnings: ['body.filters.includeDebugEvents: DEBUG-level entries are not sent as events; read them with GET .../logs?level=DEBUG'] }
        : {}),
    };
  }

  /** `$connect`: refuses a missing, unknown, expired or foreign token (401) and a malformed `afterSeq` (400). */
  async connect(request: ConnectRequest): Promise<StreamConnection> {
    if (!request.token) throw new ConnectRefusedError(401, 'token is required');
    const subscription = await this.store.subscriptionByToken(tokenHash(request.token));
    const nowMs = this.clock.now().getTime();
    if (!subscription || subscription.expiresAt * 1000 <= nowMs) throw new ConnectRefusedError(401, 'unknown or expired token');
    // A URL naming another job than the token's is someone else's URL: refused like an unknown token.
    if (request.jobId !== undefined && request.jobId.toLowerCase() !== subscription.jobId) throw new ConnectRefusedError(401, 'the token is not for this job');
    const afterSeq = request.afterSeq === undefined || request.afterSeq === '' ? 0 : Number(request.afterSeq);
    if (!Number.isSafeInteger(afterSeq) || afterSeq < 0) throw new ConnectRefusedError(400, 'afterSeq must be a non-negative integer');
    const connection: StreamConnection = {
      ...subscription,
      connectionId: request.connectionId,
      connectedAt: new Date(nowMs).toISOString(),
      sentSequence: afterSeq,
    };
    await this.store.addConnection(connection);
    const stream = { tenantId: subscription.tenantId, projectId: subscription.projectId, jobId: subscription.jobId, connectionId: request.connectionId };
    // The backlog (everything after afterSeq) once the connection is open; and a last look when the subscription expires.
    await this.pumps.send({ stream }, { delaySeconds: 1 });
    const untilExpiry = subscription.expiresAt - Math.floor(nowMs / 1000);
    if (untilExpiry <= 900) await this.pumps.send({ stream }, { delaySeconds: untilExpiry + 1 });
    return connection;
  }

  async disconnect(connectionId: string): Promise<void> {
    await this.store.removeConnection(connectionId);
  }
}
