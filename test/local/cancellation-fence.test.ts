import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { S3Client } from '@aws-sdk/client-s3';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoOperationStore } from '../../functions/adapters/dynamo-operation-store.ts';
import { S3ObjectStore } from '../../functions/adapters/s3-object-store.ts';
import { FencedWriteError } from '../../functions/domain/errors.ts';
import { Lifecycle } from '../../functions/domain/lifecycle.ts';
import { phasesByOperationType } from '../../functions/domain/operation-types.ts';
import type { OperationRecord } from '../../functions/domain/records.ts';
import { startDynamoDb } from '../../local/emulators/dynamodb.ts';
import { LOCAL_CREDENTIALS, LOCAL_S3_CLIENT_OPTIONS, startS3 } from '../../local/emulators/s3.ts';
import { startSqs } from '../../local/emulators/sqs.ts';
import { LOCAL_REGION } from '../../local/function-runtime.ts';
import { provision } from '../../local/provision.ts';

const scope = { tenantId: '11111111-1111-4111-8111-111111111111', projectId: '22222222-2222-4222-8222-222222222222' };

const operation = (n: number): OperationRecord => ({
  ...scope,
  operationId: `op-00000000-0000-4000-8000-00000000000${n}`,
  jobId: `00000000-0000-4000-8000-00000000000${n}`,
  operationType: 'ProcessMiningAnalysis',
  operationName: `operation ${n}`,
  priority: 'Normal',
  status: 'Running',
  parameters: {} as OperationRecord['parameters'],
  timeoutSeconds: 3600,
  submittedBy: 'u',
  dateCreated: '2026-01-01T00:00:00.000Z',
  timeoutAt: '2026-01-01T01:00:00.000Z',
  phases: phasesByOperationType.ProcessMiningAnalysis.map((p) => ({ id: p.id, name: p.name, status: 'Pending' as const })),
});

const cancellation = (forceTermination: boolean) => ({
  requestedAt: '2026-01-01T00:10:00.000Z',
  cancelledBy: 'u',
  preservePartialResults: true,
  forceTermination,
  notifyCallbacks: true,
  progressAtCancellation: 20,
  phaseAtCancellation: 'Process Discovery',
});

/** The adapters' side of cancellation against the emulators: the phase-write fence and the prefix operations. */
describe('cancellation in the adapters', () => {
  let dataDir: string;
  const stops: Array<() => Promise<void>> = [];
  let store: DynamoOperationStore;
  let objects: S3ObjectStore;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pm-fence-'));
    const [dynamodb, sqs, s3] = await Promise.all([startDynamoDb({ dataDir }), startSqs(), startS3({ dataDir })]);
    stops.push(dynamodb.stop, sqs.stop, s3.stop);
    const { tableName, bucketName } = await provision({ endpoints: { dynamodb: dynamodb.endpoint, sqs: sqs.endpoint, s3: s3.endpoint } });
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamodb.endpoint, credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION }), {
      marshallOptions: { removeUndefinedValues: true },
    });
    store = new DynamoOperationStore(db, tableName);
    objects = new S3ObjectStore(new S3Client({ ...LOCAL_S3_CLIENT_OPTIONS, endpoint: s3.endpoint, credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION }), () => bucketName);
  });

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('lets the current job write its phases, and refuses a stale attempt’s job', async () => {
    const op = operation(1);
    await store.create(op);
    const job = { ...scope, operationId: op.operationId, jobId: op.jobId, operationType: op.operationType };
    await store.updatePhase(job, op.operationId, 'DataLoadingValidation', { status: 'Completed' });
    await expect(store.updatePhase({ ...job, jobId: '00000000-0000-4000-8000-0000000000ff' }, op.operationId, 'ProcessDiscovery', { status: 'Completed' })).rejects.toBeInstanceOf(FencedWriteError);
    const stored = await store.get(scope, op.operationId);
    expect(stored!.phases.map((p) => p.status).slice(0, 2)).toEqual(['Completed', 'Pending']);
  });

  it('refuses the running job’s writes after a forced cancellation, not after a graceful one', async () => {
    const forced = operation(2);
    const graceful = operation(3);
    await Promise.all([store.create(forced), store.create(graceful)]);
    const lifecycle = new Lifecycle(store);
    await lifecycle.apply('cancel', scope, forced.operationId, { cancellation: cancellation(true) });
    await lifecycle.apply('cancel', scope, graceful.operationId, { cancellation: cancellation(false) });
    const jobOf = (op: OperationRecord) => ({ ...scope, operationId: op.operationId, jobId: op.jobId, operationType: op.operationType });
    await expect(store.updatePhase(jobOf(forced), forced.operationId, 'ProcessDiscovery', { status: 'Completed' }, { processedRecords: 5 })).rejects.toBeInstanceOf(FencedWriteError);
    await store.updatePhase(jobOf(graceful), graceful.operationId, 'ProcessDiscovery', { status: 'Completed' });
    expect((await store.get(scope, forced.operationId))!).toMatchObject({ status: 'Cancelled', phases: expect.arrayContaining([expect.objectContaining({ id: 'ProcessDiscovery', status: 'Pending' })]) });
    expect((await store.get(scope, forced.operationId))!.processedRecords).toBeUndefined();
    expect((await store.get(scope, graceful.operationId))!.phases[1]!.status).toBe('Completed');
    // The cancellation itself records the stopped phase: a write that names no job is not fenced.
    await store.updatePhase(scope, forced.operationId, 'ProcessDiscovery', { status: 'Cancelled' });
    expect((await store.get(scope, forced.operationId))!.phases[1]!.status).toBe('Cancelled');
  });

  it('lists and deletes every object under a prefix, and nothing else', async () => {
    const keys = Array.from({ length: 5 }, (_, i) => `jobs/a/part-${i}.json`);
    for (const key of [...keys, 'jobs/ab/other.json', 'jobs/b/other.json']) await objects.write(key, '{}', 'application/json');
    expect(await objects.listPrefix('jobs/a/', 100)).toEqual(keys);
    expect(await objects.listPrefix('jobs/a/', 2)).toEqual(keys.slice(0, 2));
    expect(await objects.deletePrefix('jobs/a/')).toBe(5);
    expect(await objects.listPrefix('jobs/a/', 100)).toEqual([]);
    expect(await objects.listPrefix('jobs/', 100)).toEqual(['jobs/ab/other.json', 'jobs/b/other.json']);
    expect(await objects.deletePrefix('jobs/none/')).toBe(0);
  });
});
