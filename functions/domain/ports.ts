import type { Readable } from 'node:stream';
import type { OperationType, PhaseId } from './operation-types.ts';
import type {
  BatchRecord,
  DatasetRecord,
  DependentRecord,
  JobRef,
  LogEntry,
  NotificationChannel,
  OperationRecord,
  PhaseRecord,
  ProjectScope,
  ResourceSample,
  SigningSecretRecord,
  StatusCounts,
  TimelineEvent,
  WebhookRecord,
} from './records.ts';
import type { OperationStatus, Priority } from '../schemas/operation.ts';
import type { CallbackDelivery } from './callbacks.ts';
import type { CircuitStore } from './circuit-breaker.ts';

export interface Page<T> {
  items: T[];
  nextToken?: string;
}

export interface DatasetStore {
  create(dataset: DatasetRecord): Promise<void>;
  get(scope: ProjectScope, datasetId: string): Promise<DatasetRecord | undefined>;
  list(scope: ProjectScope, pageSize: number, nextToken?: string): Promise<Page<DatasetRecord>>;
  markUploaded(scope: ProjectScope, datasetId: string, sizeBytes: number, uploadedAt: string): Promise<DatasetRecord>;
}

export interface OperationFilter {
  status?: OperationStatus;
  operationType?: OperationType;
  priority?: Priority;
  /** Inclusive ISO 8601 bounds on dateCreated. */
  dateFrom?: string;
  dateTo?: string;
}

export interface OperationStore {
  /**
   * Writes the operation, its job and the project's counters in one transaction. For a retry
   * (`operation.retry`) the same transaction marks the original `retriedBy` it, on condition that
   * it has no retry yet (AlreadyRetriedError otherwise), and adds it to the original's dependents.
   */
  create(operation: OperationRecord): Promise<void>;
  get(scope: ProjectScope, operationId: string): Promise<OperationRecord | undefined>;
  /** The operation a job executes. */
  getByJob(scope: ProjectScope, jobId: string): Promise<OperationRecord | undefined>;
  /** Newest first; `offset` operations are skipped, at most `limit` returned. */
  list(scope: ProjectScope, filter: OperationFilter, offset: number, limit: number): Promise<{ items: OperationRecord[]; hasMore: boolean }>;
  counts(scope: ProjectScope): Promise<StatusCounts>;
  /** Whether the project has fewer active operations than it may (a strongly consistent read). */
  hasFreeSlot(scope: ProjectScope): Promise<boolean>;
  /** The project's operations of one priority Queued for a free slot, oldest first, read page by page as consumed. */
  waitingForCapacity(scope: ProjectScope, priority: Priority): AsyncIterable<OperationRecord>;
  /**
   * Moves the operation to `to` if its status is one of `from`, updating counters atomically.
   * Returns false when the status was not one of `from` (someone else moved it first).
   */
  transition(scope: ProjectScope, operationId: string, from: readonly OperationStatus[], to: OperationStatus, fields?: Partial<OperationRecord>): Promise<boolean>;
  update(scope: ProjectScope, operationId: string, fields: Partial<OperationRecord>): Promise<void>;
  /**
   * A writer that names its job in `scope` (a phase run passes its JobRef) is fenced: the write applies only while
   * that job is the operation's current attempt and the operation was not force-stopped (`cancellation.forceTermination`);
   * otherwise it throws FencedWriteError and nothing is written.
   */
  updatePhase(scope: ProjectScope & { jobId?: string }, operationId: string, phaseId: PhaseId, phase: Partial<PhaseRecord>, fields?: Partial<OperationRecord>): Promise<void>;
  /** Makes a later attempt's job addressable like the first (job-tracking endpoints, `getByJob`). */
  addAttemptJob(scope: ProjectScope, operationId: string, attempt: { jobId: string; attempt: number; createdAt: string }): Promise<void>;
  /** Appends to the operation's list of dependents. */
  addDependent(scope: ProjectScope, operationId: string, dependent: DependentRecord): Promise<void>;
  /** Counts one finished callback delivery in the operation's callbackStats. */
  recordCallback(scope: ProjectScope, operationId: string, outcome: { successful: boolean; progress: boolean; at: string }): Promise<void>;
  /** Counts one finished e-mail or Slack message in the operation's notificationStats. */
  recordNotification(scope: ProjectScope, operationId: string, channel: NotificationChannel, outcome: { successful: boolean; at: string }): Promise<void>;
}

export type JobScope = ProjectScope & { jobId: string };

export interface JobFacts {
  logs: LogEntry;
  events: TimelineEvent;
  samples: ResourceSample;
}

/** Append-only facts about a job: logs, timeline events and resource samples. */
export interface JobJournal {
  append(job: JobRef, facts: { logs?: LogEntry[]; events?: TimelineEvent[]; samples?: ResourceSample[] }): Promise<void>;
  /** Facts of one kind in time order, optionally between two ISO 8601 instants (inclusive). */
  read<K extends keyof JobFacts>(job: JobScope, kind: K, range?: { from?: string; to?: string }): Promise<JobFacts[K][]>;
}

export interface PresignedUpload {
  url: string;
  method: 'PUT';
  headers: Record<string, string>;
  expiresAt: string;
}

export interface ObjectStore {
  presignPut(key: string, contentType: string, expiresInSeconds: number): Promise<PresignedUpload>;
  /** A time-limited GET URL; `downloadName` becomes the file name browsers save it under. */
  presignGet(key: string, expiresInSeconds: number, downloadName?: string): Promise<string>;
  head(key: string): Promise<{ sizeBytes: number; lastModified?: string } | undefined>;
  read(key: string): Promise<Readable>;
  readBytes(key: string): Promise<Buffer>;
  write(key: string, body: Buffer | string, contentType: string): Promise<void>;
  /** Copies every object under one prefix to the same relative keys under another; returns how many. */
  copyPrefix(fromPrefix: string, toPrefix: string): Promise<number>;
  /** The keys of the objects under a prefix, in key order, at most `limit`. */
  listPrefix(prefix: string, limit: number): Promise<string[]>;
  /** Deletes every object under a prefix; returns how many. */
  deletePrefix(prefix: string): Promise<number>;
}

export interface WorkflowEngine {
  /** `resumeFrom` names the phase a resumed retry starts at (the state machines' Resume Point). */
  start(operationType: OperationType, executionName: string, input: { job: JobRef; resumeFrom?: PhaseId; phaseMemoryMb?: number }): Promise<{ executionArn: string }>;
  stop(executionArn: string, error: string, cause: string): Promise<void>;
}

export interface BatchStore {
  create(batch: BatchRecord): Promise<void>;
  get(scope: ProjectScope, batchId: string): Promise<BatchRecord | undefined>;
  /**
   * Marks `event` (a batch callback, e.g. `operation:<key>` or `complete`) as sent, in one conditional write:
   * true for the one caller that marked it, false when it was marked already, so each is sent once.
   */
  claimEvent(scope: ProjectScope, batchId: string, event: string): Promise<boolean>;
}

/** What an update of a webhook or subscription may replace. */
export type WebhookChanges = Partial<Pick<WebhookRecord, 'webhookUrl' | 'webhookName' | 'status' | 'events' | 'jobEvents' | 'filters' | 'authentication' | 'retryPolicy' | 'headers' | 'previousSecrets' | 'disabled' | 'warning'>>;

export interface WebhookStore extends CircuitStore {
  /**
   * Fails with LimitExceededError when the project already has `limit` webhooks or, for a subscription, its job
   * `limit` unexpired subscriptions; the check and the write are one conditional write, so concurrent
   * registrations cannot exceed it.
   */
  create(webhook: WebhookRecord, limit: number): Promise<void>;
  get(scope: ProjectScope, webhookId: string): Promise<WebhookRecord | undefined>;
  /** Every webhook and subscription of the project, for fan-out. */
  list(scope: ProjectScope): Promise<WebhookRecord[]>;
  /** The project's webhooks (not subscriptions), a page at a time. */
  page(scope: ProjectScope, pageSize: number, nextToken?: string): Promise<Page<WebhookRecord>>;
  /** The job's subscriptions that have not expired at `nowSeconds`. */
  listForJob(scope: ProjectScope, jobId: string, nowSeconds: number): Promise<WebhookRecord[]>;
  /** Replaces the given fields; undefined when there is no such webhook. */
  update(scope: ProjectScope, webhookId: string, changes: WebhookChanges): Promise<WebhookRecord | undefined>;
  /** Deletes it and frees its place under the limit; false when it was already gone. */
  delete(scope: ProjectScope, webhook: WebhookRecord): Promise<boolean>;
  /** Counts a finished delivery; `responseMs` is null when nothing was sent (the receiver guard refused it). */
  recordDelivery(
    scope: ProjectScope,
    webhookId: string,
    outcome: { successful: boolean; responseMs: number | null; at: string; event: string; statusCode: number | null; responseExcerpt?: string },
  ): Promise<void>;
}

/** The project's callback signing secret; one item per project. */
export interface SigningSecretStore {
  get(scope: ProjectScope): Promise<SigningSecretRecord | undefined>;
  /** Writes it unless one exists; the one that is stored afterwards (a concurrent first use may have won). */
  createIfAbsent(record: SigningSecretRecord): Promise<SigningSecretRecord>;
  /** Replaces the secret; `expectedSecret` guards against a concurrent rotation (false when it lost). */
  replace(record: SigningSecretRecord, expectedSecret: string | undefined): Promise<boolean>;
}

export interface CallbackQueue {
  /** `delaySeconds` (at most 900) keeps the message hidden that long after it is sent. */
  send(delivery: CallbackDelivery, options?: { delaySeconds?: number }): Promise<void>;
}

export interface CancellationQueue {
  send(request: { job: JobRef; executionArn?: string; requestedAt: string }): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
