import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { afterAll, beforeAll, inject, describe, expect, it } from 'vitest';
import { call, datasetsDir, newProject, waitForStatus, type ApiResponse, type Project } from './client.ts';
import { startLoopbackReceiver, type LoopbackReceiver } from './loopback-receiver.ts';
import { routes, type FunctionId } from '../../lib/topology.ts';
import { successResponses } from '../../functions/openapi/success-responses.ts';

const get = (path: string) => fetch(`${inject('baseUrl')}${path}`);

describe('the published contract', () => {
  it('serves the OpenAPI document without a token, listing every topology route', async () => {
    const response = await get('/openapi.json');
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    const document = (await response.json()) as { openapi: string; servers: { url: string }[]; paths: Record<string, Record<string, unknown>> };
    expect(document.openapi).toMatch(/^3\.1\./);
    // Paths in the document are relative to this server, the base URL the caller used.
    expect(document.servers).toEqual([{ url: inject('baseUrl') }]);
    const missing = routes.filter((route) => !document.paths[route.path]?.[route.method.toLowerCase()]).map((route) => `${route.method} ${route.path}`);
    expect(missing).toEqual([]);
  });

  it('serves the reference page without a token, with its script from the service itself', async () => {
    const page = await get('/docs');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    const scripts = [...html.matchAll(/<script src="([^"]+)"/g)].map(([, src]) => src!);
    // Relative, so no CDN and no host: the page works under a stage prefix too.
    expect(scripts).toEqual(['docs/reference.js']);
    expect(html).toContain("url: 'openapi.json'");

    const script = await get(`/${scripts[0]}`);
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect(await script.text()).toContain('createApiReference');
  });

  it('answers 405 to other methods on the public routes', async () => {
    const response = await fetch(`${inject('baseUrl')}/openapi.json`, { method: 'POST' });
    expect(response.status).toBe(405);
  });
});

describe('the typed responses of the contract', () => {
  let project: Project;
  let receiver: LoopbackReceiver;
  const checked = new Set<FunctionId>();

  /** The answer has the status and body the document gives its route. */
  function expectContract(functionId: FunctionId, response: ApiResponse) {
    const success = successResponses[functionId]!;
    expect(response.status, `${functionId}: ${JSON.stringify(response.body)}`).toBe(success.status);
    const parsed = success.schema!.safeParse(response.body);
    expect(parsed.success ? [] : parsed.error.issues, `${functionId} body against its response schema`).toEqual([]);
    checked.add(functionId);
  }

  beforeAll(async () => {
    project = await newProject();
    receiver = await startLoopbackReceiver();
  });
  afterAll(() => receiver.close());

  it('match what the service answers on the main routes', async () => {
    const { token, base } = project;
    expectContract('Health', await call('GET', '/health'));

    const created = await call('POST', `${base}/datasets`, { token, body: { name: 'receipt', format: 'csv' } });
    expectContract('CreateDataset', created);
    const put = await fetch(created.body.upload.url, { method: 'PUT', headers: created.body.upload.headers, body: await readFile(resolve(datasetsDir, 'receipt.csv')) });
    expect(put.ok).toBe(true);
    expectContract('GetDataset', await call('GET', `${base}/datasets/${created.body.datasetId}`, { token }));
    expectContract('ListDatasets', await call('GET', `${base}/datasets`, { token }));

    const started = await call('POST', `${base}/async/operation`, {
      token,
      body: { operationType: 'ProcessMiningAnalysis', operationName: 'contract', parameters: { datasetId: created.body.datasetId } },
    });
    expectContract('StartOperation', started);
    expectContract('GetOperation', await call('GET', `${base}/async/operation/${started.body.operationId}`, { token }));
    await waitForStatus(project, started.body.operationId, ['Completed', 'Failed'], 90_000);
    expectContract('GetOperation', await call('GET', `${base}/async/operation/${started.body.operationId}`, { token }));
    expectContract('ListOperations', await call('GET', `${base}/async/operations?includeDetails=true`, { token }));
    const another = await call('POST', `${base}/async/operation`, {
      token,
      body: { operationType: 'ProcessMiningAnalysis', operationName: 'contract, cancelled', parameters: { datasetId: created.body.datasetId } },
    });
    expectContract('CancelOperation', await call('DELETE', `${base}/async/operation/${another.body.operationId}`, { token, body: { reason: 'contract check' } }));

    expectContract('GetSigningSecret', await call('GET', `${base}/async/signing-secret`, { token }));
    expectContract('RotateSigningSecret', await call('POST', `${base}/async/signing-secret/rotate`, { token, body: {} }));
    expectContract('GetSigningSecret', await call('GET', `${base}/async/signing-secret`, { token }));

    const webhook = await call('POST', `${base}/async/webhooks`, {
      token,
      body: { webhookUrl: `${receiver.base}/hook`, webhookName: 'contract', events: ['operation.completed'], authentication: { type: 'hmac-sha256' } },
    });
    expectContract('RegisterWebhook', webhook);
    expectContract('GetWebhook', await call('GET', `${base}/async/webhooks/${webhook.body.webhookId}`, { token }));
    expectContract('ListWebhooks', await call('GET', `${base}/async/webhooks`, { token }));
    expectContract('UpdateWebhook', await call('PATCH', `${base}/async/webhooks/${webhook.body.webhookId}`, { token, body: { status: 'Disabled' } }));

    // Here the zod schemas themselves judge the main routes; every answer of every route, in every test, is also
    // checked against the generated document by the local front (local/contract-check.ts, reported at teardown).
    expect(checked.size).toBeGreaterThanOrEqual(13);
  }, 120_000);
});
