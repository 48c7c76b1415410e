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
  at: number;
  answered: number;
}

/**
 * Every delivery kind checked as a receiver would check it: with the Standard Webhooks reference library and the
 * secret the API gave. Receivers are on 127.0.0.1; some answer 500 once, 410, or 429 with Retry-After once.
 */
describe('Standard Webhooks deliveries', () => {
  let server: Server;
  let base: string;
  const received: Received[] = [];

  /** How each path answers the n-th delivery of one message (by its webhook-id). */
  const answerFor = (path: string, seenBefore: number): { status: number; headers?: Record<string, string> } => {
    if (path === '/flaky') return { status: seenBefore === 0 ? 500 : 200 };
    if (path === '/gone') return { status: 410 };
    if (path === '/busy') return seenBefore === 0 ? { status: 429, headers: { 'Retry-After': '4' } } : { status: 204 };
    return { status: 204 };
  };

  beforeAll(async () => {
    server = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        const path = request.url ?? '';
        const headers = request.headers as Record<string, string>;
        const seenBefore = received.filter((r) => r.path === path && r.headers['webhook-id'] === headers['webhook-id']).length;
        const answer = answerFor(path, seenBefore);
        received.push({ path, headers, raw, body: JSON.parse(raw), at: Date.now(), answered: answer.status });
        response.writeHead(answer.status, answer.headers).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function until(what: string, predicate: () => boolean, timeoutMs = 30_000) {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`${what} did not arrive in time`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  it('signs webhooks, subscriptions and callbacks so the reference library verifies them, and retries, disables and waits as receivers ask', async () => {
    // Prepare: the project's callback secret (shown by a rotation only) and receivers of every kind.
    const project = await newProject();
    const before = await call('GET', `${project.base}/async/signing-secret`, { token: project.token });
    expect(before.status).toBe(200);
    expect(JSON.stringify(before.body)).not.toMatch(/whsec_/);
    const rotated = await call('POST', `${project.base}/async/signing-secret/rotate`, { token: project.token });
    expect(rotated.status).toBe(200);
    const callbackSecret = rotated.body.secret as string;
    expect(callbackSecret).toMatch(/^whsec_/);
    const after = await call('GET', `${project.base}/async/signing-secret`, { token: project.token });
    expect(after.body).toMatchObject({ exists: true, rotatedAt: expect.any(String) });
    expect(JSON.stringify(after.body)).not.toContain(callbackSecret);

    const register = async (path: string, extra: Record<string, unknown> = {}) => {
      const response = await call('POST', `${project.base}/async/webhooks`, {
        token: project.token,
        body: { webhookUrl: `${base}${path}`, webhookName: path, events: ['operation.completed'], retryPolicy: { maxRetries: 2, retryDelay: 1, backoffMultiplier: 1, maxDelay: 1 }, ...extra },
      });
      expect(response.status).toBe(201);
      return response.body;
    };
    const plain = await register('/plain');
    const flaky = await register('/flaky');
    const gone = await register('/gone');
    const busy = await register('/busy');
    const secretOf = (registration: any) => registration.authentication.secret as string;
    expect(secretOf(plain)).toMatch(/^whsec_[A-Za-z0-9+/]+=*$/);
    const shownAgain = await call('GET', `${project.base}/async/webhooks/${plain.webhookId}`, { token: project.token });
    expect(shownAgain.body.authentication).toEqual({ type: 'hmac-sha256' });

    const { datasetId } = await createDataset(project, 'bpic2012.xes.gz', 'xes.gz');
    const started = await startAnalysis(project, datasetId, { callbacks: { onCompletion: `${base}/callback` } });
    const operationId = started.body.operationId as string;
    const status = await call('GET', `${project.base}/async/operation/${operationId}`, { token: project.token });
    const jobId = status.body.execution.executionId as string;
    const subscribed = await call('POST', `${project.base}/execution/job/${jobId}/subscribe`, {
      token: project.token,
      body: { subscriptionType: 'webhook', webhookUrl: `${base}/subscription`, events: ['jobCompleted'] },
    });
    expect(subscribed.status).toBe(201);

    // Act
    await waitForStatus(project, operationId, ['Completed'], 90_000);
    const mine = (path: string) => received.filter((r) => r.path === path && r.body.operationId === operationId);
    await until('every delivery', () =>
      ['/plain', '/callback', '/subscription', '/gone'].every((path) => mine(path).length >= 1) && mine('/flaky').length >= 2 && mine('/busy').length >= 2,
    );

    // Assess: each verifies with the secret the API gave for it, and with no other.
    const verify = (secret: string, delivery: Received) => new Webhook(secret).verify(delivery.raw, delivery.headers);
    expect(verify(secretOf(plain), mine('/plain')[0]!)).toMatchObject({ event: 'operation.completed', operationId });
    expect(verify(secretOf(subscribed.body), mine('/subscription')[0]!)).toMatchObject({ event: 'jobCompleted', operationId });
    expect(verify(callbackSecret, mine('/callback')[0]!)).toMatchObject({ event: 'operation.completed', operationId });
    expect(() => verify(secretOf(plain), mine('/callback')[0]!)).toThrow(/No matching signature/);

    // 500 then 200: one message, the same webhook-id on both attempts, each attempt signed with its own timestamp.
    const attempts = mine('/flaky');
    expect(attempts.map((a) => a.answered)).toEqual([500, 200]);
    expect(attempts[1]!.headers['webhook-id']).toBe(attempts[0]!.headers['webhook-id']);
    attempts.forEach((attempt) => expect(verify(secretOf(flaky), attempt)).toBeTruthy());

    // 429 with Retry-After: 4 is not retried after the policy's 1 s but after at least 4 s.
    const busyAttempts = mine('/busy');
    expect(busyAttempts.map((a) => a.answered)).toEqual([429, 204]);
    expect(busyAttempts[1]!.at - busyAttempts[0]!.at).toBeGreaterThanOrEqual(3500);
    expect(busyAttempts[1]!.headers['webhook-id']).toBe(busyAttempts[0]!.headers['webhook-id']);
    busyAttempts.forEach((attempt) => expect(verify(secretOf(busy), attempt)).toBeTruthy());

    // 410: one attempt, and the webhook is disabled with the reason.
    let goneNow = await call('GET', `${project.base}/async/webhooks/${gone.webhookId}`, { token: project.token });
    for (let i = 0; i < 50 && goneNow.body.status !== 'Disabled'; i++) {
      await new Promise((r) => setTimeout(r, 100));
      goneNow = await call('GET', `${project.base}/async/webhooks/${gone.webhookId}`, { token: project.token });
    }
    expect(goneNow.body).toMatchObject({ status: 'Disabled', disabled: { reason: expect.stringMatching(/410 Gone/) } });
    expect(mine('/gone')).toHaveLength(1);
  }, 150_000);

  it('answers a plain client secret with a warning, and refuses a whsec_ secret of the wrong length', async () => {
    const project = await newProject();
    const body = (secret: string) => ({ webhookUrl: `${base}/plain`, webhookName: 'p', events: ['operation.completed'], authentication: { type: 'hmac-sha256', secret } });
    const plain = await call('POST', `${project.base}/async/webhooks`, { token: project.token, body: body('your-secret-key') });
    expect(plain.status).toBe(201);
    expect(plain.body.authentication).toEqual({ type: 'hmac-sha256' });
    expect(plain.body.warnings).toEqual([expect.stringMatching(/15 characters/)]);
    const short = await call('POST', `${project.base}/async/webhooks`, { token: project.token, body: body(`whsec_${Buffer.alloc(8).toString('base64')}`) });
    expect(short.status).toBe(400);
    expect(short.body.invalidParams).toEqual([{ name: 'body.authentication.secret', reason: expect.stringMatching(/24 to 64 bytes/) }]);
  });
});
