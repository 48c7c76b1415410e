import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { documentBatch } from './document-requests.ts';
import { call, createDataset, newProject, type Project } from './client.ts';

interface Received {
  path: string;
  headers: Record<string, string>;
  raw: string;
  body: any;
}

/**
 * Batch callbacks as a receiver sees them: each verified with the Standard Webhooks reference library and the
 * project's signing secret. Receivers are on 127.0.0.1.
 */
describe('batch callbacks', () => {
  let server: Server;
  let base: string;
  const received: Received[] = [];

  beforeAll(async () => {
    server = createServer((request, response) => {
      let raw = '';
      request.on('data', (chunk: Buffer) => (raw += chunk.toString()));
      request.on('end', () => {
        received.push({ path: request.url ?? '', headers: request.headers as Record<string, string>, raw, body: JSON.parse(raw) });
        response.writeHead(204).end();
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });

  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  async function until(what: string, predicate: () => boolean, timeoutMs = 90_000) {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`${what} did not arrive in time`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  async function secretOf(project: Project): Promise<string> {
    const rotated = await call('POST', `${project.base}/async/signing-secret/rotate`, { token: project.token });
    expect(rotated.status).toBe(200);
    return rotated.body.secret as string;
  }

  it("delivers the document's batch callbacks: onBatchStart, one onOperationComplete per operation, onBatchComplete, all signed", async () => {
    // Prepare
    const project = await newProject();
    const secret = await secretOf(project);
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');

    // Act
    const submitted = await call('POST', `${project.base}/async/batch`, { token: project.token, body: documentBatch(datasetId, base) });

    // Assess
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const batchId = submitted.body.batchId as string;
    // No history yet: the estimates say so rather than invent a figure.
    expect(submitted.body).toMatchObject({ estimatedBatchDuration: null, estimatedBatchCompletion: null });
    expect(submitted.body.operations[1]).toMatchObject({ estimatedDuration: null, estimatedStartTime: null });
    const mine = (path: string) => received.filter((r) => r.path === path && r.body.batchId === batchId);
    await until('onBatchComplete', () => mine('/webhooks/batch-complete').length >= 1);
    // A moment for any duplicate to show itself.
    await new Promise((r) => setTimeout(r, 1500));

    const verify = (delivery: Received) => new Webhook(secret).verify(delivery.raw, delivery.headers) as Record<string, unknown>;
    const started = mine('/webhooks/batch-start');
    expect(started).toHaveLength(1);
    expect(verify(started[0]!)).toMatchObject({ event: 'batch.started', batchId, totalOperations: 3 });
    expect(started[0]!.body.operations.map((o: { operationKey: string }) => o.operationKey)).toEqual(['data-prep', 'discovery', 'performance']);

    const completions = mine('/webhooks/operation-complete');
    expect(completions.map((c) => c.body.operationKey).sort()).toEqual(['data-prep', 'discovery', 'performance']);
    for (const completion of completions) expect(verify(completion)).toMatchObject({ event: 'batch.operation.completed', batchId, status: 'Completed' });
    const ids = submitted.body.operations.map((o: { operationId: string }) => o.operationId).sort();
    expect(completions.map((c) => c.body.operationId).sort()).toEqual(ids);

    const done = mine('/webhooks/batch-complete');
    expect(done).toHaveLength(1);
    expect(verify(done[0]!)).toMatchObject({ event: 'batch.completed', batchId, status: 'Completed', completed: 3, failed: 0, cancelled: 0 });
    // Distinct deliveries: a receiver deduplicating on webhook-id keeps all five.
    expect(new Set([...started, ...completions, ...done].map((d) => d.headers['webhook-id'])).size).toBe(5);

    const batch = await call('GET', `${project.base}/async/batch/${batchId}`, { token: project.token });
    // Ended: the critical path's times are all real, so the "estimate" is when the batch did end.
    expect(batch.body).toMatchObject({ status: 'Completed', failurePolicy: { retryFailedOperations: true }, estimatedBatchCompletion: done[0]!.body.batchEndTime });
    // The document's name and description are kept as written.
    expect(batch.body).toMatchObject({ batchName: documentBatch(datasetId, base).batchName, batchDescription: documentBatch(datasetId, base).batchDescription });
    // retryFailedOperations gave each operation a retry policy, so each lists its attempts (one: nothing failed).
    for (const id of ids) {
      const operation = await call('GET', `${project.base}/async/operation/${id}`, { token: project.token });
      expect(operation.body.attempts).toHaveLength(1);
    }
  });

  it('sends onBatchComplete once and one onOperationComplete per operation when operations end together', async () => {
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    const operations = ['a', 'b', 'c'].map((key) => ({ operationKey: key, operationName: key, operationType: 'ProcessMiningAnalysis', parameters: { datasetId } }));
    const submitted = await call('POST', `${project.base}/async/batch`, {
      token: project.token,
      body: { batchName: 'side by side', operations, batchCallbacks: { onOperationComplete: `${base}/together/op`, onBatchComplete: `${base}/together/done` } },
    });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const batchId = submitted.body.batchId as string;
    const mine = (path: string) => received.filter((r) => r.path === path && r.body.batchId === batchId);
    await until('onBatchComplete', () => mine('/together/done').length >= 1);
    await new Promise((r) => setTimeout(r, 1500));
    expect(mine('/together/done')).toHaveLength(1);
    expect(mine('/together/op').map((d) => d.body.operationKey).sort()).toEqual(['a', 'b', 'c']);
  });

  it('retryFailedOperations: a failed operation is retried before its dependents are cancelled, and announced once', async () => {
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    // The cleaning's first run fails with a retryable error; its one automatic retry succeeds.
    const fault = await call('POST', '/_local/faults', { body: { projectId: project.projectId, phase: 'DataCleaning', mode: 'error', count: 1 } });
    expect(fault.status).toBe(201);
    const body = documentBatch(datasetId, `${base}/retried`);
    const submitted = await call('POST', `${project.base}/async/batch`, { token: project.token, body });
    expect(submitted.status, JSON.stringify(submitted.body)).toBe(202);
    const batchId = submitted.body.batchId as string;
    const mine = (path: string) => received.filter((r) => r.path === path && r.body.batchId === batchId);
    await until('onBatchComplete', () => mine('/retried/webhooks/batch-complete').length >= 1, 120_000);
    await new Promise((r) => setTimeout(r, 1500));
    expect(mine('/retried/webhooks/batch-complete').map((d) => d.body.status)).toEqual(['Completed']);
    // The failed attempt did not end the operation: one announcement each, all Completed.
    expect(mine('/retried/webhooks/operation-complete').map((d) => [d.body.operationKey, d.body.status]).sort()).toEqual([
      ['data-prep', 'Completed'],
      ['discovery', 'Completed'],
      ['performance', 'Completed'],
    ]);
    const prep = await call('GET', `${project.base}/async/operation/${submitted.body.operations[0].operationId}`, { token: project.token });
    expect(prep.body.attempts.map((a: { status: string }) => a.status)).toEqual(['Failed', 'Completed']);
  });

  it('refuses a batch whose callback receiver the guard refuses, naming it, and runs nothing', async () => {
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    const body = documentBatch(datasetId, base);
    // The cloud metadata address: refused at submission, never contacted.
    body.batchCallbacks.onBatchComplete = 'https://169.254.169.254/latest/meta-data';
    const refused = await call('POST', `${project.base}/async/batch`, { token: project.token, body });
    expect(refused.status).toBe(400);
    expect(refused.body.invalidParams.map((p: { name: string }) => p.name)).toContain('body.batchCallbacks.onBatchComplete');
    const listed = await call('GET', `${project.base}/async/operations`, { token: project.token });
    expect(listed.body.summary.totalOperations).toBe(0);
  });
});
