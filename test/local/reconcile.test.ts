import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, GetCommand } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoBatchStore } from '../../functions/adapters/dynamo-batch-store.ts';
import { DynamoJobJournal } from '../../functions/adapters/dynamo-job-journal.ts';
import { DynamoOperationStore } from '../../functions/adapters/dynamo-operation-store.ts';
import { BatchService } from '../../functions/domain/batch-service.ts';
import { CallbackNotifier, type CallbackDelivery } from '../../functions/domain/callbacks.ts';
import type { DatasetService } from '../../functions/domain/dataset-service.ts';
import { OperationService } from '../../functions/domain/operation-service.ts';
import { phasesByOperationType } from '../../functions/domain/operation-types.ts';
import type { ObjectStore, WebhookStore, WorkflowEngine } from '../../functions/domain/ports.ts';
import type { JobRef, OperationRecord, WebhookRecord } from '../../functions/domain/records.ts';
import { Scheduler } from '../../functions/domain/scheduler.ts';
import { startDynamoDb } from '../../local/emulators/dynamodb.ts';
import { LOCAL_CREDENTIALS, startS3 } from '../../local/emulators/s3.ts';
import { startSqs } from '../../local/emulators/sqs.ts';
import { LOCAL_REGION } from '../../local/function-runtime.ts';
import { provision } from '../../local/provision.ts';
import { reconcileAfterRestart, type ReconcileServices } from '../../local/reconcile.ts';
import { pricesByRegion } from '../../functions/domain/pricing.ts';

const scope = { tenantId: '11111111-1111-4111-8111-111111111111', projectId: '22222222-2222-4222-8222-222222222222' };
const restartedAt = new Date('2026-01-01T01:00:00.000Z');

const operation = (n: number, status: OperationRecord['status'], fields: Partial<OperationRecord> = {}): OperationRecord => ({
  ...scope,
  operationId: `op-00000000-0000-4000-8000-00000000000${n}`,
  jobId: `00000000-0000-4000-8000-00000000000${n}`,
  operationType: 'ProcessMiningAnalysis',
  operationName: `operation ${n}`,
  priority: 'Normal',
  status,
  parameters: {} as OperationRecord['parameters'],
  timeoutSeconds: 7200,
  submittedBy: 'u',
  dateCreated: `2026-01-01T00:00:0${n}.000Z`,
  // Later than the restart: an operation past its timeoutAt is timed out at admission, not started.
  timeoutAt: '2026-01-01T02:00:00.000Z',
  phases: phasesByOperationType.ProcessMiningAnalysis.map((p) => ({ id: p.id, name: p.name, status: 'Pending' as const })),
  ...fields,
});
const webhook: WebhookRecord = {
  ...scope,
  webhookId: 'wh-00000000-0000-4000-8000-0000000000aa',
  webhookUrl: 'http://127.0.0.1:9/hook',
  webhookName: 'failures',
  status: 'Active',
  events: ['operation.failed', 'operation.phase.failed'],
  retryPolicy: { maxRetries: 1, retryDelay: 1, backoffMultiplier: 1, maxDelay: 1 },
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'u',
  stats: { totalDeliveries: 0, successfulDeliveries: 0, failedDeliveries: 0, totalResponseMs: 0 },
};
const jobOf = (op: OperationRecord): JobRef => ({ ...scope, operationId: op.operationId, jobId: op.jobId, operationType: op.operationType });

describe('reconcileAfterRestart', () => {
  let dataDir: string;
  const stops: Array<() => Promise<void>> = [];
  let db: DynamoDBDocumentClient;
  let tableName: string;
  let store: DynamoOperationStore;
  let journal: DynamoJobJournal;
  const queued: CallbackDelivery[] = [];
  const started: string[] = [];
  let services: ReconcileServices;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pm-reconcile-'));
    const [dynamodb, sqs, s3] = await Promise.all([startDynamoDb({ dataDir }), startSqs(), startS3({ dataDir })]);
    stops.push(dynamodb.stop, sqs.stop, s3.stop);
    ({ tableName } = await provision({ endpoints: { dynamodb: dynamodb.endpoint, sqs: sqs.endpoint, s3: s3.endpoint } }));
    db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamodb.endpoint, credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION }), {
      marshallOptions: { removeUndefinedValues: true },
    });
    // Two slots, as MAX_ACTIVE_OPERATIONS_PER_PROJECT=2 would give.
    store = new DynamoOperationStore(db, tableName, 2);
    journal = new DynamoJobJournal(db, tableName, 1);
    // The project's one webhook; the notifier only lists the receivers (webhook storage has its own tests).
    const webhooks = { list: async () => [webhook], listForJob: async () => [] } as unknown as WebhookStore;
    const clock = { now: () => restartedAt };
    const workflows: WorkflowEngine = {
      start: async (_type, executionName) => {
        started.push(executionName);
        return { executionArn: `arn:aws:states:us-east-1:000000000000:execution:test:${executionName}` };
      },
      stop: async () => undefined,
    };
    const operationService = new OperationService(store, {} as DatasetService, workflows, {} as ObjectStore, { send: async () => undefined }, clock, pricesByRegion['us-east-1'], { assertAllowed: async () => undefined });
    const batches = new BatchService(new DynamoBatchStore(db, tableName), store, operationService, workflows, clock);
    services = {
      operations: store,
      journal,
      notifier: new CallbackNotifier({ send: async (delivery) => void queued.push(delivery) }, webhooks, clock),
      scheduler: new Scheduler(store, batches, operationService),
      admitQueued: (s) => operationService.admitQueued(s),
    };
  });

  afterAll(async () => {
    db?.destroy();
    for (const stop of stops) await stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('fails interrupted operations where they stopped, notifies, frees their slots and admits the queued', async () => {
    // 1: Running, in its second phase; its last fact is a resource sample at 00:00:40.
    const running = operation(1, 'Initiated', { callbacks: { onError: 'http://127.0.0.1:9/errors' }, callbackStats: { sent: 0, successful: 0, failed: 0, progressSent: 0 } });
    await store.create(running);
    await store.transition(scope, running.operationId, ['Initiated'], 'Running', { startTime: '2026-01-01T00:00:10.000Z' });
    await store.updatePhase(scope, running.operationId, 'DataLoadingValidation', { status: 'Completed', startTime: '2026-01-01T00:00:10.000Z', endTime: '2026-01-01T00:00:20.000Z', durationMs: 10_000 });
    await store.updatePhase(scope, running.operationId, 'ProcessDiscovery', { status: 'Running', startTime: '2026-01-01T00:00:21.000Z', recordsProcessed: 5 });
    await journal.append(jobOf(running), {
      logs: [{ timestamp: '2026-01-01T00:00:35.000Z', level: 'INFO', component: 'ProcessMiner', stage: 'Process Discovery', message: 'working' }],
      events: [{ timestamp: '2026-01-01T00:00:21.000Z', eventType: 'StageStarted', description: 'Process Discovery started' }],
      samples: [
        { timestamp: '2026-01-01T00:00:40.000Z', stage: 'Process Discovery', cpuPercent: 50, rssBytes: 1, heapUsedBytes: 1, memoryLimitBytes: null, fsReadBytes: 0, fsWriteBytes: 0, networkInBytes: 0, recordsProcessed: 5 },
      ],
    });
    // 2: Initiated (slot taken, execution never started): nothing recorded after its creation.
    const initiated = operation(2, 'Initiated');
    await store.create(initiated);
    // 3: waits for a slot; 4: ended before the restart.
    const waiting = operation(3, 'Queued', { waitingFor: 'capacity' });
    await store.create(waiting);
    const completed = operation(4, 'Queued', { waitingFor: 'capacity' });
    await store.create(completed);
    await store.transition(scope, completed.operationId, ['Queued'], 'Completed', { endTime: '2026-01-01T00:00:05.000Z' });
    expect(await store.counts(scope)).toMatchObject({ Running: 1, Initiated: 1, Queued: 1, Completed: 1 });

    const result = await reconcileAfterRestart({ db, tableName, services, clock: { now: () => restartedAt } });

    expect(result.failed).toEqual(
      expect.arrayContaining([
        { operationId: running.operationId, interruptedAt: '2026-01-01T00:00:40.000Z', phase: 'Process Discovery' },
        { operationId: initiated.operationId, interruptedAt: initiated.dateCreated, phase: null },
      ]),
    );
    expect(result.failed).toHaveLength(2);

    const failed = (await store.get(scope, running.operationId))!;
    expect(failed).toMatchObject({ status: 'Failed', startTime: '2026-01-01T00:00:10.000Z', endTime: '2026-01-01T00:00:40.000Z', error: { error: 'LocalStackRestarted' } });
    expect(failed.error?.cause).toContain('2026-01-01T00:00:40.000Z');
    expect(failed.phases[0]).toMatchObject({ status: 'Completed', endTime: '2026-01-01T00:00:20.000Z' });
    expect(failed.phases[1]).toMatchObject({ status: 'Failed', startTime: '2026-01-01T00:00:21.000Z', endTime: '2026-01-01T00:00:40.000Z', durationMs: 19_000, recordsProcessed: 5 });
    expect(failed.phases.slice(2).every((p) => p.status === 'Pending')).toBe(true);
    expect(await store.get(scope, initiated.operationId)).toMatchObject({ status: 'Failed', endTime: initiated.dateCreated });
    expect((await store.get(scope, completed.operationId))?.status).toBe('Completed');

    // The job says why, at the moment it stopped.
    const events = await journal.read({ ...scope, jobId: running.jobId }, 'events');
    expect(events.filter((e) => e.eventType === 'StageFailed' || e.eventType === 'JobFailed')).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ timestamp: '2026-01-01T00:00:40.000Z', eventType: 'StageFailed' }),
        expect.objectContaining({ timestamp: '2026-01-01T00:00:40.000Z', eventType: 'JobFailed' }),
      ]),
    );
    const errors = (await journal.read({ ...scope, jobId: running.jobId }, 'logs')).filter((l) => l.level === 'ERROR');
    expect(errors).toHaveLength(2);
    expect(errors.every((l) => l.timestamp === '2026-01-01T00:00:40.000Z' && l.message.includes('local stack stopped'))).toBe(true);

    // Notified through the normal path: the callback's onError and the webhook.
    const summary = queued.map((d) => ({ operationId: d.operation.operationId, event: d.event, kind: d.target.kind, status: d.payload.status }));
    expect(summary).toEqual(
      expect.arrayContaining([
        { operationId: running.operationId, event: 'operation.phase.failed', kind: 'webhook', status: 'Running' },
        { operationId: running.operationId, event: 'operation.failed', kind: 'callback', status: 'Failed' },
        { operationId: running.operationId, event: 'operation.failed', kind: 'webhook', status: 'Failed' },
        { operationId: initiated.operationId, event: 'operation.failed', kind: 'webhook', status: 'Failed' },
      ]),
    );
    expect(summary).toHaveLength(4);
    expect(queued.find((d) => d.event === 'operation.failed')?.payload.error).toMatchObject({ error: 'LocalStackRestarted' });

    // Both slots freed; the queued operation took one and its execution started (Running once StartExecution returned).
    expect(await store.get(scope, waiting.operationId)).toMatchObject({ status: 'Running' });
    expect(started).toEqual([waiting.jobId]);
    expect(await store.counts(scope)).toMatchObject({ total: 4, Initiated: 0, Running: 1, Queued: 0, Failed: 2, Completed: 1 });
    const counters = await db.send(new GetCommand({ TableName: tableName, Key: { pk: `T#${scope.tenantId}#P#${scope.projectId}`, sk: 'COUNTERS#OPERATIONS' } }));
    expect(counters.Item?.active).toBe(1);
  });

  it('leaves queued operations queued: those waiting for a dependency are not admitted', async () => {
    const other = { tenantId: scope.tenantId, projectId: '33333333-3333-4333-8333-333333333333' };
    // Waits for a batch dependency, not for capacity: admission leaves it alone, and so must the restart.
    const waiting = { ...operation(5, 'Queued'), ...other };
    await store.create(waiting);

    const result = await reconcileAfterRestart({ db, tableName, services });

    // Operation 3 was admitted by the first run but its (fake) execution never ran: interrupted now.
    expect(result.failed.map((f) => f.operationId)).toEqual([operation(3, 'Queued').operationId]);
    expect(result.admitted).toBe(0);
    expect((await store.get(other, waiting.operationId))?.status).toBe('Queued');
    expect(await store.counts(other)).toMatchObject({ Queued: 1, Failed: 0 });
  });
});
