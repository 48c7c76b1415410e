import type { ProjectScope } from '../domain/records.ts';

/** Key layout of the single table; the index names come from lib/topology.ts. */
export const projectKey = (s: ProjectScope): string => `T#${s.tenantId}#P#${s.projectId}`;
export const operationSk = (operationId: string): string => `OP#${operationId}`;
export const jobSk = (jobId: string): string => `JOB#${jobId}`;
export const datasetSk = (datasetId: string): string => `DS#${datasetId}`;
export const webhookSk = (webhookId: string): string => `WH#${webhookId}`;
export const batchSk = (batchId: string): string => `BATCH#${batchId}`;
export const operationCountersSk = 'COUNTERS#OPERATIONS';
export const jobFactsKey = (s: ProjectScope, jobId: string): string => `${projectKey(s)}#JOB#${jobId}`;

/** Sorts newest-first by creation time and stays unique. */
export const createdSortKey = (dateCreated: string, operationId: string): string => `${dateCreated}#${operationId}`;

export const indexKeys = {
  byCreated: (s: ProjectScope) => projectKey(s),
  byStatus: (s: ProjectScope, status: string) => `${projectKey(s)}#S#${status}`,
  byType: (s: ProjectScope, type: string) => `${projectKey(s)}#TYPE#${type}`,
  byPriority: (s: ProjectScope, priority: string) => `${projectKey(s)}#PRI#${priority}`,
};

export function encodeToken(key: Record<string, unknown> | undefined): string | undefined {
  return key ? Buffer.from(JSON.stringify(key)).toString('base64url') : undefined;
}

export function decodeToken(token: string | undefined): Record<string, unknown> | undefined {
  if (!token) return undefined;
  try {
    const value: unknown = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
    return value && typeof value === 'object' ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
