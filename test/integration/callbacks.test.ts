import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createDataset, newProject, startAnalysis, waitForStatus } from './client.ts';

interface Received {
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  raw: string;
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
        received.push({ path: request.url ?? '', headers: request.headers, body: JSON.parse(body), raw: body });
        response.writeHead(request.url === '/refuse' ? 500 : 204).end();
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
    expect(progress.every((r) => r.headers['x-webhook-event'] === 'operation.progress' && typeof r.headers['x-webhook-delivery'] === 'string')).toBe(true);
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

  it('delivers signed webhook events by the registration, filters and retry policy', async () => {
    const project = await newProject();
    const secret = 'integration-secret-1234';
    const hook = await call('POST', `${project.base}/async/webhooks`, {
      token: project.token,
      body: {
        webhookUrl: `${base}/hook`,
        webhookName: 'all of it',
        events: ['operation.started', 'operation.progress', 'operation.phase.completed', 'operation.completed'],
        filters: { operationTypes: ['ProcessMiningAnalysis'], minProgressIncrement: 40 },
        authentication: { type: 'hmac-sha256', secret },
        headers: { 'X-Source': 'integration' },
      },
    });
    expect(hook.status).toBe(201);
    expect(hook.body.warnings).toEqual([expect.stringMatching(/23 characters: use at least 32/)]);
    expect(hook.body).toMatchObject({ status: 'Active', authentication: { type: 'hmac-sha256' }, deliveryStats: { totalDeliveries: 0, averageResponseTime: null } });
    expect(JSON.stringify(hook.body)).not.toContain(secret);
    const refusing = await call('POST', `${project.base}/async/webhooks`, {
      token: project.token,
      body: { webhookUrl: `${base}/refuse`, webhookName: 'down', events: ['operation.completed'], retryPolicy: { maxRetries: 1, retryDelay: 1, backoffMultiplier: 1, maxDelay: 1 } },
    });
    expect(refusing.status).toBe(201);

    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    const started = await startAnalysis(project, datasetId);
    const operationId = started.body.operationId as string;
    await waitForStatus(project, operationId, ['Completed']);
    const hooked = () => received.filter((r) => r.path === '/hook' && r.body.operationId === operationId);
    const refused = () => received.filter((r) => r.path === '/refuse' && r.body.operationId === operationId);
    await until(() => hooked().length >= 9 && refused().length >= 2);

    const events = hooked().map((r) => r.body.event);
    expect(events.filter((e) => e === 'operation.started')).toHaveLength(1);
    expect(events.filter((e) => e === 'operation.phase.completed')).toHaveLength(5);
    // Progress 20, 40, 60, 80, 100: multiples of 40 are crossed at 40 and 80.
    expect(hooked().filter((r) => r.body.event === 'operation.progress').map((r) => r.body.progress.percentage).sort()).toEqual([40, 80]);
    expect(events.filter((e) => e === 'operation.completed')).toHaveLength(1);
    // A plain secret is the HMAC key as it is: the library's raw format.
    const receiver = new Webhook(secret, { format: 'raw' });
    for (const delivery of hooked()) {
      expect(receiver.verify(delivery.raw, delivery.headers as Record<string, string>)).toEqual(delivery.body);
      expect(delivery.headers['x-source']).toBe('integration');
    }
    expect(refused()).toHaveLength(2);

    let stats = await call('GET', `${project.base}/async/webhooks/${refusing.body.webhookId}`, { token: project.token });
    for (let i = 0; i < 50 && stats.body.deliveryStats.totalDeliveries < 1; i++) {
      await new Promise((r) => setTimeout(r, 100));
      stats = await call('GET', `${project.base}/async/webhooks/${refusing.body.webhookId}`, { token: project.token });
    }
    expect(stats.body.deliveryStats).toMatchObject({ totalDeliveries: 1, successfulDeliveries: 0, failedDeliveries: 1 });
    expect(stats.body.lastDelivery).toMatchObject({ successful: false, statusCode: 500, event: 'operation.completed' });
    const good = await call('GET', `${project.base}/async/webhooks/${hook.body.webhookId}`, { token: project.token });
    expect(good.body.deliveryStats.successfulDeliveries).toBeGreaterThanOrEqual(8);
  });

  it('rejects webhook registrations it could not honour', async () => {
    const project = await newProject();
    const response = await call('POST', `${project.base}/async/webhooks`, {
      token: project.token,
      body: { webhookUrl: 'ftp://x.example', webhookName: '', events: ['operation.exploded'], authentication: { type: 'hmac-sha256', secret: 'short' }, headers: { 'X-Webhook-Signature': 'forged' } },
    });
    expect(response.status).toBe(400);
    expect(response.body.invalidParams.map((p: { name: string }) => p.name).sort()).toEqual(
      ['body.authentication.secret', 'body.events.0', 'body.headers.X-Webhook-Signature', 'body.webhookName', 'body.webhookUrl'].sort(),
    );
    expect((await call('GET', `${project.base}/async/webhooks/wh-00000000-0000-4000-8000-000000000000`, { token: project.token })).status).toBe(404);
  });

  it('delivers a job subscription under the job-tracking event names', async () => {
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'bpic2012.xes.gz', 'xes.gz');
    const started = await startAnalysis(project, datasetId);
    const operationId = started.body.operationId as string;
    const status = await call('GET', `${project.base}/async/operation/${operationId}`, { token: project.token });
    const jobId = status.body.execution.executionId as string;
    const subscribed = await call('POST', `${project.base}/execution/job/${jobId}/subscribe`, {
      token: project.token,
      body: { subscriptionType: 'webhook', webhookUrl: `${base}/job-events`, events: ['stageStarted', 'stageCompleted', 'jobCompleted'], authentication: { type: 'bearer', token: 'subscription-token-123' } },
    });
    expect(subscribed.status).toBe(201);
    expect(subscribed.body).toMatchObject({ jobId, subscriptionType: 'webhook', status: 'Active', eventsSubscribed: ['stageStarted', 'stageCompleted', 'jobCompleted'] });
    expect(Date.parse(subscribed.body.expiresAt) - Date.parse(subscribed.body.createdAt)).toBe(8 * 3600 * 1000);

    await waitForStatus(project, operationId, ['Completed']);
    const mine = () => received.filter((r) => r.path === '/job-events' && r.body.operationId === operationId);
    await until(() => mine().some((r) => r.body.event === 'jobCompleted'));
    const names = new Set(mine().map((r) => r.body.event));
    expect([...names].every((name) => ['stageStarted', 'stageCompleted', 'jobCompleted'].includes(name))).toBe(true);
    expect(mine().filter((r) => r.body.event === 'stageCompleted').length).toBeGreaterThan(0);
    expect(mine().every((r) => r.headers.authorization === 'Bearer subscription-token-123')).toBe(true);

    const websocket = await call('POST', `${project.base}/execution/job/${jobId}/subscribe`, {
      token: project.token,
      body: { subscriptionType: 'websocket', webhookUrl: `${base}/x`, events: ['error'] },
    });
    // A WebSocket subscription streams to the client that connects: a webhookUrl is not one of its fields.
    expect(websocket.status).toBe(400);
    expect(websocket.body.invalidParams[0].name).toBe('body.webhookUrl');
    const unknownJob = await call('POST', `${project.base}/execution/job/00000000-0000-4000-8000-000000000000/subscribe`, {
      token: project.token,
      body: { subscriptionType: 'webhook', webhookUrl: `${base}/x`, events: ['error'] },
    });
    expect(unknownJob.status).toBe(404);
  });
});
