import { randomUUID } from 'node:crypto';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { writeSyntheticCsv } from '../../bench/synthetic-log.ts';
import { mintToken } from '../../local/local-issuer.ts';
import { eventually, startFlakyReceiver, startStackProcess, type StackProcess } from './stack-process.ts';

const datasets = resolve(import.meta.dirname, '../../../shared/datasets');

/**
 * `npm start`, stopped with Ctrl-C (SIGINT to its process group) and started again on the same data folder: a delivery waiting for its retry
 * (the receiver was down) arrives once the receiver is up, and an operation interrupted in a phase is failed where
 * it stopped, its slot freed, the queued operation admitted and `operation.failed` delivered.
 */
describe('a restart of the local stack', () => {
  let dataDir: string;
  let stack: StackProcess | undefined;
  let receiver: Awaited<ReturnType<typeof startFlakyReceiver>>;
  let bigLog: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pm-restart-'));
    receiver = await startFlakyReceiver();
    // Big enough that its analysis is still running a phase seconds after it starts.
    bigLog = writeSyntheticCsv({ events: 2_000_000, seed: 7 }, join(dataDir, 'big.csv'));
  });

  afterAll(async () => {
    await stack?.stop().catch(() => undefined);
    await receiver?.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('loses no delivery and fails the interrupted operation where it stopped', { timeout: 300_000 }, async () => {
    // One slot, so an operation submitted while the big one runs waits as Queued.
    const env = { MAX_ACTIVE_OPERATIONS_PER_PROJECT: '1' };
    stack = await startStackProcess(dataDir, env);
    const tenantId = randomUUID();
    const projectId = randomUUID();
    const token = await mintToken(dataDir, { tenantId, projectIds: [projectId], userId: 'restart-test' });
    const base = `/api/${tenantId}/${projectId}`;
    const call = async (method: string, path: string, body?: unknown) => {
      const response = await fetch(`${stack!.url}${base}${path}`, {
        method,
        headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
        ...(body ? { body: JSON.stringify(body) } : {}),
      });
      const text = await response.text();
      return { status: response.status, body: text ? JSON.parse(text) : undefined };
    };
    const upload = async (name: string, path: string) => {
      const created = await call('POST', '/datasets', { name, format: 'csv' });
      expect(created.status).toBe(201);
      const put = await fetch(created.body.upload.url, { method: 'PUT', headers: created.body.upload.headers, body: await readFile(path) });
      expect(put.ok).toBe(true);
      return created.body.datasetId as string;
    };
    const start = async (datasetId: string, name: string) => {
      const started = await call('POST', '/async/operation', { operationType: 'ProcessMiningAnalysis', operationName: name, parameters: { datasetId } });
      expect(started.status).toBe(202);
      return started.body as { operationId: string; status: string };
    };
    const operation = async (operationId: string) => (await call('GET', `/async/operation/${operationId}`)).body;
    const statusOf = (operationId: string, statuses: string[]) =>
      eventually(`${operationId} in ${statuses.join('/')}`, async () => {
        const op = await operation(operationId);
        return statuses.includes(op?.status) ? op : undefined;
      });

    // A webhook whose receiver is down; retries 8 s apart, so one is pending when the stack stops.
    const registered = await call('POST', '/async/webhooks', {
      webhookUrl: `${receiver.url}/hooks`,
      webhookName: 'restart',
      events: ['operation.completed', 'operation.failed'],
      retryPolicy: { maxRetries: 10, retryDelay: 8, backoffMultiplier: 1, maxDelay: 8 },
    });
    expect(registered.status).toBe(201);
    const webhookId = registered.body.webhookId as string;

    const small = await upload('receipt', join(datasets, 'receipt.csv'));
    const completed = await start(small, 'completes before the stop');
    await statusOf(completed.operationId, ['Completed']);
    const firstAttempt = await eventually('the first attempt of operation.completed', async () =>
      receiver.deliveries.find((d) => d.headers['x-webhook-event'] === 'operation.completed' && JSON.parse(d.body).operationId === completed.operationId),
    );
    expect(firstAttempt.answered).toBe(500);
    const deliveryId = firstAttempt.headers['x-webhook-delivery'];

    // The big analysis takes the one slot; the next one waits.
    const big = await upload('big', bigLog);
    const interrupted = await start(big, 'interrupted by the stop');
    const waiting = await start(small, 'queued across the stop');
    expect(waiting.status).toBe('Queued');
    const runningPhase = await eventually(
      'a running phase',
      async () => (await operation(interrupted.operationId))?.phases?.find((p: { status: string }) => p.status === 'Running') as { phaseName: string; startTime: string } | undefined,
      60_000,
      100,
    );

    const stoppedAt = Date.now();
    expect(await stack.stop()).toBe(true);
    const exitedAt = Date.now();
    expect(stack.output()).toMatch(/Kept [1-9]\d* queued message/);
    // Waiting for its retry, not given up on and not counted as failed.
    expect(receiver.deliveries.filter((d) => d.headers['x-webhook-delivery'] === deliveryId && d.answered !== 500)).toEqual([]);

    stack = await startStackProcess(dataDir, env);
    const restartedAt = Date.now();
    expect(stack.output()).toMatch(/Restored [1-9]\d* queued message/);
    receiver.bringUp();

    // The pending delivery arrives: same delivery id, same payload, accepted once.
    const accepted = await eventually('the pending delivery', async () => receiver.deliveries.find((d) => d.headers['x-webhook-delivery'] === deliveryId && d.answered === 204), 60_000);
    expect(accepted.body).toBe(firstAttempt.body);
    expect(accepted.at).toBeGreaterThan(restartedAt);

    // The interrupted operation: failed where it stopped, not at the restart.
    const failed = await statusOf(interrupted.operationId, ['Failed']);
    expect(failed.error).toMatchObject({ error: 'LocalStackRestarted' });
    const phase = failed.phases.find((p: { phaseName: string }) => p.phaseName === runningPhase.phaseName);
    expect(phase.status).toBe('Failed');
    expect(Date.parse(phase.endTime)).toBeGreaterThanOrEqual(Date.parse(runningPhase.startTime));
    expect(Date.parse(phase.endTime)).toBeLessThanOrEqual(exitedAt);
    expect(phase.durationMs).toBe(Date.parse(phase.endTime) - Date.parse(phase.startTime));
    expect(failed.phases.some((p: { status: string }) => p.status === 'Running')).toBe(false);
    expect(Date.parse(failed.endTime)).toBe(Date.parse(phase.endTime));
    expect(Date.parse(failed.endTime)).toBeLessThan(restartedAt);
    expect(Date.parse(failed.endTime)).toBeGreaterThan(stoppedAt - 5_000);

    // operation.failed reaches the receiver.
    const failure = await eventually('operation.failed', async () =>
      receiver.deliveries.find((d) => d.headers['x-webhook-event'] === 'operation.failed' && d.answered === 204 && JSON.parse(d.body).operationId === interrupted.operationId),
    );
    expect(JSON.parse(failure.body)).toMatchObject({ status: 'Failed', error: { error: 'LocalStackRestarted' } });

    // Its slot went to the queued operation, which runs to the end.
    await statusOf(waiting.operationId, ['Completed']);
    const listed = await call('GET', '/async/operations');
    expect(listed.body.summary).toMatchObject({ totalOperations: 3, running: 0, initiated: 0, queued: 0, completed: 2, failed: 1 });

    // Each delivery was accepted exactly once, and none was counted as failed.
    const acceptedIds = receiver.deliveries.filter((d) => d.answered === 204).map((d) => d.headers['x-webhook-delivery']);
    expect(new Set(acceptedIds).size).toBe(acceptedIds.length);
    const webhook = await eventually('the delivery stats', async () => {
      const { body } = await call('GET', `/async/webhooks/${webhookId}`);
      return body?.deliveryStats?.successfulDeliveries >= 3 ? body : undefined;
    });
    expect(webhook.deliveryStats).toMatchObject({ successfulDeliveries: 3, failedDeliveries: 0 });
  });
});
