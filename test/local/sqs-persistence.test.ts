import { mkdtemp, readdir, readFile, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ChangeMessageVisibilityCommand,
  CreateQueueCommand,
  GetQueueAttributesCommand,
  ReceiveMessageCommand,
  SendMessageCommand,
  SQSClient,
  type Message,
} from '@aws-sdk/client-sqs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/emulators/s3.ts';
import { startSqs, type SqsEmulator } from '../../local/emulators/sqs.ts';
import { LOCAL_REGION } from '../../local/function-runtime.ts';

/** A queue server on `dataDir` with one queue, as provision() creates it on every start. */
async function start(dataDir: string) {
  const sqs = await startSqs({ dataDir });
  const client = new SQSClient({ endpoint: sqs.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const { QueueUrl } = await client.send(new CreateQueueCommand({ QueueName: 'deliveries', Attributes: { VisibilityTimeout: '30' } }));
  return { sqs, client, queueUrl: QueueUrl! };
}

async function receive(client: SQSClient, queueUrl: string, max = 10): Promise<Message[]> {
  const { Messages } = await client.send(new ReceiveMessageCommand({ QueueUrl: queueUrl, MaxNumberOfMessages: max, WaitTimeSeconds: 0, MessageSystemAttributeNames: ['All'] }));
  return Messages ?? [];
}

async function counts(client: SQSClient, queueUrl: string) {
  const { Attributes } = await client.send(new GetQueueAttributesCommand({ QueueUrl: queueUrl, AttributeNames: ['All'] }));
  return { visible: Number(Attributes?.ApproximateNumberOfMessages), delayed: Number(Attributes?.ApproximateNumberOfMessagesDelayed), inFlight: Number(Attributes?.ApproximateNumberOfMessagesNotVisible) };
}

describe('SQS messages across restarts', () => {
  let dataDir: string;
  const running: Array<{ sqs: SqsEmulator; client: SQSClient }> = [];

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'pm-sqs-persistence-'));
  });
  afterEach(async () => {
    for (const { sqs, client } of running.splice(0)) {
      client.destroy();
      await sqs.stop();
    }
    await rm(dataDir, { recursive: true, force: true });
  });

  it('keeps visible, delayed and in-flight messages with their ids, receive counts and deadlines', async () => {
    const first = await start(dataDir);
    running.push(first);
    expect(await first.sqs.restoreMessages()).toEqual({ restored: 0, dropped: 0 });
    const send = async (body: string, DelaySeconds?: number) =>
      (await first.client.send(new SendMessageCommand({ QueueUrl: first.queueUrl, MessageBody: body, ...(DelaySeconds ? { DelaySeconds } : {}) }))).MessageId!;
    // In flight: received, waiting for its retry in 2 s (a receiver that was down).
    const waiting = await send('waiting for retry');
    const [received] = await receive(first.client, first.queueUrl);
    expect(received?.Body).toBe('waiting for retry');
    await first.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: first.queueUrl, ReceiptHandle: received!.ReceiptHandle!, VisibilityTimeout: 2 }));
    // Received twice and handed back: visible, receive count 2 (a delivery on its third attempt).
    const retried = await send('retried');
    for (let i = 0; i < 2; i += 1) {
      const [handedBack] = await receive(first.client, first.queueUrl);
      expect(handedBack?.Body).toBe('retried');
      await first.client.send(new ChangeMessageVisibilityCommand({ QueueUrl: first.queueUrl, ReceiptHandle: handedBack!.ReceiptHandle!, VisibilityTimeout: 0 }));
    }
    // Delayed for 10 minutes, and a plain visible one.
    const later = await send('later', 600);
    const plain = await send('plain');
    expect(await counts(first.client, first.queueUrl)).toEqual({ visible: 2, delayed: 1, inFlight: 1 });

    first.client.destroy();
    await first.sqs.stop();
    running.splice(0);
    const saved = JSON.parse(await readFile(join(dataDir, 'sqs', 'messages.json'), 'utf8')) as { queues: Record<string, Array<{ messageId: string }>> };
    expect(saved.queues.deliveries?.map((m) => m.messageId).sort()).toEqual([retried, waiting, later, plain].sort());

    const second = await start(dataDir);
    running.push(second);
    expect(await second.sqs.restoreMessages()).toEqual({ restored: 4, dropped: 0 });
    // The in-flight one keeps its deadline; the delayed one its 10 minutes.
    expect(await counts(second.client, second.queueUrl)).toEqual({ visible: 2, delayed: 2, inFlight: 0 });
    const visible = await receive(second.client, second.queueUrl);
    expect(visible.map((m) => [m.MessageId, m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([
      [retried, 'retried', '3'],
      [plain, 'plain', '1'],
    ]);
    await new Promise((resolve) => setTimeout(resolve, 2_100));
    const due = await receive(second.client, second.queueUrl);
    expect(due.map((m) => [m.MessageId, m.Body, m.Attributes?.ApproximateReceiveCount])).toEqual([[waiting, 'waiting for retry', '2']]);
    expect(await counts(second.client, second.queueUrl)).toMatchObject({ delayed: 1 });
  });

  it('saves while running, so a crash loses at most the last two seconds', async () => {
    const first = await start(dataDir);
    running.push(first);
    await first.sqs.restoreMessages();
    const id = (await first.client.send(new SendMessageCommand({ QueueUrl: first.queueUrl, MessageBody: 'sent before the crash' }))).MessageId;
    await new Promise((resolve) => setTimeout(resolve, 2_500));
    // No stop(): the file is what a kill -9 now would leave.
    const saved = JSON.parse(await readFile(join(dataDir, 'sqs', 'messages.json'), 'utf8')) as { queues: Record<string, Array<{ messageId: string }>> };
    expect(saved.queues.deliveries?.map((m) => m.messageId)).toEqual([id]);
  });

  it('does not overwrite the saved messages before they are restored, and sets an unreadable file aside', async () => {
    const first = await start(dataDir);
    running.push(first);
    await first.sqs.restoreMessages();
    await first.client.send(new SendMessageCommand({ QueueUrl: first.queueUrl, MessageBody: 'kept' }));
    first.client.destroy();
    await first.sqs.stop();
    running.splice(0);
    const file = join(dataDir, 'sqs', 'messages.json');
    const before = await readFile(file, 'utf8');

    // A start that fails before restoring (e.g. provisioning failed) leaves the file as it was.
    const failed = await start(dataDir);
    failed.client.destroy();
    await failed.sqs.stop();
    expect(await readFile(file, 'utf8')).toBe(before);

    await mkdir(join(dataDir, 'sqs'), { recursive: true });
    await writeFile(file, '{"version":1,"queues":');
    const second = await start(dataDir);
    running.push(second);
    expect(await second.sqs.restoreMessages()).toEqual({ restored: 0, dropped: 0 });
    expect((await readdir(join(dataDir, 'sqs'))).some((name) => name.startsWith('messages.json.unreadable-'))).toBe(true);
  });

  it('drops the messages of a queue the topology no longer has', async () => {
    const first = await start(dataDir);
    running.push(first);
    await first.sqs.restoreMessages();
    const { QueueUrl } = await first.client.send(new CreateQueueCommand({ QueueName: 'retired' }));
    await first.client.send(new SendMessageCommand({ QueueUrl, MessageBody: 'orphan' }));
    first.client.destroy();
    await first.sqs.stop();
    running.splice(0);

    const second = await start(dataDir);
    running.push(second);
    expect(await second.sqs.restoreMessages()).toEqual({ restored: 0, dropped: 1 });
  });
});
