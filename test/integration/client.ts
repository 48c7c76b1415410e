import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { inject } from 'vitest';
import { mintToken } from '../../local/local-issuer.ts';

export const datasetsDir = resolve(import.meta.dirname, '../../../shared/datasets');

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export async function call<T = any>(method: string, path: string, options: { token?: string; body?: unknown; rawBody?: string; headers?: Record<string, string> } = {}): Promise<ApiResponse<T>> {
  const headers: Record<string, string> = { ...(options.headers ?? {}) };
  if (options.token) headers.Authorization = `Bearer ${options.token}`;
  let body: string | undefined = options.rawBody;
  if (options.body !== undefined) {
    body = JSON.stringify(options.body);
    headers['Content-Type'] ??= 'application/json';
  }
  const response = await fetch(`${inject('baseUrl')}${path}`, { method, headers, ...(body !== undefined ? { body } : {}) });
  const text = await response.text();
  return { status: response.status, headers: response.headers, body: text ? JSON.parse(text) : undefined };
}

/** A fresh tenant and project with a token for them, so tests never see each other's data. */
export async function newProject(user = 'tester') {
  const tenantId = randomUUID();
  const projectId = randomUUID();
  const token = await mintToken(inject('dataDir'), { tenantId, projectIds: [projectId], userId: user });
  return { tenantId, projectId, token, base: `/api/${tenantId}/${projectId}` };
}

export type Project = Awaited<ReturnType<typeof newProject>>;

export async function createDataset(project: Project, file: string, format: 'csv' | 'csv.gz' | 'xes' | 'xes.gz', upload = true) {
  const created = await call('POST', `${project.base}/datasets`, { token: project.token, body: { name: file, format } });
  if (created.status !== 201) throw new Error(`dataset not created: ${JSON.stringify(created.body)}`);
  if (upload) {
    const put = await fetch(created.body.upload.url, { method: 'PUT', headers: created.body.upload.headers, body: await readFile(resolve(datasetsDir, file)) });
    if (!put.ok) throw new Error(`upload failed with ${put.status}`);
  }
  return created.body as { datasetId: string; upload: { url: string; method: string; headers: Record<string, string>; expiresAt: string } };
}

export async function startAnalysis(project: Project, datasetId: string, extra: Record<string, unknown> = {}) {
  return call('POST', `${project.base}/async/operation`, {
    token: project.token,
    body: { operationType: 'ProcessMiningAnalysis', operationName: 'integration analysis', parameters: { datasetId }, ...extra },
  });
}

/** Polls until the operation's status is one of `statuses`, for at most `timeoutMs`. */
export async function waitForStatus(project: Project, operationId: string, statuses: string[], timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const response = await call('GET', `${project.base}/async/operation/${operationId}`, { token: project.token });
    if (statuses.includes(response.body?.status)) return response.body;
    if (Date.now() > deadline) throw new Error(`operation ${operationId} still ${response.body?.status} after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 250));
  }
}
