import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';

/** Sends each message as JSON to one queue; serves every queue port (cancellations, callbacks). */
export class SqsMessageQueue<T> {
  constructor(
    private readonly sqs: SQSClient,
    /** Resolved on first send: only the functions that send are configured with the queue. */
    private readonly queueUrl: () => string,
  ) {}

  async send(message: T): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl(), MessageBody: JSON.stringify(message) }));
  }
}
