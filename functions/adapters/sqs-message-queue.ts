import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * The message attribute that repeats a message's group. SQS keeps `MessageGroupId` on a standard queue (fair
 * queues) and returns it with the message; emulators that only know FIFO groups drop it, and the local poller reads
 * this attribute instead.
 */
export const messageGroupAttribute = 'messageGroupId';

/** Sends each message as JSON to one queue; serves every queue port (cancellations, callbacks). */
export class SqsMessageQueue<T> {
  constructor(
    private readonly sqs: SQSClient,
    /** Resolved on first send: only the functions that send are configured with the queue. */
    private readonly queueUrl: () => string,
    /**
     * The message's group on a standard queue: SQS fair queues serve groups fairly, so one group's backlog (one
     * tenant's) does not delay the others'.
     */
    private readonly groupOf?: (message: T) => string,
  ) {}

  async send(message: T, options: { delaySeconds?: number } = {}): Promise<void> {
    const group = this.groupOf?.(message);
    await this.sqs.send(
      new SendMessageCommand({
        QueueUrl: this.queueUrl(),
        MessageBody: JSON.stringify(message),
        ...(group ? { MessageGroupId: group, MessageAttributes: { [messageGroupAttribute]: { DataType: 'String', StringValue: group } } } : {}),
        ...(options.delaySeconds ? { DelaySeconds: Math.min(900, Math.max(0, Math.ceil(options.delaySeconds))) } : {}),
      }),
    );
  }
}
