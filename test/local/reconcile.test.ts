import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoOperationStore } from '../../functions/adapters/dynamo-operation-store.ts';
import type { OperationRecord } from '../../functions/domain/records.ts';
import { startDynamoDb } from '../../local/emulators/dynamodb.ts';
import { LOCAL_CREDENTIALS, startS3 } from '../../local/emulators/s3.ts';
import { startSqs } from '../../local/emulators/sqs.ts';
import { LOCAL_REGION } from '../../local/function-runtime.ts';
import { provision } from '../../local/provision.ts';
import { failOrphanedOperations } from '../../local/reconcile.ts';

const scope = { tenantId: '11111111-1111-4111-8111-111111111111', projectId: '22222222-2222-4222-8222-222222222222' };

const operation = (operationId: string, status: OperationRecord['status']): OperationRecord => ({
  ...scope,
  operationId,
  jobId: operationId.slice(3),
  operationType: 'ProcessMiningAnalysis',
  operationName: operationId,
  priority: 'Normal',
  status,
  parameters: {} as OperationRecord['parameters'],
  timeoutSeconds: 60,
  submittedBy: 'u',
  dateCreated: '2026-01-01T00:00:00.000Z',
  timeoutAt: '2026-01-01T00:01:00.000Z',
  phases: [],
});

describe('failOrphanedOperations', () => {
  let dataDir: string;
  const stops: Array<() => Promise<void>> = [];
  let store: DynamoOperationStore;
  let endpoint: string;
  let tableName: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pm-reconcile-'));
    const [dynamodb, sqs, s3] = await Promise.all([startDynamoDb({ dataDir }), startSqs(), startS3({ dataDir })]);
    stops.push(dynamodb.stop, sqs.stop, s3.stop);
    ({ tableName } = await provision({ endpoints: { dynamodb: dynamodb.endpoint, sqs: sqs.endpoint, s3: s3.endpoint } }));
    endpoint = dynamodb.endpoint;
    store = new DynamoOperationStore(DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION })), tableName);
  });

  afterAll(async () => {
    for (const stop of stops) await stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('fails the operations a restart orphaned and keeps the counters right', async () => {
    await store.create(operation('op-00000000-0000-4000-8000-000000000001', 'Initiated'));
    await store.create(operation('op-00000000-0000-4000-8000-000000000002', 'Initiated'));
    await store.transition(scope, 'op-00000000-0000-4000-8000-000000000002', ['Initiated'], 'Running');
    await store.create(operation('op-00000000-0000-4000-8000-000000000003', 'Initiated'));
    await store.transition(scope, 'op-00000000-0000-4000-8000-000000000003', ['Initiated'], 'Completed');

    expect(await failOrphanedOperations(endpoint, tableName, LOCAL_CREDENTIALS, LOCAL_REGION)).toBe(2);

    expect((await store.get(scope, 'op-00000000-0000-4000-8000-000000000001'))?.error?.error).toBe('LocalStackRestarted');
    expect((await store.get(scope, 'op-00000000-0000-4000-8000-000000000003'))?.status).toBe('Completed');
    expect(await store.counts(scope)).toMatchObject({ total: 3, Initiated: 0, Running: 0, Failed: 2, Completed: 1 });
    expect(await failOrphanedOperations(endpoint, tableName, LOCAL_CREDENTIALS, LOCAL_REGION)).toBe(0);
  });
});
