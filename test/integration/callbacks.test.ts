import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createDataset, newProject, startAnalysis, waitForStatus } from './client.ts';

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
}

/** A real HTTP receiver on this machine, standing in for the client's callback endpoints. */
describe('operation callbacks', () => {
  let server: Server;
  let base: string;
  const received: Received[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        received.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(body) });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function until(predicate: () => boolean, timeoutMs = 20_000) {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error('callbacks did not arrive in time');
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('posts progress per phase and completion, and counts the deliveries', async () => {
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    const started = await startAnalysis(project, datasetId, { callbacks: { onProgress: `${base}/progress`, onCompletion: `${base}/done`, onError: `${base}/error` } });
    expect(started.body.webhooksRegistered).toBe(3);
    const operationId = started.body.operationId as string;
    await waitForStatus(project, operationId, ['Completed']);
    const mine = () => received.filter((r) => r.body.operationId === operationId);
    await until(() => mine().length >= 6);

    const progress = mine().filter((r) => r.path === '/progress');
    expect(progress.map((r) => r.body.phase.phaseName).sort()).toEqual(['Data Loading & Validation', 'Machine Learning Analysis', 'Performance Analysis', 'Process Discovery', 'Report Generation']);
    expect(progress.every((r) => r.headers['x-callback-event'] === 'operation.progress' && typeof r.headers['x-callback-delivery'] === 'string')).toBe(true);
    const done = mine().filter((r) => r.path === '/done');
    expect(done).toHaveLength(1);
    expect(done[0]!.body).toMatchObject({ event: 'operation.completed', status: 'Completed', progress: { percentage: 100 } });
    expect(mine().some((r) => r.path === '/error')).toBe(false);

    // The count is written after the receiver answered, so poll it too.
    let status = await call('GET', `${project.base}/async/operation/${operationId}`, { token: project.token });
    for (let i = 0; i < 50 && status.body.callbacks.callbacksSuccessful < 6; i++) {
      await new Promise((r) => setTimeout(r, 100));
      status = await call('GET', `${project.base}/async/operation/${operationId}`, { token: project.token });
    }
    expect(status.body.callbacks).toMatchObject({ progressCallbacksSent: 5, callbacksSuccessful: 6, callbacksFailed: 0 });
    expect(status.body.callbacks.lastProgressCallback).toEqual(expect.any(String));
  });

  it('refuses plain http callbacks to other hosts', async () => {
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    const response = await startAnalysis(project, datasetId, { callbacks: { onCompletion: 'http://example.com/hook' } });
    expect(response.status).toBe(400);
    expect(response.body.invalidParams[0].name).toBe('body.callbacks.onCompletion');
  });
});
