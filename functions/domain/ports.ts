import type { Readable } from 'node:stream';
import type { OperationType, PhaseId } from './operation-types.ts';
import type {
  BatchRecord,
  DatasetRecord,
  DependentRecord,
  JobRef,
  LogEntry,
  OperationRecord,
  PhaseRecord,
  ProjectScope,
  ResourceSample,
  StatusCounts,
  TimelineEvent,
  WebhookRecord,
} from './records.ts';
import type { OperationStatus, Priority } from '../schemas/operation.ts';
import type { CallbackDelivery } from './callbacks.ts';

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
  /** Writes the operation, its job and the project's counters in one transaction. */
  create(operation: OperationRecord): Promise<void>;
  get(scope: ProjectScope, operationId: string): Promise<OperationRecord | undefined>;
  /** The operation a job executes. */
  getByJob(scope: ProjectScope, jobId: string): Promise<OperationRecord | undefined>;
  /** Newest first; `offset` operations are skipped, at most `limit` returned. */
  list(scope: ProjectScope, filter: OperationFilter, offset: number, limit: number): Promise<{ items: OperationRecord[]; hasMore: boolean }>;
  counts(scope: ProjectScope): Promise<StatusCounts>;
  /**
   * Moves the operation to `to` if its status is one of `from`, updating counters atomically.
   * Returns false when the status was not one of `from` (someone else moved it first).
   */
  transition(scope: ProjectScope, operationId: string, from: readonly OperationStatus[], to: OperationStatus, fields?: Partial<OperationRecord>): Promise<boolean>;
  update(scope: ProjectScope, operationId: string, fields: Partial<OperationRecord>): Promise<void>;
  updatePhase(scope: ProjectScope, operationId: string, phaseId: PhaseId, phase: Partial<PhaseRecord>, fields?: Partial<OperationRecord>): Promise<void>;
  /** Appends to the operation's list of dependents. */
  addDependent(scope: ProjectScope, operationId: string, dependent: DependentRecord): Promise<void>;
  /** Counts one finished callback delivery in the operation's callbackStats. */
  recordCallback(scope: ProjectScope, operationId: string, outcome: { successful: boolean; progress: boolean; at: string }): Promise<void>;
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
}

export interface WorkflowEngine {
  /** `resumeFrom` names the phase a resumed retry starts at (the state machines' Resume Point). */
  start(operationType: OperationType, executionName: string, input: { job: JobRef; resumeFrom?: PhaseId }): Promise<{ executionArn: string }>;
  stop(executionArn: string, error: string, cause: string): Promise<void>;
}

export interface BatchStore {
  create(batch: BatchRecord): Promise<void>;
  get(scope: ProjectScope, batchId: string): Promise<BatchRecord | undefined>;
}

export interface WebhookStore {
  create(webhook: WebhookRecord): Promise<void>;
  get(scope: ProjectScope, webhookId: string): Promise<WebhookRecord | undefined>;
  list(scope: ProjectScope): Promise<WebhookRecord[]>;
  recordDelivery(scope: ProjectScope, webhookId: string, outcome: { successful: boolean; responseMs: number; at: string; event: string; statusCode: number | null }): Promise<void>;
}

export interface CallbackQueue {
  send(delivery: CallbackDelivery): Promise<void>;
}

export interface CancellationQueue {
  send(request: { job: JobRef; executionArn?: string; requestedAt: string }): Promise<void>;
}

export interface Clock {
  now(): Date;
}

export const systemClock: Clock = { now: () => new Date() };
