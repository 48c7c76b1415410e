import { ChangeMessageVisibilityCommand, GetQueueUrlCommand, type SQSClient } from '@aws-sdk/client-sqs';

/**
 * Schedules the next attempt of a failed delivery by hiding its message for the delay the
 * receiver's retry policy asks for (SQS allows up to 12 hours). The queue is found from the
 * event source ARN, which every SQS record carries.
 */
export class SqsDeliveryRetries {
  private readonly urls = new Map<string, Promise<string>>();

  constructor(private readonly sqs: SQSClient) {}

  async retryAfter(eventSourceArn: string, receiptHandle: string, seconds: number): Promise<void> {
    await this.sqs.send(new ChangeMessageVisibilityCommand({ QueueUrl: await this.queueUrl(eventSourceArn), ReceiptHandle: receiptHandle, VisibilityTimeout: Math.min(43_200, Math.max(0, seconds)) }));
  }

  private queueUrl(arn: string): Promise<string> {
    let url = this.urls.get(arn);
    if (!url) {
      // arn:aws:sqs:<region>:<account>:<name>
      const [, , , , account, name] = arn.split(':');
      url = this.sqs.send(new GetQueueUrlCommand({ QueueName: name, QueueOwnerAWSAccountId: account })).then((r) => r.QueueUrl!);
      this.urls.set(arn, url);
    }
    return url;
  }
}
