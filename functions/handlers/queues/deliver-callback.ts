import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { callbackDeliverer, deliveryRetries } from '../../composition.ts';
import type { CallbackDelivery } from '../../domain/callbacks.ts';

/** Reported as a batch item failure so SQS offers the message again once its visibility timeout (the delay) ends. */
class RetryScheduled extends Error {
  override readonly name = 'RetryScheduled';
}

async function deliver(record: SQSRecord): Promise<void> {
  try {
    const result = await callbackDeliverer().deliver(JSON.parse(record.body) as CallbackDelivery, Number(record.attributes.ApproximateReceiveCount));
    if (result.outcome !== 'retry') return;
    await deliveryRetries().retryAfter(record.eventSourceARN, record.receiptHandle, result.afterSeconds);
  } catch (error) {
    console.error(JSON.stringify({ level: 'ERROR', message: 'Callback delivery failed', messageId: record.messageId, error: error instanceof Error ? error.message : String(error) }));
    throw error;
  }
  throw new RetryScheduled(`Delivery ${record.messageId} retried later`);
}

/**
 * Delivers queued callbacks and webhook events, the records of a batch concurrently: one slow receiver holds up
 * no other record (each attempt ends after 10 s). A delivery the receiver did not accept is hidden for the delay
 * its retry policy gives and reported as a batch item failure, so SQS offers it again then; once the retries are
 * spent it is counted as failed and deleted. A batch whose records all wait for a retry is not an error.
 */
export const handler = async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
  // A processor per invocation: it holds the batch's state, and the local runtime runs invocations side by side.
  processPartialResponse(event, deliver, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false });
