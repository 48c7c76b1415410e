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
import { SqsMessageQueue } from '../../functions/adapters/sqs-message-queue.ts';

// Topology's 60 s visibility timeout would make redelivery tests slow.
const queueOverrides: QueueOverrides = {
  Cancellation: { visibilityTimeoutSeconds: 1, maxReceiveCount: 2 },
  // One message per invocation and four invocations at once, so concurrency and fairness are easy to count.
  CallbackDelivery: { batchSize: 1, maxConcurrency: 4, visibilityTimeoutSeconds: 30 },
};

interface Timed {
  group: string;
  name: string;
  holdMs: number;
}

/** A consumer that holds each invocation for its messages' `holdMs` and records when each started and ended. */
function timedConsumer(log: Array<{ name: string; startedAt: number; endedAt?: number }>, inFlight: { now: number; max: number }) {
  return async (event: unknown) => {
    inFlight.now += 1;
    inFlight.max = Math.max(inFlight.max, inFlight.now);
    const bodies = (event as SQSEvent).Records.map((record) => JSON.parse(record.body) as Timed);
    const entries = bodies.map((body) => ({ name: body.name, startedAt: Date.now() }) as { name: string; startedAt: number; endedAt?: number });
    log.push(...entries);
    await new Promise((resolve) => setTimeout(resolve, Math.max(...bodies.map((body) => body.holdMs))));
    for (const entry of entries) entry.endedAt = Date.now();
    inFlight.now -= 1;
    return undefined;
  };
}

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
  const timed: Array<{ name: string; startedAt: number; endedAt?: number }> = [];
  const inFlight = { now: 0, max: 0 };
  const invoker = new FakeInvoker({ ProcessCancellation: sqsConsumer(received), DeliverCallback: timedConsumer(timed, inFlight) });
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

  it('keeps invoking while earlier batches are in flight, up to maxConcurrency at once', async () => {
    // Prepare: six messages of six groups, each holding its invocation for 1.5 s.
    const queue = new SqsMessageQueue<Timed>(client, () => queues.queueUrls.CallbackDelivery, (message) => message.group);
    const names = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    const started = Date.now();
    // Act
    await Promise.all(names.map((name) => queue.send({ group: `g-${name}`, name, holdMs: 1_500 })));
    await until(() => (names.every((name) => timed.some((entry) => entry.name === name && entry.endedAt)) ? true : undefined), 10_000);
    // Assess: four at once (not one after another: that would take 9 s), never more.
    expect(inFlight.max).toBe(4);
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 15_000);

  it("never lets one group's slow messages hold up another group's", async () => {
    // Prepare: a noisy group with four messages that hold their invocation for 2.5 s each, enough for all four
    // invocations if nothing kept a share for others.
    const queue = new SqsMessageQueue<Timed>(client, () => queues.queueUrls.CallbackDelivery, (message) => message.group);
    await Promise.all(Array.from({ length: 4 }, (_, i) => queue.send({ group: 'noisy', name: `noisy-${i}`, holdMs: 2_500 })));
    await until(() => (timed.some((entry) => entry.name.startsWith('noisy')) ? true : undefined), 5_000);
    // Act: a quiet group's message, sent while the noisy group's invocations are busy.
    const sentAt = Date.now();
    await queue.send({ group: 'quiet', name: 'quiet', holdMs: 10 });
    const quiet = await until(() => timed.find((entry) => entry.name === 'quiet'), 10_000);
    // Assess: it started at once; the noisy group held at most half of the four invocations meanwhile.
    expect(quiet.startedAt - sentAt).toBeLessThan(1_500);
    const noisyAtOnce = timed.filter((entry) => entry.name.startsWith('noisy') && entry.startedAt <= quiet.startedAt && (entry.endedAt ?? Infinity) > quiet.startedAt);
    expect(noisyAtOnce.length).toBeLessThanOrEqual(2);
    await until(() => (timed.filter((entry) => entry.name.startsWith('noisy') && entry.endedAt).length === 4 ? true : undefined), 20_000);
  }, 30_000);

  it('stops promptly', async () => {
    const started = Date.now();
    await pollers!.stop();
    pollers = undefined;
    expect(Date.now() - started).toBeLessThan(2_500);
  });
});
