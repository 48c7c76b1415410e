import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { callbackDeliverer, deliveryRetries } from '../../composition.ts';
import type { CallbackDelivery } from '../../domain/callbacks.ts';

/**
 * Delivers queued callbacks and webhook events. A delivery the receiver did not accept is
 * hidden for the delay its retry policy gives and reported as a batch item failure, so SQS
 * offers it again then; once the retries are spent it is counted as failed and deleted.
 */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    try {
      const result = await callbackDeliverer().deliver(JSON.parse(record.body) as CallbackDelivery, Number(record.attributes.ApproximateReceiveCount));
      if (result.outcome === 'retry') {
        await deliveryRetries().retryAfter(record.eventSourceARN, record.receiptHandle, result.afterSeconds);
        failures.push({ itemIdentifier: record.messageId });
      }
    } catch (error) {
      console.error(JSON.stringify({ level: 'ERROR', message: 'Callback delivery failed', messageId: record.messageId, error: error instanceof Error ? error.message : String(error) }));
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
};
