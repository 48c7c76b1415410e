import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createDataset, newProject, startAnalysis, waitForStatus, type Project } from './client.ts';
import { webhookEvents } from '../../functions/schemas/webhook.ts';

interface Received {
  path: string;
  event: string;
  operationId: string;
  at: number;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** A loopback receiver for the operations' callbacks and the project's webhook, recording arrival order. */
describe('cancellation as documented', () => {
  let server: Server;
  let base: string;
  const received: Received[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        const parsed = JSON.parse(body) as { event: string; operationId: string };
        received.push({ path: request.url ?? '', event: parsed.event, operationId: parsed.operationId, at: Date.now() });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const of = (operationId: string) => received.filter((r) => r.operationId === operationId);

  async function until(predicate: () => boolean, what: string, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`${what} did not happen in time`);
      await sleep(100);
    }
  }

  async function registerWebhook(project: Project) {
    const hook = await call('POST', `${project.base}/async/webhooks`, {
      token: project.token,
      body: { webhookUrl: `${base}/hook`, webhookName: 'everything', events: [...webhookEvents], authentication: { type: 'hmac-sha256', secret: 'cancellation-semantics-secret-0123456789' } },
    });
    expect(hook.status).toBe(201);
  }

  /** An analysis whose Process Discovery runs `seconds` longer (local fault injection), returned once that phase runs. */
  async function analysisInLongPhase(project: Project, seconds: number) {
    const fault = await call('POST', '/_local/faults', { body: { projectId: project.projectId, phase: 'ProcessDiscovery', mode: 'delay', count: 1, seconds } });
    expect(fault.status).toBe(201);
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    const started = await startAnalysis(project, datasetId, { callbacks: { onProgress: `${base}/progress`, onCompletion: `${base}/done`, onError: `${base}/error` } });
    expect(started.status).toBe(202);
    const operationId = started.body.operationId as string;
    const deadline = Date.now() + 60_000;
    for (;;) {
      const status = await call('GET', `${project.base}/async/operation/${operationId}`, { token: project.token });
      if (status.body.phases[1].status === 'Running') return operationId;
      if (Date.now() > deadline) throw new Error(`Process Discovery of ${operationId} never ran: ${JSON.stringify(status.body.phases)}`);
      await sleep(200);
    }
  }

  /** Every event of the operation that arrived after its first `operation.cancelled`, other than that event's own copies. */
  function afterCancelled(operationId: string): Received[] {
    const events = of(operationId);
    const first = events.findIndex((r) => r.event === 'operation.cancelled');
    return events.slice(first + 1).filter((r) => r.event !== 'operation.cancelled');
  }

  it('forced: stops the long phase where it was, fences off its later writes, and sends nothing after operation.cancelled', async () => {
    const project = await newProject('force');
    await registerWebhook(project);
    const operationId = await analysisInLongPhase(project, 6);
    const cancelled = await call('DELETE', `${project.base}/async/operation/${operationId}`, { token: project.token, body: { reason: 'stop now', forceTermination: true } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'Cancelled', forceTermination: true, phaseAtCancellation: 'Process Discovery', resourcesReleased: { cpuUnits: expect.any(Number), memoryGB: expect.any(Number) } });
    // Stopped at once: the running phase is recorded Cancelled by the cancellation itself, not at its next safe point.
    const atOnce = await call('GET', `${project.base}/async/operation/${operationId}`, { token: project.token });
    expect(atOnce.body.phases[1]).toMatchObject({ phaseName: 'Process Discovery', status: 'Cancelled' });

    await until(() => of(operationId).filter((r) => r.event === 'operation.cancelled').length >= 2, 'operation.cancelled to the callback and the webhook');
    // The delayed phase's work ends about 6 s after it started; give its late writes and events time to show.
    await sleep(9000);
    const after = await waitForStatus(project, operationId, ['Cancelled']);
    expect(after.phases[0].status).toBe('Completed');
    expect(after.phases[1].status).toBe('Cancelled');
    expect(after.phases.slice(2).map((p: { status: string }) => p.status)).toEqual(['Pending', 'Pending', 'Pending']);
    expect(afterCancelled(operationId)).toEqual([]);
    expect(of(operationId).filter((r) => r.event === 'operation.cancelled').map((r) => r.path).sort()).toEqual(['/done', '/hook']);
  });

  it('graceful: keeps the completed phases, whose partial results download, and sends nothing after operation.cancelled', async () => {
    const project = await newProject('graceful');
    await registerWebhook(project);
    const operationId = await analysisInLongPhase(project, 4);
    const cancelled = await call('DELETE', `${project.base}/async/operation/${operationId}`, { token: project.token, body: { reason: 'enough', preservePartialResults: true } });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body).toMatchObject({ status: 'Cancelled', forceTermination: false, partialResults: { available: true, completedPhases: 1, discarded: false } });
    const urls = cancelled.body.partialResults.downloadUrls as string[];
    expect(urls.length).toBeGreaterThan(0);
    for (const url of urls) {
      expect(new URL(url).hostname).toMatch(/^(127\.0\.0\.1|localhost)$/);
      const download = await fetch(url);
      expect(download.status).toBe(200);
      expect((await download.arrayBuffer()).byteLength).toBeGreaterThan(0);
    }
    await until(() => of(operationId).some((r) => r.event === 'operation.cancelled'), 'operation.cancelled');
    await sleep(7000);
    const after = await waitForStatus(project, operationId, ['Cancelled']);
    expect(after.phases[0].status).toBe('Completed');
    expect(after.phases.slice(2).map((p: { status: string }) => p.status)).toEqual(['Pending', 'Pending', 'Pending']);
    expect(afterCancelled(operationId)).toEqual([]);
  });

  it('preservePartialResults false deletes the stored outputs; notifyCallbacks false silences the callbacks, not the webhooks', async () => {
    const project = await newProject('discard');
    await registerWebhook(project);
    const operationId = await analysisInLongPhase(project, 3);
    const cancelled = await call('DELETE', `${project.base}/async/operation/${operationId}`, {
      token: project.token,
      body: { preservePartialResults: false, forceTermination: true, notifyCallbacks: false },
    });
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.partialResults).toMatchObject({ available: false, completedPhases: 1, discarded: true, downloadUrls: [] });
    expect(cancelled.body.partialResults.objectsDeleted).toBeGreaterThan(0);
    await until(() => of(operationId).some((r) => r.event === 'operation.cancelled'), 'operation.cancelled to the webhook');
    await sleep(5000);
    const cancelledEvents = of(operationId).filter((r) => r.event === 'operation.cancelled');
    expect(cancelledEvents.map((r) => r.path)).toEqual(['/hook']);
    expect(afterCancelled(operationId)).toEqual([]);
  });

  it('announces the operations a batch’s failure policy cancelled', async () => {
    const project = await newProject('batch');
    await registerWebhook(project);
    const broken = await call('POST', `${project.base}/datasets`, { token: project.token, body: { name: 'broken', format: 'csv' } });
    await fetch(broken.body.upload.url, { method: 'PUT', headers: broken.body.upload.headers, body: 'nothing,useful\n1,2\n' });
    const submitted = await call('POST', `${project.base}/async/batch`, {
      token: project.token,
      body: {
        batchName: 'stops on failure',
        operations: [
          { operationKey: 'bad', operationName: 'bad', operationType: 'ProcessMiningAnalysis', parameters: { datasetId: broken.body.datasetId } },
          { operationKey: 'after-bad', operationName: 'after bad', operationType: 'ReportGeneration', dependencies: ['bad'] },
        ],
      },
    });
    expect(submitted.status).toBe(202);
    const afterBad = (submitted.body.operations as { operationKey: string; operationId: string }[]).find((o) => o.operationKey === 'after-bad')!.operationId;
    await waitForStatus(project, afterBad, ['Cancelled', 'Completed', 'Failed']);
    await until(() => of(afterBad).some((r) => r.event === 'operation.cancelled'), 'operation.cancelled of the batch-cancelled operation');
    await sleep(1000);
    expect(of(afterBad).map((r) => [r.event, r.path])).toEqual([['operation.cancelled', '/hook']]);
  });
});
