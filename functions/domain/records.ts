import type { ArtifactType } from '../mining/analysis/analysis-report.ts';
import type { JobEvent, RegisterWebhookBody, StoredAuthentication, WebhookEvent } from '../schemas/webhook.ts';
import type { PreviousSecret } from './standard-webhooks.ts';
import type { OperationType, PhaseId } from './operation-types.ts';
import type { OperationStatus, Priority, StartOperationBody } from '../schemas/operation.ts';
import type { ColumnMapping, DatasetFormat } from '../schemas/dataset.ts';

/** Where a resource lives: every record belongs to exactly one tenant's project. */
export interface ProjectScope {
  tenantId: string;
  projectId: string;
}

export type DatasetStatus = 'PendingUpload' | 'Available';

export interface DatasetRecord extends ProjectScope {
  datasetId: string;
  name: string;
  format: DatasetFormat;
  columnMapping?: ColumnMapping;
  status: DatasetStatus;
  objectKey: string;
  sizeBytes?: number;
  uploadedAt?: string;
  createdAt: string;
  createdBy: string;
}

/** `Timeout`: the phase was running when the operation's timeoutAt passed. */
export type PhaseStatus = 'Pending' | 'Running' | 'Completed' | 'Failed' | 'Cancelled' | 'Timeout';

/** Files a phase produced, kept in the data bucket and served through presigned URLs. */
export interface ArtifactRecord {
  name: string;
  type: ArtifactType;
  format: string;
  key: string;
  sizeBytes: number;
  contentType: string;
  description: string;
}

/** What the samples of one phase add up to. */
export interface PhaseResourceSummary {
  samples: number;
  averageCpuPercent: number;
  peakRssBytes: number;
  cpuSeconds: number;
}

export interface PhaseRecord {
  id: PhaseId;
  name: string;
  status: PhaseStatus;
  startTime?: string;
  endTime?: string;
  durationMs?: number;
  recordsProcessed?: number;
  results?: Record<string, unknown>;
  artifacts?: ArtifactRecord[];
  resources?: PhaseResourceSummary;
  /** Measured progress, written while the phase runs and kept when it stops (phase-runner.ts). */
  progress?: PhaseProgress;
}

/** How far a phase got, measured by its work: records or sub-steps done of their total, and what it is doing now. */
export interface PhaseProgress {
  /** Share of the phase done, 0..1; never decreases while the phase runs, and reaches 1 only when it completes. */
  fraction: number;
  done: number;
  total: number;
  /** What `done` and `total` count: records, bytes or steps. */
  unit: string;
  /** What the engine is doing now. */
  operation: string;
  updatedAt: string;
  /** The machine-learning phase's models: the one being trained or applied, and those done. */
  models?: { training: string[]; completed: string[]; total: number };
}

/** A measurement of the process running a phase; fields the runtime cannot observe are null. */
export interface ResourceSample {
  timestamp: string;
  stage: string;
  cpuPercent: number;
  rssBytes: number;
  heapUsedBytes: number;
  memoryLimitBytes: number | null;
  fsReadBytes: number;
  fsWriteBytes: number;
  networkInBytes: number;
  recordsProcessed: number;
  /** CPUs the process may use (absent on samples recorded before it was measured). */
  cores?: number;
  /** Bytes the phase wrote to storage, and its storage requests (reads, writes, heads, copies). */
  networkOutBytes?: number;
  storageRequests?: number;
}

export interface OperationError {
  error: string;
  cause: string;
  phase?: string;
}

export interface CancellationRecord {
  requestedAt: string;
  cancelledBy: string;
  reason?: string;
  preservePartialResults: boolean;
  forceTermination: boolean;
  notifyCallbacks: boolean;
  progressAtCancellation: number;
  phaseAtCancellation: string | null;
  /** The size the phases held and the cost not spent (views/resources-view.ts); absent on cancellations by a batch. */
  resourcesReleased?: { cpuUnits: number; memoryGB: number; costSaved: string | null; costSavedUsd: number | null; costIncurred: string };
}

export interface OperationRecord extends ProjectScope {
  operationId: string;
  /** The job is this operation's (first) execution; job-tracking endpoints address it. */
  jobId: string;
  operationType: OperationType;
  operationName: string;
  operationDescription?: string;
  priority: Priority;
  status: OperationStatus;
  parameters: StartOperationBody['parameters'];
  callbacks?: StartOperationBody['callbacks'];
  notifications?: StartOperationBody['notifications'];
  retryPolicy?: StartOperationBody['retryPolicy'];
  timeoutSeconds: number;
  submittedBy: string;
  dateCreated: string;
  timeoutAt: string;
  executionArn?: string;
  startTime?: string;
  endTime?: string;
  phases: PhaseRecord[];
  totalRecords?: number;
  processedRecords?: number;
  latestSample?: ResourceSample;
  error?: OperationError;
  cancellation?: CancellationRecord;
  retry?: RetryRecord;
  /** Expected run time from this project's completed operations of the same type; absent without enough history. */
  estimate?: DurationEstimate;
  /** The size in bytes of the dataset file it reads, when known at creation: what "similar dataset size" compares (estimates.ts). */
  inputSizeBytes?: number;
  /** Each phase's share of the run time, from completed operations of the type (equal without them); fixed once the first phase starts (progress.ts). */
  phaseWeights?: PhaseWeights;
  /** Memory (MB) of the phase function the phases run on, chosen from `parameters.resourceAllocation` (phase-sizes.ts). */
  phaseMemoryMb?: number;
  /** Expected cost from this project's completed operations of the same type; absent without enough history. */
  costEstimate?: CostEstimate;
  /** Why a Queued operation waits: for free capacity in its project (batch operations may also wait for dependencies). */
  waitingFor?: 'capacity' | 'retry';
  /** The runs of this operation, oldest first, when its retryPolicy made more than one (see automatic-retries.ts); `jobId` is the latest's. */
  attempts?: AttemptRecord[];
  /** Set on operations submitted in a batch. */
  batch?: { batchId: string; operationKey: string };
  /** The retry made of this operation, set once (conditionally, with the retry's creation): a second retry is refused. */
  retriedBy?: string;
  /** Operations that build on this one: its retries and the reports generated from it. */
  dependents?: DependentRecord[];
  /** Delivery counts of the operation's callbacks; present when it has callbacks. */
  callbackStats?: CallbackStats;
  /** Delivery counts of its e-mail and Slack notifications, per channel asked for (notifications.ts). */
  notificationStats?: NotificationStats;
}

export type NotificationChannel = 'email' | 'slack';

/** One count per finished message (an e-mail per recipient, a Slack post), as callbackStats counts callbacks. */
export type NotificationStats = Partial<Record<NotificationChannel, { successful: number; failed: number; lastDeliveryAt?: string }>>;

export interface DependentRecord {
  operationId: string;
  jobId: string;
  relation: 'retry' | 'report';
}

export interface CallbackStats {
  sent: number;
  successful: number;
  failed: number;
  progressSent: number;
  lastProgressCallback?: string;
}

/** One run (job) of an operation; automatic retries add one per attempt. */
export interface AttemptRecord {
  attempt: number;
  jobId: string;
  status: 'Scheduled' | 'Running' | 'Completed' | 'Failed' | 'Cancelled' | 'Timeout';
  /** When a Scheduled attempt is due. */
  scheduledFor?: string;
  startTime?: string;
  endTime?: string;
  error?: OperationError & { retryable: boolean };
  /** The phase the attempt starts at; the phases before it completed in earlier attempts. */
  resumeFrom?: PhaseId;
}

/** How a retry relates to the operation it retries. */
export interface RetryRecord {
  originalOperationId: string;
  retryNumber: number;
  retryMode: 'resume' | 'restart';
  resumeFromPhase: string | null;
  retryReason?: string;
  phasesPreserved: number;
  /** `preserveOriginalResults: false`: the original's stored outputs are deleted once this retry completes. */
  discardOriginalResults?: boolean;
}

export const terminalStatuses: readonly OperationStatus[] = ['Completed', 'Failed', 'Cancelled', 'Timeout'];
/** Statuses that hold one of the project's slots. */
export const activeStatuses: readonly OperationStatus[] = ['Initiated', 'Running'];
export const isTerminal = (status: OperationStatus): boolean => terminalStatuses.includes(status);

export type StatusCounts = Record<OperationStatus, number> & { total: number };

/** The execution input every phase receives: enough to find the operation, nothing more. */
export interface JobRef extends ProjectScope {
  operationId: string;
  jobId: string;
  operationType: OperationType;
}

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface LogEntry {
  timestamp: string;
  level: LogLevel;
  component: string;
  stage: string;
  message: string;
  details?: Record<string, unknown>;
}

export type TimelineEventType = 'JobStarted' | 'StageStarted' | 'StageCompleted' | 'StageFailed' | 'Milestone' | 'Progress' | 'Warning' | 'Error' | 'JobCompleted' | 'JobFailed' | 'JobCancelled';

export interface TimelineEvent {
  timestamp: string;
  eventType: TimelineEventType;
  description: string;
  details?: Record<string, unknown>;
}

export interface WebhookRecord extends ProjectScope {
  /** `wh-<GUID>` for a project webhook, `sub-<GUID>` for a job subscription. */
  webhookId: string;
  /** Set on job subscriptions: only this job's events are delivered. */
  jobId?: string;
  /** The job-tracking event names a subscription asked for (`events` holds what they stand for). */
  jobEvents?: JobEvent[];
  /** Epoch seconds; DynamoDB's TTL deletes the subscription after it. */
  expiresAt?: number;
  webhookUrl: string;
  webhookName: string;
  /** A Disabled receiver hears nothing; what was queued for it is dropped. */
  status: 'Active' | 'Disabled';
  events: WebhookEvent[];
  filters?: RegisterWebhookBody['filters'];
  authentication?: StoredAuthentication;
  /** Secrets replaced by a rotation that still sign until they expire (Standard Webhooks: several signatures). */
  previousSecrets?: PreviousSecret[];
  /** Why and when it was disabled by a delivery (a `410 Gone`); null once enabled again. */
  disabled?: { at: string; reason: string } | null;
  retryPolicy: RegisterWebhookBody['retryPolicy'];
  headers?: Record<string, string>;
  createdAt: string;
  createdBy: string;
  /**
   * `timedDeliveries` counts the deliveries whose response time is in `totalResponseMs`: a delivery the receiver
   * guard refused has none, so the average cannot tell refused addresses from slow ones. Absent on older records.
   */
  stats: { totalDeliveries: number; successfulDeliveries: number; failedDeliveries: number; totalResponseMs: number; timedDeliveries?: number };
  lastDelivery?: { at: string; event: string; successful: boolean; statusCode: number | null; responseExcerpt?: string };
  /** Circuit breaker: failed attempts since the last success. */
  consecutiveFailures?: number;
  /** While in the future, deliveries are postponed to it instead of attempted (ISO 8601). */
  pausedUntil?: string;
  /** The length of the last pause; the next one doubles it. Cleared by a success. */
  pauseSeconds?: number;
  /** Endpoint health: when its failures began and how often the breaker paused it since its last success. Cleared by a success. */
  failingSince?: string;
  pausesSinceSuccess?: number;
  /** `endpoint.warning`: set once it keeps failing (see endpoint-health.ts); cleared by a success. */
  warning?: { at: string; reason: string } | null;
}

export interface BatchOperationRecord {
  operationKey: string;
  operationId: string;
  jobId: string;
  dependencies: string[];
  datasetFrom?: string;
  sourceFrom?: string;
}

export interface BatchRecord extends ProjectScope {
  batchId: string;
  batchName: string;
  batchDescription?: string;
  operations: BatchOperationRecord[];
  failurePolicy: { stopOnFirstFailure: boolean; continueIndependentOperations: boolean; retryFailedOperations: boolean };
  createdAt: string;
  submittedBy: string;
  /** Receivers of the batch's own events (batch-service.ts). */
  batchCallbacks?: { onBatchStart?: string; onOperationComplete?: string; onBatchComplete?: string };
}

export interface PhaseWeights {
  weights: Partial<Record<PhaseId, number>>;
  /** Completed operations the shares were measured on; 0 when they are equal. */
  basedOnOperations: number;
}

export interface DurationEstimate {
  /** Median run time (start to end) of the operations it is based on. */
  durationMs: number;
  /** Their interquartile range, the estimate's spread. */
  lowMs: number;
  highMs: number;
  basedOnOperations: number;
  /** Which completed operations it rests on (estimates.ts, `similarRuns`). */
  similarity?: string;
}

/** An operation's expected consumption and its price, from the medians of similar completed runs (estimates.ts). */
export interface CostEstimate {
  usd: number;
  gbSeconds: number;
  stateTransitions: number;
  lambdaRequests: number;
  basedOnOperations: number;
}

/** A project's secret for signing its operation callbacks; created on first use. */
export interface SigningSecretRecord extends ProjectScope {
  secret: string;
  createdAt: string;
  rotatedAt?: string;
  previousSecrets?: PreviousSecret[];
}
