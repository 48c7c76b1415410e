import type { paths } from './schema.d.ts';

type Json<P extends keyof paths, M extends keyof paths[P], S extends number> = paths[P][M] extends { responses: infer R }
  ? R extends Record<S, { content: { 'application/json': infer B } }>
    ? B
    : never
  : never;

export type Operation = Json<'/api/{tenantId}/{projectId}/async/operation/{operationId}', 'get', 200>;
export type OperationList = Json<'/api/{tenantId}/{projectId}/async/operations', 'get', 200>;
export type Dataset = Json<'/api/{tenantId}/{projectId}/datasets/{datasetId}', 'get', 200>;
export type CreatedDataset = Json<'/api/{tenantId}/{projectId}/datasets', 'post', 201>;
export type StartOperationBody = NonNullable<paths['/api/{tenantId}/{projectId}/async/operation']['post']['requestBody']>['content']['application/json'];
export type RetryBody = NonNullable<paths['/api/{tenantId}/{projectId}/async/operation/{operationId}/retry']['post']['requestBody']>['content']['application/json'];
export type BatchBody = NonNullable<paths['/api/{tenantId}/{projectId}/async/batch']['post']['requestBody']>['content']['application/json'];
export type OperationStatus = Operation['status'];

/**
 * The routes the document types as a generic object (results, batches, job tracking): the fields the helpers and the
 * CLI read, written down once here rather than cast at each use.
 */
export interface Artifact {
  name: string;
  type: string;
  format: string;
  sizeBytes: number;
  downloadUrl: string;
  description?: string;
}

export interface OperationResults {
  operationId: string;
  status: OperationStatus;
  success: boolean;
  totalDuration: string | null;
  summary: { recordsAnalyzed: number | null; processVariants: number | null; anomaliesDetected: number | null; artifactsCreated: number; [key: string]: unknown };
  phaseResults: { phaseName: string; status: string; results: Record<string, unknown> }[];
  artifacts?: Artifact[];
  recommendations: unknown[];
  error?: { error: string; cause: string };
}

export interface Batch {
  batchId: string;
  batchName: string;
  status: 'Initiated' | 'Queued' | 'Running' | 'Completed' | 'PartiallyCompleted' | 'Failed';
  operations: { operationKey: string; operationId: string; jobId: string; status: OperationStatus; dependencies: string[]; operationType?: string }[];
  totalOperations: number;
}

export interface LogEntry {
  timestamp: string;
  level: 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';
  component: string;
  stage: string;
  message: string;
  details?: Record<string, unknown>;
}

export interface JobLogs {
  jobId: string;
  jobStatus: OperationStatus;
  logs: LogEntry[];
}

export interface JobTimeline {
  jobId: string;
  timeline: { timestamp: string; exactTimestamp?: string; eventType: string; description: string; details?: Record<string, unknown> }[];
  upcomingEvents: { estimatedTime: string | null; eventType: string; description: string }[];
}

export const terminalStatuses: readonly OperationStatus[] = ['Completed', 'Failed', 'Cancelled', 'Timeout'];
export const isTerminal = (status: OperationStatus) => terminalStatuses.includes(status);

/** The operation's latest job: `GET async/operation/{id}` names it `execution.executionId`, other answers `jobId`. */
export const jobIdOf = (operation: Operation): string => (typeof operation.jobId === 'string' ? operation.jobId : operation.execution.executionId);
