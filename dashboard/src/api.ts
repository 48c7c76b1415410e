import createClient, { type Client } from 'openapi-fetch';
import { dataOf } from '../../client/errors.ts';
import type { paths } from '../../client/schema.d.ts';
import type {
  Batch,
  CreatedDataset,
  Dataset,
  JobLogs,
  JobTimeline,
  Operation,
  OperationList,
  OperationResults,
  StartOperationBody,
} from '../../client/types.ts';
import { claimsOf } from './auth.ts';

export { ApiError } from '../../client/errors.ts';

/** Fired on the window when the API answers 401. */
export const unauthorizedEvent = 'pmj-unauthorized';

type ListQuery = NonNullable<paths['/api/{tenantId}/{projectId}/async/operations']['get']['parameters']['query']>;
export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** The job progress route's answer (typed as a generic object by the document): what the page reads. */
export interface JobProgress {
  jobId: string;
  status: Operation['status'];
  overallProgress: { percentage: number; elapsedTime?: string | null; estimatedRemaining?: string | null };
  stages: {
    stageId: string;
    stageName: string;
    stageOrder: number;
    status: string;
    progress: number;
    duration?: string | null;
    recordsProcessed?: number | null;
    totalRecords?: number | null;
  }[];
}

export interface MetricsPoint {
  timestamp: string;
  cpu?: number;
  memoryBytes?: number;
  recordsPerSecond?: number;
  recordsProcessed?: number;
  stage?: string;
}

export interface JobMetrics {
  metricsCollectionTime: string | null;
  currentMetrics: {
    resourceUtilization: { cpu: { usage: number | null }; memory: { usedBytes: number | null } };
    processing: { recordsPerSecond: number | null; recordsProcessed: number | null };
  };
  historicalMetrics?: MetricsPoint[];
}

/**
 * The dashboard's view of one project, on the typed client's schema (`client/schema.d.ts`) through openapi-fetch; the
 * Node helpers of `client/index.ts` (file streams) have browser equivalents here.
 */
export class DashboardApi {
  readonly api: Client<paths>;
  readonly tenantId: string;
  projectId: string;

  constructor(
    baseUrl: string,
    readonly token: string,
    projectId?: string,
  ) {
    const claims = claimsOf(token);
    this.tenantId = claims.tenantId ?? '';
    this.projectId = projectId ?? claims.projectIds?.[0] ?? '';
    this.api = createClient<paths>({ baseUrl });
    this.api.use({
      onRequest: ({ request }) => (request.headers.set('Authorization', `Bearer ${token}`), request),
      // An expired or revoked token: the app goes back to sign-in rather than showing 401s on every panel.
      onResponse: ({ response }) => {
        if (response.status === 401) dispatchEvent(new Event(unauthorizedEvent));
        return response;
      },
    });
  }

  get projects(): string[] {
    return claimsOf(this.token).projectIds ?? [];
  }

  private get project() {
    return { tenantId: this.tenantId, projectId: this.projectId };
  }

  async listOperations(query: ListQuery): Promise<OperationList> {
    return dataOf(await this.api.GET('/api/{tenantId}/{projectId}/async/operations', { params: { path: this.project, query } }));
  }

  async getOperation(operationId: string): Promise<Operation> {
    return dataOf(await this.api.GET('/api/{tenantId}/{projectId}/async/operation/{operationId}', { params: { path: { ...this.project, operationId } } }));
  }

  async cancelOperation(operationId: string) {
    return dataOf(await this.api.DELETE('/api/{tenantId}/{projectId}/async/operation/{operationId}', { params: { path: { ...this.project, operationId } } }));
  }

  async results(operationId: string): Promise<OperationResults> {
    return dataOf(
      await this.api.GET('/api/{tenantId}/{projectId}/async/operation/{operationId}/results', { params: { path: { ...this.project, operationId } } }),
    ) as unknown as OperationResults;
  }

  async progress(jobId: string): Promise<JobProgress> {
    return dataOf(
      await this.api.GET('/api/{tenantId}/{projectId}/execution/job/{jobId}/progress', { params: { path: { ...this.project, jobId } } }),
    ) as unknown as JobProgress;
  }

  async timeline(jobId: string): Promise<JobTimeline> {
    return dataOf(
      await this.api.GET('/api/{tenantId}/{projectId}/execution/job/{jobId}/timeline', { params: { path: { ...this.project, jobId } } }),
    ) as unknown as JobTimeline;
  }

  async logs(jobId: string, level?: LogLevel): Promise<JobLogs> {
    return dataOf(
      await this.api.GET('/api/{tenantId}/{projectId}/execution/job/{jobId}/logs', {
        params: { path: { ...this.project, jobId }, query: level ? { level } : {} },
      }),
    ) as unknown as JobLogs;
  }

  async metrics(jobId: string): Promise<JobMetrics> {
    return dataOf(
      await this.api.GET('/api/{tenantId}/{projectId}/execution/job/{jobId}/metrics', {
        params: { path: { ...this.project, jobId }, query: { interval: '1m', includeHistory: 'true' } },
      }),
    ) as unknown as JobMetrics;
  }

  async getBatch(batchId: string): Promise<Batch> {
    return dataOf(
      await this.api.GET('/api/{tenantId}/{projectId}/async/batch/{batchId}', { params: { path: { ...this.project, batchId } } }),
    ) as unknown as Batch;
  }

  async startAnalysis(body: StartOperationBody): Promise<{ operationId: string }> {
    return dataOf(await this.api.POST('/api/{tenantId}/{projectId}/async/operation', { params: { path: this.project }, body }));
  }

  /** Creates the dataset, then PUTs the file to storage through its presigned URL (XHR: fetch reports no upload progress). */
  async uploadDataset(file: File, format: 'csv' | 'csv.gz' | 'xes' | 'xes.gz', onProgress: (sent: number, total: number) => void): Promise<Dataset> {
    const created: CreatedDataset = dataOf(
      await this.api.POST('/api/{tenantId}/{projectId}/datasets', { params: { path: this.project }, body: { name: file.name, format } }),
    );
    await new Promise<void>((resolve, reject) => {
      const xhr = new XMLHttpRequest();
      xhr.open('PUT', created.upload.url);
      for (const [name, value] of Object.entries(created.upload.headers ?? {})) xhr.setRequestHeader(name, String(value));
      xhr.upload.onprogress = (event) => onProgress(event.loaded, event.total || file.size);
      xhr.onload = () => (xhr.status >= 200 && xhr.status < 300 ? resolve() : reject(new Error(`storage refused the upload: ${xhr.status}`)));
      xhr.onerror = () => reject(new Error('the upload did not reach storage'));
      xhr.send(file);
    });
    return dataOf(
      await this.api.GET('/api/{tenantId}/{projectId}/datasets/{datasetId}', { params: { path: { ...this.project, datasetId: created.datasetId } } }),
    );
  }
}

/** An artifact's bytes through its presigned URL (the data bucket allows cross-origin GET). */
export async function fetchArtifact(url: string): Promise<Blob> {
  const response = await fetch(url);
  if (!response.ok) throw new Error(`download failed: ${response.status}`);
  return response.blob();
}
