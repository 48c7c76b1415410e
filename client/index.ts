import { mkdir } from 'node:fs/promises';
import { basename, join } from 'node:path';
import createClient, { type Client } from 'openapi-fetch';
import { dataOf } from './errors.ts';
import type { paths } from './schema.d.ts';
import { getToFile, putFile, type ByteProgress } from './transfer.ts';
import { isTerminal, type Artifact, type Batch, type BatchBody, type CreatedDataset, type Dataset, type JobLogs, type JobTimeline, type Operation, type OperationList, type OperationResults, type RetryBody, type StartOperationBody } from './types.ts';

export { ApiError } from './errors.ts';
export * from './types.ts';
export type { paths } from './schema.d.ts';

export interface ClientOptions {
  baseUrl: string;
  token: string;
  /** Defaults to the token's `tenantId` claim. */
  tenantId?: string;
  /** Defaults to the token's first `projectIds` entry. */
  projectId?: string;
  fetch?: typeof fetch;
}

export interface WaitOptions {
  onProgress?: (operation: Operation) => void;
  signal?: AbortSignal;
  /** First wait between polls; doubles (×1.5) while nothing changes, back to this when something does. */
  initialIntervalMs?: number;
  maxIntervalMs?: number;
}

const datasetFormats = ['csv.gz', 'xes.gz', 'csv', 'xes'] as const;
export type DatasetFormat = (typeof datasetFormats)[number];

/** The dataset format a file name implies, or undefined. */
export const formatOfFile = (file: string): DatasetFormat | undefined => datasetFormats.find((f) => file.toLowerCase().endsWith(`.${f}`));

/** The claims the client needs from a bearer token, read without verifying it (the API verifies). */
export function tokenScope(token: string): { tenantId?: string; projectIds?: string[] } {
  try {
    return JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8'));
  } catch {
    return {};
  }
}

/** A typed client of one project: `api` is the raw openapi-fetch client, the methods are what users write around it. */
export class PmjClient {
  readonly api: Client<paths>;
  readonly tenantId: string;
  readonly projectId: string;

  constructor(options: ClientOptions) {
    const claims = tokenScope(options.token);
    const tenantId = options.tenantId ?? claims.tenantId;
    const projectId = options.projectId ?? claims.projectIds?.[0];
    if (!tenantId || !projectId) throw new Error('the token names no tenant and project; pass tenantId and projectId');
    this.tenantId = tenantId;
    this.projectId = projectId;
    this.api = createClient<paths>({ baseUrl: options.baseUrl.replace(/\/+$/, ''), ...(options.fetch ? { fetch: options.fetch } : {}) });
    this.api.use({ onRequest: ({ request }) => (request.headers.set('Authorization', `Bearer ${options.token}`), request) });
  }

  private get project() {
    return { tenantId: this.tenantId, projectId: this.projectId };
  }

  /** Creates a dataset and PUTs the file straight to storage through its presigned URL. */
  async uploadDataset(file: string, options: { name?: string; format?: DatasetFormat; onProgress?: ByteProgress } = {}): Promise<Dataset> {
    const format = options.format ?? formatOfFile(file);
    if (!format) throw new Error(`cannot tell the format of ${basename(file)}: name it .csv, .csv.gz, .xes or .xes.gz, or pass a format`);
    const created: CreatedDataset = dataOf(await this.api.POST('/api/{tenantId}/{projectId}/datasets', { params: { path: this.project }, body: { name: options.name ?? basename(file), format } }));
    await putFile(created.upload.url, created.upload.headers, file, options.onProgress);
    return this.getDataset(created.datasetId);
  }

  async getDataset(datasetId: string): Promise<Dataset> {
    return dataOf(await this.api.GET('/api/{tenantId}/{projectId}/datasets/{datasetId}', { params: { path: { ...this.project, datasetId } } }));
  }

  async startOperation(body: StartOperationBody): Promise<Operation> {
    const started = dataOf(await this.api.POST('/api/{tenantId}/{projectId}/async/operation', { params: { path: this.project }, body }));
    return this.getOperation(started.operationId);
  }

  async getOperation(operationId: string): Promise<Operation> {
    return dataOf(await this.api.GET('/api/{tenantId}/{projectId}/async/operation/{operationId}', { params: { path: { ...this.project, operationId } } }));
  }

  async listOperations(query: NonNullable<paths['/api/{tenantId}/{projectId}/async/operations']['get']['parameters']['query']> = {}): Promise<OperationList> {
    return dataOf(await this.api.GET('/api/{tenantId}/{projectId}/async/operations', { params: { path: this.project, query } }));
  }

  async cancelOperation(operationId: string, reason?: string) {
    return dataOf(
      await this.api.DELETE('/api/{tenantId}/{projectId}/async/operation/{operationId}', {
        params: { path: { ...this.project, operationId } },
        ...(reason ? { body: { reason } } : {}),
      }),
    );
  }

  async retryOperation(operationId: string, body: RetryBody = { retryMode: 'resume' }) {
    return dataOf(await this.api.POST('/api/{tenantId}/{projectId}/async/operation/{operationId}/retry', { params: { path: { ...this.project, operationId } }, body }));
  }

  async results(operationId: string): Promise<OperationResults> {
    return dataOf(await this.api.GET('/api/{tenantId}/{projectId}/async/operation/{operationId}/results', { params: { path: { ...this.project, operationId } } })) as unknown as OperationResults;
  }

  async submitBatch(body: BatchBody): Promise<Batch> {
    return dataOf(await this.api.POST('/api/{tenantId}/{projectId}/async/batch', { params: { path: this.project }, body })) as unknown as Batch;
  }

  async getBatch(batchId: string): Promise<Batch> {
    return dataOf(await this.api.GET('/api/{tenantId}/{projectId}/async/batch/{batchId}', { params: { path: { ...this.project, batchId } } })) as unknown as Batch;
  }

  async jobLogs(jobId: string, query: { level?: LogLevel; fromTime?: string } = {}): Promise<JobLogs> {
    return dataOf(await this.api.GET('/api/{tenantId}/{projectId}/execution/job/{jobId}/logs', { params: { path: { ...this.project, jobId }, query } })) as unknown as JobLogs;
  }

  async jobTimeline(jobId: string, query: { granularity?: 'seconds' | 'minutes' | 'major_events' } = {}): Promise<JobTimeline> {
    return dataOf(await this.api.GET('/api/{tenantId}/{projectId}/execution/job/{jobId}/timeline', { params: { path: { ...this.project, jobId }, query } })) as unknown as JobTimeline;
  }

  /**
   * Polls an operation until it has ended, with backoff while nothing changes, and returns its last state (Completed,
   * Failed, Cancelled or Timeout: the caller decides what an unsuccessful end means). Aborting `signal` rejects.
   */
  async waitForOperation(operationId: string, options: WaitOptions = {}): Promise<Operation> {
    const initial = options.initialIntervalMs ?? 500;
    const max = options.maxIntervalMs ?? 5_000;
    let interval = initial;
    let last = '';
    for (;;) {
      options.signal?.throwIfAborted();
      const operation = await this.getOperation(operationId);
      options.onProgress?.(operation);
      if (isTerminal(operation.status)) return operation;
      const seen = JSON.stringify([operation.status, operation.progress, operation.phases]);
      interval = seen === last ? Math.min(max, Math.round(interval * 1.5)) : initial;
      last = seen;
      await sleep(interval, options.signal);
    }
  }

  /** Downloads every artifact of an ended operation into `dir` (created if missing), named as storage names them. */
  async downloadArtifacts(operationId: string, dir: string, onFile?: (artifact: Artifact, path: string) => void): Promise<{ artifact: Artifact; path: string; bytes: number }[]> {
    const { artifacts = [] } = await this.results(operationId);
    await mkdir(dir, { recursive: true });
    const saved = [];
    for (const artifact of artifacts) {
      const path = join(dir, fileNameOf(artifact));
      const bytes = await getToFile(artifact.downloadUrl, path);
      onFile?.(artifact, path);
      saved.push({ artifact, path, bytes });
    }
    return saved;
  }
}

type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

/** The object's own name from the presigned URL's path; never a path of its own (no separators, no dot-dot). */
function fileNameOf(artifact: Artifact): string {
  const fromUrl = decodeURIComponent(new URL(artifact.downloadUrl).pathname.split('/').at(-1) ?? '');
  const name = fromUrl || `${artifact.name}.${artifact.format.toLowerCase()}`;
  return name.replace(/[/\\]/g, '_').replace(/^\.+/, '_');
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    // An abort before the wait (from onProgress, say) fires no event: check it here.
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(() => (signal?.removeEventListener('abort', onAbort), resolve()), ms);
    const onAbort = () => (clearTimeout(timer), reject(signal!.reason));
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
