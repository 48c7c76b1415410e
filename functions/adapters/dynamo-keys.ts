import type { ProjectScope } from '../domain/records.ts';
import type { Priority } from '../schemas/operation.ts';

/** Key layout of the single table; the index names come from lib/topology.ts. */
export const projectKey = (s: ProjectScope): string => `T#${s.tenantId}#P#${s.projectId}`;
export const operationSk = (operationId: string): string => `OP#${operationId}`;
export const jobSk = (jobId: string): string => `JOB#${jobId}`;
export const datasetSk = (datasetId: string): string => `DS#${datasetId}`;
export const webhookSk = (webhookId: string): string => `WH#${webhookId}`;
export const batchSk = (batchId: string): string => `BATCH#${batchId}`;
/** The project's callback signing secret. */
export const signingSecretSk = 'SIGNING_SECRET';
export const operationCountersSk = 'COUNTERS#OPERATIONS';
/** How many webhooks the project has, for its limit. */
export const webhookCountersSk = 'COUNTERS#WEBHOOKS';
/** A job's unexpired subscriptions (id → expiry), for its limit. */
export const jobSubscriptionsSk = (jobId: string): string => `SUBSCRIPTIONS#JOB#${jobId}`;
/** A webhook's or subscription's attempt log: its own partition, one item per message, sorted by (time-ordered) id. */
export const deliveryLogKey = (s: ProjectScope, webhookId: string): string => `${projectKey(s)}#DELIVERIES#${webhookId}`;
export const deliverySk = (deliveryId: string): string => `DLV#${deliveryId}`;
export const jobFactsKey = (s: ProjectScope, jobId: string): string => `${projectKey(s)}#JOB#${jobId}`;

/** Sorts newest-first by creation time and stays unique. */
export const createdSortKey = (dateCreated: string, operationId: string): string => `${dateCreated}#${operationId}`;

export const indexKeys = {
  byCreated: (s: ProjectScope) => projectKey(s),
  byStatus: (s: ProjectScope, status: string) => `${projectKey(s)}#S#${status}`,
  byType: (s: ProjectScope, type: string) => `${projectKey(s)}#TYPE#${type}`,
  byPriority: (s: ProjectScope, priority: string) => `${projectKey(s)}#PRI#${priority}`,
  /** The project's operations waiting for a slot; the sort key starts with the priority's rank. */
  byAdmission: (s: ProjectScope) => `${projectKey(s)}#WAITING`,
};

/** Highest priority sorts first; within a priority the oldest, then the operation id (unique). */
const admissionRank: Record<Priority, string> = { Critical: '0', High: '1', Normal: '2', Low: '3' };
export const admissionPriorityPrefix = (priority: Priority): string => `${admissionRank[priority]}#`;
export const admissionSortKey = (priority: Priority, dateCreated: string, operationId: string): string =>
  `${admissionPriorityPrefix(priority)}${dateCreated}#${operationId}`;
