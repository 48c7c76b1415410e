import type { Context, SQSRecord } from 'aws-lambda';
import { errorFields, metricNames } from '../domain/telemetry.ts';
import type { JobRef } from '../domain/records.ts';
import { logger } from './logger.ts';
import { currentLogKeys, keyedHandler, withLogKeys, type LogKeys } from './log-keys.ts';
import { emitMetric } from './metrics.ts';
import { annotate } from './tracer.ts';
import { queues, type QueueId } from '../../lib/topology.ts';

/** The correlation keys of a job, as every line about it carries them. */
export const jobKeys = (job: Partial<JobRef> | undefined): LogKeys => ({
  tenantId: job?.tenantId,
  projectId: job?.projectId,
  operationId: job?.operationId,
  jobId: job?.jobId,
});

/**
 * Runs a non-HTTP handler (a state-machine task, a queue consumer) under its invocation's keys: the Lambda request
 * id, the function, and what `keysOf` finds in the event; they are also the trace's annotations.
 */
export function observed<E, R, C extends Partial<Context> | undefined = Context>(
  keysOf: (event: E) => LogKeys,
  handler: (event: E, context: C) => Promise<R>,
): (event: E, context?: C) => Promise<R> {
  return keyedHandler(keysOf, (event: E, context: C) => {
    const keys = currentLogKeys();
    annotate({ operationId: keys.operationId, jobId: keys.jobId });
    return handler(event, context);
  });
}

/**
 * One queue message under its own keys. A failure is logged with the message id; when it was the message's last
 * allowed receive, SQS moves it to the dead-letter queue, which the DeadLettered metric counts (an alarm watches
 * the queue's depth as well).
 */
export async function observedRecord(queue: QueueId, record: SQSRecord, keys: LogKeys, work: () => Promise<void>): Promise<void> {
  return withLogKeys({ ...keys, messageId: record.messageId }, async () => {
    try {
      await work();
    } catch (error) {
      const receives = Number(record.attributes?.ApproximateReceiveCount ?? 1);
      const deadLettered = receives >= queues[queue].maxReceiveCount;
      logger.error(`${queue} message failed`, { receives, deadLettered, ...errorFields(error) });
      if (deadLettered) emitMetric(metricNames.deadLettered, 'Count', 1, { queue });
      throw error;
    }
  });
}
