import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { QueueDefinition, QueueId } from '../lib/topology.ts';
import { messageGroupAttribute } from '../functions/adapters/sqs-message-queue.ts';
import { LOCAL_REGION } from './function-runtime.ts';
import { LOCAL_CREDENTIALS } from './emulators/s3.ts';
import { queueIds, queueSettings, type QueueOverrides } from './provision.ts';
import type { FunctionInvoker } from './step-functions/index.ts';

export interface SqsPollerOptions {
  invoker: FunctionInvoker;
  sqsEndpoint: string;
  queueUrls: Record<QueueId, string>;
  queueArns: Record<QueueId, string>;
  /** Same overrides as given to provision(), e.g. a smaller batch size in tests. */
  queueOverrides?: QueueOverrides;
  /** Long-poll wait per ReceiveMessage; 1 s by default, which bounds how long stop() waits. */
  waitTimeSeconds?: number;
  /** Where poll and invoke failures are reported; console.error by default. */
  onError?: (error: unknown, context: { queueId: QueueId; stage: 'receive' | 'invoke' | 'delete' }) => void;
}

export interface SqsPollers {
  /** Ends the polling loops, waits for the batches being processed and hands back the messages not yet started. */
  stop(): Promise<void>;
}

/** The group a message belongs to: its MessageGroupId (SQS fair queues), or the attribute that repeats it. */
export function messageGroupOf(message: Message): string {
  return message.Attributes?.MessageGroupId ?? message.MessageAttributes?.[messageGroupAttribute]?.StringValue ?? '';
}

/**
 * Does what a Lambda SQS event source mapping does, one per topology queue: receive messages, invoke the consumer
 * with an SQSEvent of up to batchSize of them, then delete the messages that were handled. A handler returning
 * nothing (or `batchItemFailures: []`) handled all of them; one returning `batchItemFailures` handled all but those;
 * one that throws (or times out) handled none, and those messages reappear after the visibility timeout and, after
 * maxReceiveCount receives, fauxqs moves them to the dead-letter queue. As in Lambda, a batchItemFailures entry
 * with an identifier that is not in the batch fails the whole batch.
 *
 * As Lambda scales out, it keeps receiving while batches are in flight, up to the queue's maxConcurrency
 * invocations at once. As SQS fair queues do, it serves message groups (tenants) fairly: a batch holds one group's
 * messages, the next free invocation goes to the waiting group with the fewest in flight, and no group holds more
 * than half of the invocations, so one tenant's slow receivers always leave the others room (messages without a
 * group are not held to a share). Messages received ahead wait in the poller, invisible, at most
 * maxConcurrency × batchSize × 2 of them.
 */
export function startSqsPollers(options: SqsPollerOptions): SqsPollers {
  const client = new SQSClient({ endpoint: options.sqsEndpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  const report =
    options.onError ??
    ((error: unknown, context: { queueId: QueueId; stage: string }) => {
      console.error(`[sqs-poller] ${context.queueId}: ${context.stage} failed:`, error);
    });
  let stopped = false;
  let wake: (() => void) | undefined;
  const stoppedSignal = new Promise<void>((resolve) => {
    wake = resolve;
  });

  const dispatchers = queueIds().map((queueId) => {
    const settings = queueSettings(queueId, options.queueOverrides);
    return new Dispatcher(settings, (messages) =>
      processBatch(client, options.invoker, settings.consumer, queueId, options.queueUrls[queueId], options.queueArns[queueId], messages, report),
    );
  });

  const loops = queueIds().map(async (queueId, index) => {
    const dispatcher = dispatchers[index]!;
    const queueUrl = options.queueUrls[queueId];
    while (!stopped) {
      if (dispatcher.room() === 0) {
        await Promise.race([dispatcher.slotFreed(), stoppedSignal]);
        continue;
      }
      let messages: Message[];
      try {
        const received = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: Math.min(10, dispatcher.room()),
            WaitTimeSeconds: options.waitTimeSeconds ?? 1,
            AttributeNames: ['All'],
            MessageSystemAttributeNames: ['All'],
            MessageAttributeNames: ['All'],
          }),
        );
        messages = received.Messages ?? [];
      } catch (error) {
        if (stopped) break;
        report(error, { queueId, stage: 'receive' });
        await Promise.race([sleep(1_000), stoppedSignal]);
        continue;
      }
      if (messages.length === 0) continue;
      if (stopped) {
        await handBack(client, queueUrl, messages);
        break;
      }
      dispatcher.add(messages);
    }
  });

  return {
    async stop() {
      stopped = true;
      wake?.();
      await Promise.allSettled(loops);
      await Promise.allSettled(
        queueIds().map(async (queueId, index) => {
          // Received but not started: back to the queue at once rather than after the visibility timeout.
          await handBack(client, options.queueUrls[queueId], dispatchers[index]!.drain());
          await dispatchers[index]!.idle();
        }),
      );
      client.destroy();
    },
  };
}

/**
 * One queue's invocations: messages wait per group, in arrival order; batches start while fewer than
 * maxConcurrency are in flight, each from one group, chosen fairly.
 */
class Dispatcher {
  private readonly waiting = new Map<string, Message[]>();
  private waitingCount = 0;
  private readonly running = new Map<string, number>();
  private inFlight = 0;
  private readonly batches = new Set<Promise<void>>();
  private readonly waiters: Array<() => void> = [];
  private readonly maxConcurrency: number;
  private readonly perGroup: number;
  private readonly maxWaiting: number;
  private draining = false;

  constructor(
    private readonly settings: QueueDefinition,
    private readonly run: (messages: Message[]) => Promise<void>,
  ) {
    this.maxConcurrency = Math.max(1, settings.maxConcurrency);
    this.perGroup = Math.max(1, Math.ceil(this.maxConcurrency / 2));
    this.maxWaiting = this.maxConcurrency * settings.batchSize * 2;
  }

  /** How many more messages may be received ahead. */
  room(): number {
    return Math.max(0, this.maxWaiting - this.waitingCount);
  }

  /** Resolves when a batch ends (so there may be room again). */
  slotFreed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  add(messages: Message[]): void {
    for (const message of messages) {
      const group = messageGroupOf(message);
      const list = this.waiting.get(group);
      if (list) list.push(message);
      else this.waiting.set(group, [message]);
    }
    this.waitingCount += messages.length;
    this.dispatch();
  }

  /** Takes every waiting message out, and starts no more batches. */
  drain(): Message[] {
    this.draining = true;
    const messages = [...this.waiting.values()].flat();
    this.waiting.clear();
    this.waitingCount = 0;
    return messages;
  }

  async idle(): Promise<void> {
    while (this.batches.size > 0) await Promise.allSettled([...this.batches]);
  }

  private dispatch(): void {
    while (!this.draining && this.inFlight < this.maxConcurrency) {
      const group = this.nextGroup();
      if (group === undefined) return;
      const list = this.waiting.get(group)!;
      const messages = list.splice(0, this.settings.batchSize);
      // Its remaining messages queue up behind the other groups' (round robin among equals).
      this.waiting.delete(group);
      if (list.length > 0) this.waiting.set(group, list);
      this.waitingCount -= messages.length;
      this.inFlight += 1;
      this.running.set(group, (this.running.get(group) ?? 0) + 1);
      const batch: Promise<void> = this.run(messages)
        .catch(() => undefined)
        .finally(() => {
          this.inFlight -= 1;
          this.running.set(group, this.running.get(group)! - 1);
          this.batches.delete(batch);
          this.dispatch();
          this.waiters.splice(0).forEach((resolve) => resolve());
        });
      this.batches.add(batch);
    }
  }

  /** The waiting group with the fewest batches in flight, below its share; the longest waiting among equals. */
  private nextGroup(): string | undefined {
    let best: string | undefined;
    let fewest = Infinity;
    for (const group of this.waiting.keys()) {
      const running = this.running.get(group) ?? 0;
      if ((group === '' || running < this.perGroup) && running < fewest) {
        best = group;
        fewest = running;
      }
    }
    return best;
  }
}

async function handBack(client: SQSClient, queueUrl: string, messages: Message[]): Promise<void> {
  for (let start = 0; start < messages.length; start += 10) {
    await client
      .send(
        new ChangeMessageVisibilityBatchCommand({
          QueueUrl: queueUrl,
          Entries: messages.slice(start, start + 10).map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 })),
        }),
      )
      .catch(() => undefined);
  }
}

async function processBatch(
  client: SQSClient,
  invoker: FunctionInvoker,
  consumer: Parameters<FunctionInvoker['invoke']>[0],
  queueId: QueueId,
  queueUrl: string,
  queueArn: string,
  messages: Message[],
  report: NonNullable<SqsPollerOptions['onError']>,
): Promise<void> {
  const event = toSqsEvent(messages, queueArn);
  let handled: SQSRecord[];
  try {
    const response = (await invoker.invoke(consumer, event)) as Partial<SQSBatchResponse> | null | undefined;
    handled = succeededRecords(event.Records, response);
  } catch (error) {
    report(error, { queueId, stage: 'invoke' });
    return; // nothing deleted: all messages come back after the visibility timeout
  }
  for (let start = 0; start < handled.length; start += 10) {
    const chunk = handled.slice(start, start + 10);
    try {
      const result = await client.send(
        new DeleteMessageBatchCommand({
          QueueUrl: queueUrl,
          Entries: chunk.map((record, index) => ({ Id: String(index), ReceiptHandle: record.receiptHandle })),
        }),
      );
      for (const failure of result.Failed ?? []) {
        report(new Error(`DeleteMessageBatch failed for entry ${failure.Id}: ${failure.Code} ${failure.Message ?? ''}`), { queueId, stage: 'delete' });
      }
    } catch (error) {
      report(error, { queueId, stage: 'delete' });
    }
  }
}

/** Lambda's partial batch response rules. */
function succeededRecords(records: SQSRecord[], response: Partial<SQSBatchResponse> | null | undefined): SQSRecord[] {
  const failures = response && typeof response === 'object' ? response.batchItemFailures : undefined;
  if (failures === undefined || failures === null) return records;
  if (!Array.isArray(failures)) return [];
  const ids = new Set(records.map((record) => record.messageId));
  const failed = new Set<string>();
  for (const failure of failures) {
    const id = (failure as { itemIdentifier?: unknown } | null)?.itemIdentifier;
    if (typeof id !== 'string' || !ids.has(id)) return []; // invalid entry: the whole batch failed
    failed.add(id);
  }
  return records.filter((record) => !failed.has(record.messageId));
}

/** The event Lambda's SQS event source mapping delivers. */
export function toSqsEvent(messages: Message[], queueArn: string): SQSEvent {
  return {
    Records: messages.map((message): SQSRecord => {
      const attributes = message.Attributes ?? {};
      const record: SQSRecord = {
        messageId: message.MessageId ?? '',
        receiptHandle: message.ReceiptHandle ?? '',
        body: message.Body ?? '',
        attributes: {
          ...attributes,
          ApproximateReceiveCount: attributes.ApproximateReceiveCount ?? '1',
          SentTimestamp: attributes.SentTimestamp ?? String(Date.now()),
          SenderId: attributes.SenderId ?? '000000000000',
          ApproximateFirstReceiveTimestamp: attributes.ApproximateFirstReceiveTimestamp ?? String(Date.now()),
        },
        messageAttributes: toLambdaMessageAttributes(message.MessageAttributes),
        md5OfBody: message.MD5OfBody ?? '',
        eventSource: 'aws:sqs',
        eventSourceARN: queueArn,
        awsRegion: queueArn.split(':')[3] ?? LOCAL_REGION,
      };
      if (message.MD5OfMessageAttributes) record.md5OfMessageAttributes = message.MD5OfMessageAttributes;
      return record;
    }),
  };
}

function toLambdaMessageAttributes(attributes: Record<string, MessageAttributeValue> | undefined): SQSMessageAttributes {
  const result: SQSMessageAttributes = {};
  for (const [name, value] of Object.entries(attributes ?? {})) {
    result[name] = {
      ...(value.StringValue !== undefined ? { stringValue: value.StringValue } : {}),
      ...(value.BinaryValue !== undefined ? { binaryValue: Buffer.from(value.BinaryValue).toString('base64') } : {}),
      stringListValues: value.StringListValues ?? [],
      binaryListValues: (value.BinaryListValues ?? []).map((item) => Buffer.from(item).toString('base64')),
      dataType: value.DataType ?? 'String',
    };
  }
  return result;
}

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
