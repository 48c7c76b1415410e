import {
  ChangeMessageVisibilityBatchCommand,
  DeleteMessageBatchCommand,
  ReceiveMessageCommand,
  SQSClient,
  type Message,
  type MessageAttributeValue,
} from '@aws-sdk/client-sqs';
import type { SQSBatchResponse, SQSEvent, SQSMessageAttributes, SQSRecord } from 'aws-lambda';
import type { QueueId } from '../lib/topology.ts';
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
  /** Ends the polling loops and waits for batches being processed. */
  stop(): Promise<void>;
}

/**
 * Does what a Lambda SQS event source mapping does, one loop per topology queue: receive up to
 * batchSize messages, invoke the consumer with an SQSEvent, then delete the messages that were
 * handled. A handler returning nothing (or `batchItemFailures: []`) handled all of them; one
 * returning `batchItemFailures` handled all but those; one that throws (or times out) handled
 * none, and those messages reappear after the visibility timeout and, after maxReceiveCount
 * receives, fauxqs moves them to the dead-letter queue. As in Lambda, a batchItemFailures
 * entry with an identifier that is not in the batch fails the whole batch.
 *
 * Unlike Lambda there is one poller per queue, so batches of one queue run one at a time.
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

  const loops = queueIds().map(async (queueId) => {
    const settings = queueSettings(queueId, options.queueOverrides);
    const queueUrl = options.queueUrls[queueId];
    const queueArn = options.queueArns[queueId];
    while (!stopped) {
      let messages: Message[];
      try {
        const received = await client.send(
          new ReceiveMessageCommand({
            QueueUrl: queueUrl,
            MaxNumberOfMessages: settings.batchSize,
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
        // Received while stopping: hand them back at once instead of running the consumer.
        await client
          .send(
            new ChangeMessageVisibilityBatchCommand({
              QueueUrl: queueUrl,
              Entries: messages.map((message, index) => ({ Id: String(index), ReceiptHandle: message.ReceiptHandle, VisibilityTimeout: 0 })),
            }),
          )
          .catch(() => undefined);
        break;
      }
      await processBatch(client, options.invoker, settings.consumer, queueId, queueUrl, queueArn, messages, report);
    }
  });

  return {
    async stop() {
      stopped = true;
      wake?.();
      await Promise.allSettled(loops);
      client.destroy();
    },
  };
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
