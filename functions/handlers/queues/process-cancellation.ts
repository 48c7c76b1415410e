import { BatchProcessor, EventType, processPartialResponse } from '@aws-lambda-powertools/batch';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import { callbackNotifier, jobJournal, operationStore, scheduler, workflowEngine } from '../../composition.ts';
import type { JobRef } from '../../domain/records.ts';
import { jobKeys, observed, observedRecord } from '../../observability/invocation.ts';
import { logger } from '../../observability/logger.ts';

interface CancellationRequest {
  job: JobRef;
  executionArn?: string;
  requestedAt: string;
}

async function cancel(record: SQSRecord): Promise<void> {
  const request = JSON.parse(record.body) as CancellationRequest;
  await observedRecord('Cancellation', record, jobKeys(request.job), async () => {
    if (request.executionArn) await workflowEngine().stop(request.executionArn, 'OperationCancelled', `Cancelled at ${request.requestedAt}`);
    const now = new Date().toISOString();
    await jobJournal().append(request.job, {
      logs: [{ timestamp: now, level: 'INFO', component: 'Orchestrator', stage: 'Lifecycle', message: `Job ${request.job.jobId} cancelled`, details: { requestedAt: request.requestedAt } }],
      events: [{ timestamp: now, eventType: 'JobCancelled', description: 'Job execution cancelled', details: { requestedAt: request.requestedAt } }],
    });
    const operation = await operationStore().get(request.job, request.job.operationId);
    // Webhooks always hear it; the notifier leaves out the operation's own callbacks when notifyCallbacks is false.
    if (operation?.status === 'Cancelled') await callbackNotifier().notify(operation, 'operation.cancelled');
    await scheduler().operationEnded(request.job, request.job.operationId);
    logger.info('Execution stopped for a cancellation', { requestedAt: request.requestedAt, status: operation?.status });
  });
}

/**
 * Stops the executions of cancelled operations, the messages of a batch concurrently; failures are reported per
 * message so SQS redelivers only those (and dead-letters them after the queue's maxReceiveCount).
 */
export const handler = observed(
  () => ({}),
  async (event: SQSEvent, context: Context): Promise<SQSBatchResponse> =>
    // A processor per invocation: it holds the batch's state, and the local runtime runs invocations side by side.
    processPartialResponse(event, cancel, new BatchProcessor(EventType.SQS), { context, throwOnFullBatchFailure: false }),
);
