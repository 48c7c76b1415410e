import { SendMessageCommand, type SQSClient } from '@aws-sdk/client-sqs';
import type { CancellationQueue } from '../domain/ports.ts';
import type { JobRef } from '../domain/records.ts';

export class SqsCancellationQueue implements CancellationQueue {
  constructor(
    private readonly sqs: SQSClient,
    /** Resolved on first send: only the functions that cancel are configured with the queue. */
    private readonly queueUrl: () => string,
  ) {}

  async send(request: { job: JobRef; executionArn?: string; requestedAt: string }): Promise<void> {
    await this.sqs.send(new SendMessageCommand({ QueueUrl: this.queueUrl(), MessageBody: JSON.stringify(request) }));
  }
}
