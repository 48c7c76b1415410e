import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call, createDataset, newProject, startAnalysis, waitForStatus, type ApiResponse, type Project } from './client.ts';

/**
 * Receiver safety (SSRF) through the API: each refused receiver is refused at registration. Nothing here may ever
 * deliver to an address outside loopback, so every refused receiver is registered where no event can reach it: webhooks
 * in a project that runs nothing, subscriptions on a job that has already ended, callbacks on a dataset that was never
 * uploaded (the operation could not start even if the callback were wrongly accepted).
 */
const refused = [
  'https://169.254.169.254/latest/meta-data/',
  'https://10.0.0.1/',
  'https://192.168.0.1/',
  'https://100.64.0.1/',
  'https://[fd00::1]/',
  'https://[::ffff:10.0.0.1]/',
  'https://user:pass@example.com/',
  'not a url',
  'https://exa mple.com/',
  'https://example.com:65536/',
];

function expectRefused(response: ApiResponse, field: string) {
  expect(response.status).toBe(400);
  expect(response.headers.get('content-type')).toContain('application/problem+json');
  expect(response.body).toMatchObject({ status: 400, invalidParams: [{ name: field, reason: expect.any(String) }] });
  // A credential in a refused URL is never echoed back.
  expect(JSON.stringify(response.body)).not.toContain('pass@');
}

const webhookBody = (webhookUrl: string, extra: Record<string, unknown> = {}) => ({ webhookUrl, webhookName: 'guarded', events: ['operation.completed'], ...extra });
const subscription = (webhookUrl: string) => ({ subscriptionType: 'webhook', webhookUrl, events: ['jobCompleted'] });

describe('receiver guard at registration', () => {
  let server: Server;
  let loopback: string;
  let hooks: Project;
  let ended: { project: Project; jobId: string };
  let unstartable: { project: Project; datasetId: string };

  beforeAll(async () => {
    // A loopback receiver, to show that local receivers are still admitted; nothing is expected to reach it.
    server = createServer((_request, response) => response.writeHead(204).end());
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    loopback = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;

    hooks = await newProject();
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    const started = await startAnalysis(project, datasetId);
    expect(started.status).toBe(202);
    expect(started.body.jobId).toEqual(expect.any(String));
    await waitForStatus(project, started.body.operationId, ['Completed', 'Failed']);
    ended = { project, jobId: started.body.jobId };
    const other = await newProject();
    unstartable = { project: other, datasetId: (await createDataset(other, 'running-example.xes', 'xes', false)).datasetId };
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it.each(refused)('refuses a webhook to %s', async (url) => {
    expectRefused(await call('POST', `${hooks.base}/async/webhooks`, { token: hooks.token, body: webhookBody(url) }), 'body.webhookUrl');
  });

  it.each(refused)('refuses a job subscription to %s', async (url) => {
    const { project, jobId } = ended;
    expectRefused(await call('POST', `${project.base}/execution/job/${jobId}/subscribe`, { token: project.token, body: subscription(url) }), 'body.webhookUrl');
  });

  it.each(refused)('refuses an operation callback to %s', async (url) => {
    const { project, datasetId } = unstartable;
    expectRefused(await startAnalysis(project, datasetId, { callbacks: { onError: url } }), 'body.callbacks.onError');
  });

  it('refuses plain http to anything but loopback', async () => {
    const { project, datasetId } = unstartable;
    const response = await startAnalysis(project, datasetId, { callbacks: { onProgress: 'http://192.168.0.1/' } });
    expectRefused(response, 'body.callbacks.onProgress');
    expect(response.body.invalidParams[0].reason).toBe('must be an https URL');
  });

  it('names every refused callback at once', async () => {
    const { project, datasetId } = unstartable;
    const response = await startAnalysis(project, datasetId, { callbacks: { onProgress: 'https://192.168.0.1/', onCompletion: 'https://[::ffff:169.254.169.254]/' } });
    expect(response.status).toBe(400);
    expect(response.body.invalidParams).toEqual([
      { name: 'body.callbacks.onProgress', reason: '192.168.0.1 is a private address (RFC 1918)' },
      { name: 'body.callbacks.onCompletion', reason: expect.stringContaining('a form of 169.254.169.254, a link-local address') },
    ]);
  });

  it.each([
    ['a newline', { 'X-Trace': 'a\nInjected: yes' }, 'body.headers.X-Trace'],
    ['a carriage return', { 'X-Trace': 'a\r' }, 'body.headers.X-Trace'],
    ['a NUL', { 'X-Trace': 'a\u0000b' }, 'body.headers.X-Trace'],
    ['a delivery header', { 'X-Webhook-Signature': 'forged' }, 'body.headers.X-Webhook-Signature'],
    ['a Standard Webhooks header', { 'webhook-id': 'forged' }, 'body.headers.webhook-id'],
    ['Host', { Host: 'internal' }, 'body.headers.Host'],
    ['a name with a space', { 'X Trace': 'a' }, 'body.headers.X Trace'],
  ])('refuses a webhook header with %s', async (_what, headers, field) => {
    expectRefused(await call('POST', `${hooks.base}/async/webhooks`, { token: hooks.token, body: webhookBody(`${loopback}/hook`, { headers }) }), field);
  });

  it('still admits loopback receivers on the local stack, over plain http', async () => {
    const webhook = await call('POST', `${hooks.base}/async/webhooks`, { token: hooks.token, body: webhookBody(`${loopback}/hook`, { headers: { 'X-Trace': 'ok' } }) });
    expect(webhook.status).toBe(201);
    const { project, jobId } = ended;
    const port = new URL(loopback).port;
    const subscribed = await call('POST', `${project.base}/execution/job/${jobId}/subscribe`, { token: project.token, body: subscription(`http://localhost:${port}/job`) });
    expect(subscribed.status).toBe(201);
  });

  it('refuses the same receivers when a webhook is updated', async () => {
    const webhook = await call('POST', `${hooks.base}/async/webhooks`, { token: hooks.token, body: webhookBody(`${loopback}/update`) });
    expect(webhook.status).toBe(201);
    const path = `${hooks.base}/async/webhooks/${webhook.body.webhookId}`;
    for (const url of ['https://169.254.169.254/latest/meta-data/', 'https://[::ffff:10.0.0.1]/', 'https://user:pass@example.com/']) {
      expectRefused(await call('PATCH', path, { token: hooks.token, body: { webhookUrl: url } }), 'body.webhookUrl');
    }
    expectRefused(await call('PATCH', path, { token: hooks.token, body: { headers: { 'X-Trace': 'a\nb' } } }), 'body.headers.X-Trace');
    expect((await call('GET', path, { token: hooks.token })).body.webhookUrl).toBe(`${loopback}/update`);
  });
});
