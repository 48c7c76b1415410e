import { createServer, type Server } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createDataset, newProject, startAnalysis, waitForStatus, type Project } from './client.ts';
import { maxSubscriptionsPerJob, maxWebhooksPerProject } from '../../lib/topology.ts';

const allEvents = [
  'operation.started',
  'operation.progress',
  'operation.phase.started',
  'operation.phase.completed',
  'operation.completed',
  'operation.failed',
];

/** A loopback receiver that accepts connections and requests and never answers them. */
async function hangingReceiver() {
  const sockets = new Set<Socket>();
  let requests = 0;
  const server: Server = createServer(() => void (requests += 1));
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hang`,
    requests: () => requests,
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
      }),
  };
}

interface Arrival {
  path: string;
  at: number;
  body: { event: string; timestamp: string; operationId: string };
}

async function until<T>(probe: () => T | undefined | false, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`${what} within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

describe('delivery isolation, webhook management and limits', () => {
  let receiver: Server;
  let base: string;
  const arrivals: Arrival[] = [];
  const hanging: Awaited<ReturnType<typeof hangingReceiver>>[] = [];

  beforeAll(async () => {
    receiver = createServer((request, response) => {
      let body = '';
      request.on('data', (chunk: Buffer) => (body += chunk.toString()));
      request.on('end', () => {
        arrivals.push({ path: request.url ?? '', at: Date.now(), body: JSON.parse(body) });
        // `/doomed` refuses, so its deliveries wait in the queue for their retry.
        response.writeHead(request.url?.startsWith('/doomed') ? 500 : 204).end();
      });
    });
    await new Promise<void>((resolve) => receiver.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(receiver.address() as AddressInfo).port}`;
    for (let i = 0; i < 3; i++) hanging.push(await hangingReceiver());
  });

  afterAll(async () => {
    await Promise.all(hanging.map((h) => h.close()));
    receiver.closeAllConnections();
    await new Promise<void>((resolve) => receiver.close(() => resolve()));
  });

  const register = (project: Project, body: Record<string, unknown>) => call('POST', `${project.base}/async/webhooks`, { token: project.token, body });

  it("delivers another tenant's events within 2 s while one tenant's three receivers hang", async () => {
    // Prepare: tenant X with three webhooks whose receivers never answer, and an analysis feeding them.
    const noisy = await newProject('noisy');
    for (const [i, h] of hanging.entries()) expect((await register(noisy, { webhookUrl: h.url, webhookName: `hangs ${i}`, events: allEvents })).status).toBe(201);
    const quiet = await newProject('quiet');
    expect((await register(quiet, { webhookUrl: `${base}/quiet`, webhookName: 'quiet', events: allEvents })).status).toBe(201);
    const [noisyData, quietData] = await Promise.all([createDataset(noisy, 'running-example.xes', 'xes'), createDataset(quiet, 'running-example.xes', 'xes')]);
    const noisyRun = await startAnalysis(noisy, noisyData.datasetId);
    await until(() => hanging.every((h) => h.requests() > 0), 20_000, 'the hanging receivers were not reached');

    // Act: tenant Y's analysis while X's deliveries hang.
    const quietRun = await startAnalysis(quiet, quietData.datasetId);
    const operationId = quietRun.body.operationId as string;
    await waitForStatus(quiet, operationId, ['Completed']);
    const mine = () => arrivals.filter((a) => a.path === '/quiet' && a.body.operationId === operationId);
    await until(() => mine().some((a) => a.body.event === 'operation.completed'), 10_000, 'operation.completed did not arrive');

    // Assess: every delivery of Y arrived within 2 s of its event, and X's receivers were still being tried.
    const lags = mine().map((a) => a.at - Date.parse(a.body.timestamp));
    expect(mine().length).toBeGreaterThanOrEqual(12);
    expect(Math.max(...lags)).toBeLessThan(2_000);
    expect(hanging.reduce((sum, h) => sum + h.requests(), 0)).toBeGreaterThanOrEqual(3);
    await waitForStatus(noisy, noisyRun.body.operationId, ['Completed']);
  }, 120_000);

  it('sends nothing to a deleted webhook, also what was queued for it before', async () => {
    const project = await newProject();
    const kept = await register(project, { webhookUrl: `${base}/kept`, webhookName: 'kept', events: allEvents });
    // Refused at first and retried a second later: its retries are queued when it is deleted.
    const doomed = await register(project, {
      webhookUrl: `${base}/doomed`,
      webhookName: 'doomed',
      events: ['operation.started'],
      retryPolicy: { maxRetries: 5, retryDelay: 2, backoffMultiplier: 1, maxDelay: 2 },
    });
    const deleted = await register(project, { webhookUrl: `${base}/deleted`, webhookName: 'deleted', events: allEvents });
    expect([kept.status, doomed.status, deleted.status]).toEqual([201, 201, 201]);
    expect((await call('DELETE', `${project.base}/async/webhooks/${deleted.body.webhookId}`, { token: project.token })).status).toBe(204);

    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    const started = await startAnalysis(project, datasetId);
    const doomedArrivals = () => arrivals.filter((a) => a.path === '/doomed' && a.body.operationId === started.body.operationId).length;
    // Its first attempt was refused: the retry waits in the queue, two seconds away, when it is deleted.
    await until(() => doomedArrivals() === 1, 20_000, 'the first attempt to doomed did not arrive');
    expect((await call('DELETE', `${project.base}/async/webhooks/${doomed.body.webhookId}`, { token: project.token })).status).toBe(204);
    await waitForStatus(project, started.body.operationId, ['Completed']);
    await until(() => arrivals.some((a) => a.path === '/kept' && a.body.event === 'operation.completed' && a.body.operationId === started.body.operationId), 10_000, 'kept did not hear completion');
    // Longer than doomed's retry delay: a queued retry would have arrived by now.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(arrivals.filter((a) => a.path === '/deleted')).toEqual([]);
    expect(doomedArrivals()).toBe(1);
    expect((await call('GET', `${project.base}/async/webhooks/${deleted.body.webhookId}`, { token: project.token })).status).toBe(404);
    expect((await call('DELETE', `${project.base}/async/webhooks/${deleted.body.webhookId}`, { token: project.token })).status).toBe(404);
  }, 120_000);

  it('holds a project to its webhook limit under concurrent registrations, lists them in pages, and frees a place on delete', async () => {
    const project = await newProject();
    const attempts = maxWebhooksPerProject + 5;
    const responses = await Promise.all(
      Array.from({ length: attempts }, (_, i) => register(project, { webhookUrl: `${base}/limit/${i}`, webhookName: `w${i}`, events: ['operation.completed'] })),
    );
    const refused = responses.filter((r) => r.status === 409);
    expect(responses.filter((r) => r.status === 201)).toHaveLength(maxWebhooksPerProject);
    expect(refused).toHaveLength(5);
    expect(refused[0]!.headers.get('content-type')).toContain('application/problem+json');
    expect(refused[0]!.body).toMatchObject({ status: 409, limit: maxWebhooksPerProject });

    const seen: string[] = [];
    let nextToken: string | null = null;
    do {
      const query: string = `pageSize=10${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ''}`;
      const page = await call('GET', `${project.base}/async/webhooks?${query}`, { token: project.token });
      expect(page.status).toBe(200);
      seen.push(...page.body.webhooks.map((w: { webhookId: string }) => w.webhookId));
      nextToken = page.body.nextToken;
    } while (nextToken);
    expect(new Set(seen).size).toBe(maxWebhooksPerProject);
    expect((await call('GET', `${project.base}/async/webhooks?nextToken=forged`, { token: project.token })).status).toBe(400);

    expect((await call('DELETE', `${project.base}/async/webhooks/${seen[0]}`, { token: project.token })).status).toBe(204);
    expect((await register(project, { webhookUrl: `${base}/limit/again`, webhookName: 'again', events: ['operation.completed'] })).status).toBe(201);
    expect((await register(project, { webhookUrl: `${base}/limit/over`, webhookName: 'over', events: ['operation.completed'] })).status).toBe(409);
  });

  it('updates a webhook field by field, validated as at registration', async () => {
    const project = await newProject();
    const created = await register(project, { webhookUrl: `${base}/crud`, webhookName: 'before', events: ['operation.completed'], authentication: { type: 'bearer', token: 'a-token-of-16-chars+' } });
    const path = `${project.base}/async/webhooks/${created.body.webhookId}`;
    const patched = await call('PATCH', path, {
      token: project.token,
      body: { webhookName: 'after', events: ['operation.failed'], headers: { 'X-Team': 'mining' }, filters: { priorities: ['High'] }, status: 'Disabled' },
    });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ webhookName: 'after', eventsSubscribed: ['operation.failed'], filters: { priorities: ['High'] }, status: 'Disabled', webhookUrl: `${base}/crud`, authentication: { type: 'bearer' } });
    expect(JSON.stringify(patched.body)).not.toContain('a-token-of-16-chars+');
    expect((await call('GET', path, { token: project.token })).body).toMatchObject({ webhookName: 'after', status: 'Disabled', retryPolicy: created.body.retryPolicy });

    for (const body of [{}, [], null, 'Disabled', { webhookUrl: 'not a url' }, { webhookUrl: 'https://10.0.0.1/' }, { status: 'Paused' }, { headers: { 'X-Bad': 'a\nb' } }, { unknown: 1 }]) {
      const refused = await call('PATCH', path, { token: project.token, body });
      expect(refused.status, JSON.stringify(body)).toBe(400);
      expect(refused.headers.get('content-type')).toContain('application/problem+json');
    }
    expect((await call('PATCH', `${project.base}/async/webhooks/wh-00000000-0000-4000-8000-000000000000`, { token: project.token, body: { webhookName: 'x' } })).status).toBe(404);
    expect((await call('DELETE', path, { token: project.token })).status).toBe(204);
    expect((await call('PATCH', path, { token: project.token, body: { webhookName: 'x' } })).status).toBe(404);
  });

  it('lists, reads, updates and deletes job subscriptions, within the per-job limit', async () => {
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    const started = await startAnalysis(project, datasetId);
    const operation = await waitForStatus(project, started.body.operationId, ['Completed']);
    const job = `${project.base}/execution/job/${operation.execution.executionId}`;
    const subscribe = (i: number) =>
      call('POST', `${job}/subscribe`, { token: project.token, body: { subscriptionType: 'webhook', webhookUrl: `${base}/sub/${i}`, events: ['jobCompleted'] } });

    const responses = await Promise.all(Array.from({ length: maxSubscriptionsPerJob + 2 }, (_, i) => subscribe(i)));
    expect(responses.filter((r) => r.status === 201)).toHaveLength(maxSubscriptionsPerJob);
    const refused = responses.filter((r) => r.status === 409);
    expect(refused).toHaveLength(2);
    expect(refused[0]!.body).toMatchObject({ limit: maxSubscriptionsPerJob });

    const list = await call('GET', `${job}/subscriptions`, { token: project.token });
    expect(list.status).toBe(200);
    expect(list.body.subscriptions).toHaveLength(maxSubscriptionsPerJob);
    const id = list.body.subscriptions[0].subscriptionId as string;
    expect((await call('GET', `${job}/subscriptions/${id}`, { token: project.token })).body).toMatchObject({ subscriptionId: id, eventsSubscribed: ['jobCompleted'], status: 'Active' });

    const patched = await call('PATCH', `${job}/subscriptions/${id}`, { token: project.token, body: { events: ['stageCompleted', 'warning'], filters: { notifyOnErrors: true }, status: 'Disabled' } });
    expect(patched.status).toBe(200);
    expect(patched.body).toMatchObject({ eventsSubscribed: ['stageCompleted', 'warning'], filters: { notifyOnErrors: true }, status: 'Disabled' });
    expect((await call('PATCH', `${job}/subscriptions/${id}`, { token: project.token, body: { webhookUrl: 'https://192.168.0.1/' } })).status).toBe(400);

    expect((await call('DELETE', `${job}/subscriptions/${id}`, { token: project.token })).status).toBe(204);
    expect((await call('GET', `${job}/subscriptions/${id}`, { token: project.token })).status).toBe(404);
    expect((await subscribe(99)).status).toBe(201);
    expect((await call('GET', `${project.base}/execution/job/00000000-0000-4000-8000-000000000000/subscriptions`, { token: project.token })).status).toBe(404);
  });
});
