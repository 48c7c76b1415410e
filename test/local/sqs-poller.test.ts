import { ReceiveMessageCommand, SendMessageBatchCommand, SendMessageCommand, SQSClient } from '@aws-sdk/client-sqs';
import type { SQSEvent } from 'aws-lambda';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_REGION } from '../../local/function-runtime.ts';
import type { Emulator } from '../../local/emulators/dynamodb.ts';
import { LOCAL_CREDENTIALS } from '../../local/emulators/s3.ts';
import { startSqs } from '../../local/emulators/sqs.ts';
import { provisionQueues, type QueueOverrides } from '../../local/provision.ts';
import { startSqsPollers, type SqsPollers } from '../../local/sqs-poller.ts';
import { FakeInvoker, sqsConsumer } from './fixtures/handlers.ts';

// Topology's 60 s visibility timeout would make redelivery tests slow.
const queueOverrides: QueueOverrides = { Cancellation: { visibilityTimeoutSeconds: 1, maxReceiveCount: 2 } };

async function until<T>(probe: () => T | undefined, timeoutMs: number): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

describe('SQS pollers (Lambda event source mapping) on fauxqs', () => {
  let sqs: Emulator;
  let client: SQSClient;
  let pollers: SqsPollers | undefined;
  let queues: Awaited<ReturnType<typeof provisionQueues>>;
  const received: SQSEvent[] = [];
  const errors: unknown[] = [];
  const invoker = new FakeInvoker({ ProcessCancellation: sqsConsumer(received) });
  const deliveries = (body: string) => received.flatMap((event) => event.Records).filter((record) => record.body === body);

  beforeAll(async () => {
    sqs = await startSqs();
    queues = await provisionQueues(sqs.endpoint, { queueOverrides });
    client = new SQSClient({ endpoint: sqs.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
    pollers = startSqsPollers({
      invoker,
      sqsEndpoint: sqs.endpoint,
      queueUrls: queues.queueUrls,
      queueArns: queues.queueArns,
      queueOverrides,
      onError: (error) => errors.push(error),
    });
  });

  afterAll(async () => {
    await pollers?.stop();
    client?.destroy();
    await sqs?.stop();
  });

  it('delivers a message to the consumer as a Lambda SQS event and deletes it', async () => {
    const body = JSON.stringify({ operationId: 'op-1' });
    const sent = await client.send(
      new SendMessageCommand({
        QueueUrl: queues.queueUrls.Cancellation,
        MessageBody: body,
        MessageAttributes: {
          tenantId: { DataType: 'String', StringValue: 't1' },
          blob: { DataType: 'Binary', BinaryValue: new Uint8Array([1, 2, 3]) },
        },
      }),
    );
    const [record] = await until(() => (deliveries(body).length > 0 ? deliveries(body) : undefined), 5_000);
    expect(record).toMatchObject({
      messageId: sent.MessageId,
      body,
      md5OfBody: sent.MD5OfMessageBody,
      eventSource: 'aws:sqs',
      eventSourceARN: queues.queueArns.Cancellation,
      awsRegion: 'us-east-1',
      messageAttributes: {
        tenantId: { stringValue: 't1', stringListValues: [], binaryListValues: [], dataType: 'String' },
        blob: { binaryValue: Buffer.from([1, 2, 3]).toString('base64'), stringListValues: [], binaryListValues: [], dataType: 'Binary' },
      },
    });
    expect(record!.receiptHandle).toEqual(expect.any(String));
    expect(record!.attributes).toMatchObject({
      ApproximateReceiveCount: '1',
      SenderId: expect.any(String),
      SentTimestamp: expect.stringMatching(/^\d+$/),
      ApproximateFirstReceiveTimestamp: expect.stringMatching(/^\d+$/),
    });
    // Deleted after success: not delivered again once the visibility timeout has passed.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    expect(deliveries(body)).toHaveLength(1);
  });

  it('redelivers only the failed items of a batch and dead-letters them after maxReceiveCount', async () => {
    const ok = JSON.stringify({ operationId: 'op-ok' });
    const failing = JSON.stringify({ operationId: 'op-bad', fail: true });
    await client.send(
      new SendMessageBatchCommand({
        QueueUrl: queues.queueUrls.Cancellation,
        Entries: [
          { Id: 'ok', MessageBody: ok },
          { Id: 'bad', MessageBody: failing },
        ],
      }),
    );
    // Received maxReceiveCount (2) times, then fauxqs moves it to the DLQ on the next receive.
    await until(() => (deliveries(failing).length >= 2 ? true : undefined), 8_000);
    const dlqMessage = await (async () => {
      const deadline = Date.now() + 8_000;
      while (Date.now() < deadline) {
        const { Messages } = await client.send(
          new ReceiveMessageCommand({ QueueUrl: queues.dlqUrls.Cancellation, WaitTimeSeconds: 1, MaxNumberOfMessages: 10 }),
        );
        if (Messages?.length) return Messages[0];
      }
      return undefined;
    })();
    expect(dlqMessage?.Body).toBe(failing);
    expect(deliveries(failing).map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(deliveries(ok)).toHaveLength(1);
  }, 20_000);

  it('deletes nothing when the consumer throws, so the batch comes back', async () => {
    const body = JSON.stringify({ operationId: 'op-crash', throwOnce: true });
    await client.send(new SendMessageCommand({ QueueUrl: queues.queueUrls.Cancellation, MessageBody: body }));
    const records = await until(() => (deliveries(body).length >= 2 ? deliveries(body) : undefined), 6_000);
    expect(records.map((record) => record.attributes.ApproximateReceiveCount)).toEqual(['1', '2']);
    expect(errors.some((error) => (error as Error).message === 'consumer crashed')).toBe(true);
  }, 10_000);

  it('stops promptly', async () => {
    const started = Date.now();
    await pollers!.stop();
    pollers = undefined;
    expect(Date.now() - started).toBeLessThan(2_500);
  });
});
