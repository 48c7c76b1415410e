import type { SQSBatchResponse, SQSEvent } from 'aws-lambda';
import { queues } from '../../../lib/topology.ts';
import { callbackDeliverer } from '../../composition.ts';
import type { CallbackDelivery } from '../../domain/callbacks.ts';

/**
 * Delivers queued callbacks. A delivery the receiver did not accept goes back to the queue and
 * is tried again after the visibility timeout; the last attempt is counted as failed (and the
 * message dead-lettered), so the operation's callback counts stay true.
 */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: SQSBatchResponse['batchItemFailures'] = [];
  for (const record of event.Records) {
    const lastAttempt = Number(record.attributes.ApproximateReceiveCount) >= queues.CallbackDelivery.maxReceiveCount;
    try {
      const outcome = await callbackDeliverer().deliver(JSON.parse(record.body) as CallbackDelivery, lastAttempt);
      if (outcome !== 'delivered') failures.push({ itemIdentifier: record.messageId });
    } catch (error) {
      console.error(JSON.stringify({ level: 'ERROR', message: 'Callback delivery failed', messageId: record.messageId, error: error instanceof Error ? error.message : String(error) }));
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
};
