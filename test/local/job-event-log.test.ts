import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DynamoJobEventLog } from '../../functions/adapters/dynamo-job-event-log.ts';
import { DynamoStreamStore } from '../../functions/adapters/dynamo-stream-store.ts';
import type { JobEventDraft } from '../../functions/domain/job-event-log.ts';
import type { StreamConnection } from '../../functions/domain/stream-subscriptions.ts';
import { startDynamoDb } from '../../local/emulators/dynamodb.ts';
import { LOCAL_CREDENTIALS } from '../../local/emulators/s3.ts';
import { startSqs } from '../../local/emulators/sqs.ts';
import { startS3 } from '../../local/emulators/s3.ts';
import { LOCAL_REGION } from '../../local/function-runtime.ts';
import { provision } from '../../local/provision.ts';

const scope = { tenantId: '11111111-1111-4111-8111-111111111111', projectId: '22222222-2222-4222-8222-222222222222' };
const job = (n: number) => ({
  ...scope,
  operationId: `op-${n}`,
  jobId: `00000000-0000-4000-8000-00000000000${n}`,
  operationType: 'ProcessMiningAnalysis' as const,
});
const draft = (type: JobEventDraft['type'], terminal = false): JobEventDraft => ({
  type,
  timestamp: new Date().toISOString(),
  terminal,
  data: { status: terminal ? 'Completed' : 'Running' },
});

/** The event log and the connection records against DynamoDB Local: conditional writes as DynamoDB applies them. */
describe('the job event log and WebSocket connections in DynamoDB', () => {
  let dataDir: string;
  const stops: Array<() => Promise<void>> = [];
  let log: DynamoJobEventLog;
  let streams: DynamoStreamStore;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pm-event-log-'));
    const [dynamodb, sqs, s3] = await Promise.all([startDynamoDb({ dataDir }), startSqs(), startS3({ dataDir })]);
    stops.push(dynamodb.stop, sqs.stop, s3.stop);
    const { tableName } = await provision({ endpoints: { dynamodb: dynamodb.endpoint, sqs: sqs.endpoint, s3: s3.endpoint } });
    const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint: dynamodb.endpoint, credentials: LOCAL_CREDENTIALS, region: LOCAL_REGION }), {
      marshallOptions: { removeUndefinedValues: true },
    });
    log = new DynamoJobEventLog(db, tableName, 30);
    streams = new DynamoStreamStore(db, tableName);
  });

  afterAll(async () => {
    for (const stop of stops.reverse()) await stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('numbers concurrent appends apart, in one gapless sequence', async () => {
    const appended = await Promise.all(Array.from({ length: 6 }, () => log.append(job(1), [draft('operation.phase.completed'), draft('operation.progress')])));
    const numbers = appended.flatMap((events) => events!.map((e) => e.sequence)).sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 12 }, (_, i) => i + 1));
    // Each append's two events are adjacent: one transaction.
    for (const events of appended) expect(events![1]!.sequence).toBe(events![0]!.sequence + 1);
    const read = await log.readAfter(job(1), 8);
    expect(read.map((e) => e.sequence)).toEqual([9, 10, 11, 12]);
    expect(read[0]).toMatchObject({ data: { status: 'Running' }, terminal: false });
  });

  it('closes the log at the terminal event: of concurrent completions one is appended, and nothing after', async () => {
    await log.append(job(2), [draft('operation.phase.started')]);
    const results = await Promise.all([
      log.append(job(2), [draft('operation.completed', true)]),
      log.append(job(2), [draft('operation.failed', true)]),
      log.append(job(2), [draft('operation.progress')]),
    ]);
    const terminals = results.filter((r) => r?.some((e) => e.terminal));
    expect(terminals).toHaveLength(1);
    expect(await log.append(job(2), [draft('operation.progress')])).toBeNull();
    const all = await log.readAfter(job(2), 0);
    expect(all.at(-1)!.terminal).toBe(true);
    expect(all.filter((e) => e.terminal)).toHaveLength(1);
  });

  it('leases a connection to one sender at a time, and finds it by id to forget it', async () => {
    const connection: StreamConnection = {
      ...scope,
      jobId: job(3).jobId,
      subscriptionId: 'sub-1',
      events: ['jobCompleted'],
      notifyOnErrors: false,
      createdAt: new Date().toISOString(),
      createdBy: 'u',
      expiresAt: Math.floor(Date.now() / 1000) + 600,
      connectionId: 'AbCdEfGhIjKlMn==',
      connectedAt: new Date().toISOString(),
      sentSequence: 0,
    };
    await streams.addConnection(connection);
    const now = Date.now();
    const leases = await Promise.all([streams.lease(connection, now, now + 30_000), streams.lease(connection, now, now + 30_000)]);
    expect(leases.filter(Boolean)).toHaveLength(1);
    await streams.release(connection, 4);
    // A sender that read the record before the release is refused: what it would send was sent.
    expect(await streams.lease(connection, now, now + 30_000)).toBe(false);
    expect(await streams.lease({ ...connection, sentSequence: 4 }, now, now + 30_000)).toBe(true);
    // An expired lease (a crashed sender) can be taken over.
    expect(await streams.lease({ ...connection, sentSequence: 4 }, now + 60_000, now + 90_000)).toBe(true);
    expect((await streams.connectionsOf(job(3))).map((c) => [c.connectionId, c.sentSequence])).toEqual([['AbCdEfGhIjKlMn==', 4]]);
    expect(await streams.removeConnection(connection.connectionId)).toBe(true);
    expect(await streams.removeConnection(connection.connectionId)).toBe(false);
    expect(await streams.connectionsOf(job(3))).toEqual([]);
  });
});
