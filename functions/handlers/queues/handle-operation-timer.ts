import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { automaticRetries } from '../../composition.ts';
import type { TimerMessage } from '../../domain/automatic-retries.ts';
import { jobKeys, observed, observedRecord } from '../../observability/invocation.ts';

async function fire(record: SQSRecord): Promise<void> {
  const message = JSON.parse(record.body) as TimerMessage;
  const keys = { ...jobKeys({ ...message, jobId: 'jobId' in message ? message.jobId : undefined }), timer: message.kind ?? 'attempt' };
  await observedRecord('OperationTimer', record, keys, () => automaticRetries().fire(message));
}

/**
 * Fires operation timers whose delay has passed (the message's own delay times them): starts an automatic retry's
 * next attempt, or times out a queued operation at its deadline. Failures are reported per message, so SQS
 * redelivers only those; a timer the operation no longer needs (it started, ended, or moved to a later attempt) is dropped.
 */
export const handler = observed(
  () => ({}),
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    processPartialResponse(event, fire, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false }),
);
