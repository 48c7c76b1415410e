import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createDataset, newProject, startAnalysis, waitForStatus } from './client.ts';

interface Received {
  path: string;
  headers: Record<string, string>;
  raw: string;
  body: any;
  answered: number;
}

/**
 * The attempt log, redelivery and replay, end to end through the delivery queue, with receivers on 127.0.0.1 only:
 * `/flaky` answers 500 twice per message and then 200, `/down` answers 500 until it is told to recover, `/gone` 410.
 */
describe('delivery attempt log', () => {
  let server: Server;
  let base: string;
  const received: Received[] = [];
  let downRecovered = false;
  let subscriptionBack = false;

  const answerFor = (path: string, seenBefore: number): number => {
    if (path === '/flaky') return seenBefore < 2 ? 500 : 200;
    if (path === '/down') return downRecovered ? 204 : 500;
    if (path === '/gone') return 410;
    if (path === '/subscription-gone') return subscriptionBack ? 204 : 410;
    return 204;
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        const path = request.url ?? '';
        const headers = request.headers as Record<string, string>;
        const seenBefore = received.filter((r) => r.path === path && r.headers['webhook-id'] === headers['webhook-id']).length;
        const answered = answerFor(path, seenBefore);
        received.push({ path, headers, raw, body: JSON.parse(raw), answered });
        response.writeHead(answered, { 'Content-Type': 'text/plain' }).end(answered >= 300 ? 'not now' : 'ok');
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function until<T>(what: string, probe: () => Promise<T> | T, done: (value: T) => boolean, timeoutMs = 30_000): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await probe();
      if (done(value)) return value;
      if (Date.now() > deadline) throw new Error(`${what} did not happen in time: ${JSON.stringify(value).slice(0, 500)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  it('logs every attempt, redelivers and replays the same message, and disables an endpoint that answers 410', async () => {
    // Prepare: three webhooks and a subscription, all on loopback.
    const project = await newProject();
    const register = async (path: string, maxRetries: number) => {
      const response = await call('POST', `${project.base}/async/webhooks`, {
        token: project.token,
        body: { webhookUrl: `${base}${path}`, webhookName: path, events: ['operation.completed'], retryPolicy: { maxRetries, retryDelay: 1, backoffMultiplier: 1, maxDelay: 1 } },
      });
      expect(response.status).toBe(201);
      return { id: response.body.webhookId as string, secret: response.body.authentication.secret as string };
    };
    const flaky = await register('/flaky', 3);
    const down = await register('/down', 0);
    const gone = await register('/gone', 3);
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    const started = await startAnalysis(project, datasetId, { parameters: { datasetId, outputOptions: { exportFormats: ['JSON'] } } });
    expect(started.status).toBe(202);
    const operationId = started.body.operationId as string;
    const jobId = (await call('GET', `${project.base}/async/operation/${operationId}`, { token: project.token })).body.execution.executionId as string;
    const subscribed = await call('POST', `${project.base}/execution/job/${jobId}/subscribe`, {
      token: project.token,
      body: { subscriptionType: 'webhook', webhookUrl: `${base}/subscription`, events: ['jobCompleted', 'stageCompleted'] },
    });
    expect(subscribed.status).toBe(201);
    // Answers 410 to jobCompleted (which disables the subscription) until it is told it is back.
    const goneSubscription = await call('POST', `${project.base}/execution/job/${jobId}/subscribe`, {
      token: project.token,
      body: { subscriptionType: 'webhook', webhookUrl: `${base}/subscription-gone`, events: ['jobCompleted'] },
    });
    expect(goneSubscription.status).toBe(201);
    const deliveries = (path: string) => call('GET', `${project.base}${path}`, { token: project.token });
    const mine = (path: string) => received.filter((r) => r.path === path && r.body.operationId === operationId);

    // Act: the operation completes; /flaky gets its message on the third attempt.
    await waitForStatus(project, operationId, ['Completed'], 90_000);
    const flakyLog = await until(
      'three logged attempts on /flaky',
      () => deliveries(`/async/webhooks/${flaky.id}/deliveries`),
      (r) => r.body.deliveries?.[0]?.status === 'delivered',
    );

    // Assess: one message, three attempts with their status codes, the same webhook-id on each, each verifying.
    expect(flakyLog.status).toBe(200);
    expect(flakyLog.body.deliveries).toHaveLength(1);
    const deliveryId = flakyLog.body.deliveries[0].deliveryId as string;
    expect(flakyLog.body.deliveries[0]).toMatchObject({ event: 'operation.completed', attemptCount: 3, lastAttempt: { statusCode: 200, outcome: 'delivered' } });
    const one = await deliveries(`/async/webhooks/${flaky.id}/deliveries/${deliveryId}`);
    expect(one.status).toBe(200);
    expect(one.body.attempts.map((a: any) => [a.statusCode, a.trigger, a.outcome])).toEqual([
      [500, 'scheduled', 'retry-scheduled'],
      [500, 'scheduled', 'retry-scheduled'],
      [200, 'scheduled', 'delivered'],
    ]);
    expect(one.body.attempts[0]).toMatchObject({ durationMs: expect.any(Number), responseExcerpt: 'not now' });
    expect(one.body.payload).toMatchObject({ event: 'operation.completed', operationId, deliveryId });
    expect(JSON.stringify(one.body)).not.toContain(flaky.secret);
    const verify = (secret: string, delivery: Received) => new Webhook(secret).verify(delivery.raw, delivery.headers);
    expect(mine('/flaky').map((r) => r.headers['webhook-id'])).toEqual([deliveryId, deliveryId, deliveryId]);
    mine('/flaky').forEach((r) => expect(verify(flaky.secret, r)).toMatchObject({ deliveryId }));

    // Redeliver: the same message again (same webhook-id, signed anew), logged as manual.
    const redelivered = await call('POST', `${project.base}/async/webhooks/${flaky.id}/deliveries/${deliveryId}/redeliver`, { token: project.token, body: {} });
    expect(redelivered.status).toBe(202);
    expect(redelivered.body).toEqual({ trigger: 'manual', queued: 1, deliveryIds: [deliveryId] });
    await until('the redelivery', () => mine('/flaky').length, (n) => n === 4);
    const again = mine('/flaky')[3]!;
    expect(again.headers['webhook-id']).toBe(deliveryId);
    expect(verify(flaky.secret, again)).toMatchObject({ deliveryId });
    const afterRedelivery = await until(
      'the manual attempt in the log',
      () => deliveries(`/async/webhooks/${flaky.id}/deliveries/${deliveryId}`),
      (r) => r.body.attempts?.length === 4,
    );
    expect(afterRedelivery.body).toMatchObject({ status: 'delivered', attempts: expect.arrayContaining([expect.objectContaining({ trigger: 'manual', statusCode: 200 })]) });

    // Replay: /down failed its only attempt; once it recovers, a replay since before it re-sends that message.
    const downLog = await until('the failed message on /down', () => deliveries(`/async/webhooks/${down.id}/deliveries?status=failed`), (r) => r.body.deliveries?.length === 1);
    const failedId = downLog.body.deliveries[0].deliveryId as string;
    expect((await deliveries(`/async/webhooks/${down.id}/deliveries?status=delivered`)).body.deliveries).toEqual([]);
    downRecovered = true;
    const since = new Date(Date.parse(downLog.body.deliveries[0].createdAt) - 60_000).toISOString();
    const replayed = await call('POST', `${project.base}/async/webhooks/${down.id}/replay`, { token: project.token, body: { since, includeSuccessful: false } });
    expect(replayed.status).toBe(202);
    expect(replayed.body).toMatchObject({ trigger: 'replay', queued: 1, deliveryIds: [failedId] });
    await until('the replayed message', () => mine('/down').length, (n) => n === 2);
    expect(mine('/down').map((r) => [r.headers['webhook-id'], r.answered])).toEqual([
      [failedId, 500],
      [failedId, 204],
    ]);
    expect(verify(down.secret, mine('/down')[1]!)).toMatchObject({ deliveryId: failedId });
    const downAfter = await until('the replay in the log', () => deliveries(`/async/webhooks/${down.id}/deliveries/${failedId}`), (r) => r.body.status === 'delivered');
    expect(downAfter.body.attempts.map((a: any) => a.trigger)).toEqual(['scheduled', 'replay']);
    // Nothing failed since: a second replay sends nothing.
    const nothing = await call('POST', `${project.base}/async/webhooks/${down.id}/replay`, { token: project.token, body: { since } });
    expect(nothing.body).toMatchObject({ queued: 0 });

    // 410: disabled, on the webhook and in the log.
    const goneView = await until('the 410 disabling', () => deliveries(`/async/webhooks/${gone.id}`), (r) => r.body.status === 'Disabled');
    expect(goneView.body.disabled).toMatchObject({ at: expect.any(String), reason: expect.stringMatching(/410 Gone/) });
    const goneLog = await deliveries(`/async/webhooks/${gone.id}/deliveries`);
    expect(goneLog.body.deliveries[0]).toMatchObject({ status: 'failed', attemptCount: 1, lastAttempt: { statusCode: 410, endpoint: 'disabled' } });
    expect(mine('/gone')).toHaveLength(1);
    // A disabled endpoint is not sent to until it is enabled again.
    const refused = await call('POST', `${project.base}/async/webhooks/${gone.id}/deliveries/${goneLog.body.deliveries[0].deliveryId}/redeliver`, { token: project.token });
    expect(refused.status).toBe(409);

    // The subscription has its own log under the job.
    const subscriptionId = subscribed.body.subscriptionId as string;
    const subPath = `/execution/job/${jobId}/subscriptions/${subscriptionId}/deliveries`;
    const subLog = await until('the subscription deliveries', () => deliveries(subPath), (r) => r.body.deliveries?.length === mine('/subscription').length && r.body.deliveries.every((d: any) => d.status === 'delivered'));
    // Newest first: the job's last event, jobCompleted, heads the list.
    expect(subLog.body).toMatchObject({ jobId, subscriptionId, deliveries: expect.arrayContaining([expect.objectContaining({ event: 'jobCompleted' })]) });
    expect(subLog.body.deliveries[0].event).toBe('jobCompleted');
    expect(subLog.body.deliveries.length).toBeGreaterThanOrEqual(2);
    // Paged one at a time with the sealed cursor, the same messages in the same order.
    const paged: string[] = [];
    let nextToken: string | null = null;
    do {
      const page = await deliveries(`${subPath}?pageSize=1${nextToken ? `&nextToken=${encodeURIComponent(nextToken)}` : ''}`);
      expect(page.status).toBe(200);
      paged.push(...page.body.deliveries.map((d: any) => d.deliveryId));
      nextToken = page.body.nextToken;
    } while (nextToken);
    expect(paged).toEqual(subLog.body.deliveries.map((d: any) => d.deliveryId));
    // A cursor of the unfiltered list is not one of a filtered list.
    const firstPage = await deliveries(`${subPath}?pageSize=1`);
    expect((await deliveries(`${subPath}?pageSize=1&status=delivered&nextToken=${encodeURIComponent(firstPage.body.nextToken)}`)).status).toBe(400);
    const subDeliveryId = subLog.body.deliveries[0].deliveryId as string;
    const subRedelivered = await call('POST', `${project.base}/execution/job/${jobId}/subscriptions/${subscriptionId}/deliveries/${subDeliveryId}/redeliver`, { token: project.token });
    expect(subRedelivered.status).toBe(202);
    const sentTo = () => mine('/subscription').filter((r) => r.headers['webhook-id'] === subDeliveryId);
    await until('the subscription redelivery', () => sentTo().length, (n) => n === 2);
    expect(sentTo().map((r) => r.body.event)).toEqual(['jobCompleted', 'jobCompleted']);
    // Another webhook's log does not know the subscription's message.
    expect((await deliveries(`/async/webhooks/${flaky.id}/deliveries/${subDeliveryId}`)).status).toBe(404);

    // Replay under a subscription: its receiver answered 410, so it is disabled and its message failed.
    const goneId = goneSubscription.body.subscriptionId as string;
    const goneSubPath = `${project.base}/execution/job/${jobId}/subscriptions/${goneId}`;
    const goneSubLog = await until('the failed subscription message', () => deliveries(`/execution/job/${jobId}/subscriptions/${goneId}/deliveries?status=failed`), (r) => r.body.deliveries?.length === 1);
    const goneMessageId = goneSubLog.body.deliveries[0].deliveryId as string;
    expect(goneSubLog.body.deliveries[0]).toMatchObject({ event: 'jobCompleted', lastAttempt: { statusCode: 410, endpoint: 'disabled' } });
    const subSince = new Date(Date.parse(goneSubLog.body.deliveries[0].createdAt) - 60_000).toISOString();
    // A disabled subscription is not replayed to until it is made Active again.
    expect((await call('POST', `${goneSubPath}/replay`, { token: project.token, body: { since: subSince } })).status).toBe(409);
    subscriptionBack = true;
    expect((await call('PATCH', goneSubPath, { token: project.token, body: { status: 'Active' } })).status).toBe(200);
    const subReplayed = await call('POST', `${goneSubPath}/replay`, { token: project.token, body: { since: subSince, includeSuccessful: false } });
    expect(subReplayed.status).toBe(202);
    expect(subReplayed.body).toMatchObject({ trigger: 'replay', since: subSince, includeSuccessful: false, queued: 1, deliveryIds: [goneMessageId], continueFrom: null });
    const goneSent = () => mine('/subscription-gone');
    await until('the replayed subscription message', () => goneSent().length, (n) => n === 2);
    expect(goneSent().map((r) => [r.headers['webhook-id'], r.body.event, r.answered])).toEqual([
      [goneMessageId, 'jobCompleted', 410],
      [goneMessageId, 'jobCompleted', 204],
    ]);
    const goneAfter = await until('the subscription replay in the log', () => deliveries(`/execution/job/${jobId}/subscriptions/${goneId}/deliveries/${goneMessageId}`), (r) => r.body.status === 'delivered');
    expect(goneAfter.body.attempts.map((a: any) => [a.trigger, a.statusCode])).toEqual([
      ['scheduled', 410],
      ['replay', 204],
    ]);
    // A subscription is replayed only under its own job.
    const otherJob = await call('POST', `${project.base}/execution/job/${crypto.randomUUID()}/subscriptions/${goneId}/replay`, { token: project.token, body: { since: subSince } });
    expect(otherJob.status).toBe(404);
  }, 180_000);

  it('refuses a bad status filter, a forged cursor and a replay without a time with 400', async () => {
    const project = await newProject();
    const created = await call('POST', `${project.base}/async/webhooks`, { token: project.token, body: { webhookUrl: `${base}/plain`, webhookName: 'p', events: ['operation.completed'] } });
    const path = `${project.base}/async/webhooks/${created.body.webhookId}`;
    const badStatus = await call('GET', `${path}/deliveries?status=lost`, { token: project.token });
    expect(badStatus.status).toBe(400);
    expect(badStatus.body.invalidParams).toEqual([{ name: 'query.status', reason: expect.any(String) }]);
    const forged = await call('GET', `${path}/deliveries?nextToken=AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA`, { token: project.token });
    expect(forged.status).toBe(400);
    const noTime = await call('POST', `${path}/replay`, { token: project.token, body: { includeSuccessful: true } });
    expect(noTime.status).toBe(400);
    expect(noTime.body.invalidParams).toEqual([{ name: 'body.since', reason: expect.any(String) }]);
    const empty = await call('GET', `${path}/deliveries`, { token: project.token });
    expect(empty.body).toEqual({ webhookId: created.body.webhookId, deliveries: [], nextToken: null });
  });
});
