import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { callbackDeliverer, deliveryRetries, streamPump } from '../../composition.ts';
import type { CallbackDelivery } from '../../domain/callbacks.ts';
import { isStreamPumpRequest } from '../../domain/stream-subscriptions.ts';
import { metricNames } from '../../domain/telemetry.ts';
import { jobKeys, observed, observedRecord } from '../../observability/invocation.ts';
import { emitMetric } from '../../observability/metrics.ts';

/** Reported as a batch item failure so SQS offers the message again once its visibility timeout (the delay) ends. */
class RetryScheduled extends Error {
  override readonly name = 'RetryScheduled';
}

/** The delivery outcomes the service's metrics count (the rest, postponed, are not attempts). */
const outcomeMetrics = { delivered: metricNames.deliverySucceeded, failed: metricNames.deliveryFailed, retry: metricNames.deliveryRetried } as const;

async function deliver(record: SQSRecord): Promise<void> {
  const message: unknown = JSON.parse(record.body);
  const delivery = message as Partial<CallbackDelivery>;
  const keys = { ...jobKeys(delivery.operation), deliveryId: delivery.deliveryId, event: delivery.event };
  let retryAfter: number | undefined;
  await observedRecord('CallbackDelivery', record, keys, async () => {
    // A job's new events for its WebSocket connections; a failure is retried by SQS like any message.
    if (isStreamPumpRequest(message)) return await streamPump().pump(message.stream);
    const result = await callbackDeliverer().deliver(message as CallbackDelivery, Number(record.attributes.ApproximateReceiveCount));
    if (result.outcome in outcomeMetrics) emitMetric(outcomeMetrics[result.outcome as keyof typeof outcomeMetrics], 'Count', 1);
    if (result.outcome !== 'retry') return;
    await deliveryRetries().retryAfter(record.eventSourceARN, record.receiptHandle, result.afterSeconds);
    retryAfter = result.afterSeconds;
  });
  if (retryAfter !== undefined) throw new RetryScheduled(`Delivery ${record.messageId} retried later`);
}

/**
 * Delivers queued callbacks and webhook events, the records of a batch concurrently: one slow receiver holds up
 * no other record (each attempt ends after 10 s). A delivery the receiver did not accept is hidden for the delay
 * its retry policy gives and reported as a batch item failure, so SQS offers it again then; once the retries are
 * spent it is counted as failed and deleted. A batch whose records all wait for a retry is not an error.
 */
export const handler = observed(
  () => ({}),
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    // A processor per invocation: it holds the batch's state, and the local runtime runs invocations side by side.
    processPartialResponse(event, deliver, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false }),
);
