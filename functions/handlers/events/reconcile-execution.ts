import { executionReconciler } from '../../composition.ts';
import { jobKeys, observed } from '../../observability/invocation.ts';
import { logger } from '../../observability/logger.ts';
import { executionJob, executionStatusChange } from '../../schemas/execution-status-change.ts';

/** The service's job in an execution's input, or undefined for an event that is not about one of its executions. */
function jobOf(event: unknown) {
  const change = executionStatusChange.safeParse(event);
  if (!change.success) return undefined;
  const input = executionJob.safeParse(parseJson(change.data.detail.input));
  return input.success ? { detail: change.data.detail, job: input.data.job } : undefined;
}

/**
 * Target of the EventBridge rule on the stack's executions ending FAILED, TIMED_OUT or ABORTED (locally, of the Step
 * Functions endpoint's same events). An event that is not one of ours is dropped, not retried; an error reading or
 * writing the table is thrown, so the event is retried and, after that, kept in the reconciler's dead-letter queue.
 */
export const handler = observed(
  (event: unknown) => jobKeys(jobOf(event)?.job),
  async (event: unknown) => {
    const parsed = jobOf(event);
    if (!parsed) {
      logger.warn('Execution status change ignored: not an execution of this service', { event });
      return { settled: false, reason: 'not-ours' };
    }
    const { detail, job } = parsed;
    const outcome = await executionReconciler().settle({ executionArn: detail.executionArn, status: detail.status, job, error: detail.error, cause: detail.cause });
    // An operation settled here is one its execution left active: worth a WARN line every time.
    if (outcome.settled) logger.warn('Operation settled from its execution status change', { executionStatus: detail.status, executionError: detail.error, status: outcome.status });
    else logger.info('Execution status change needed no settling', { executionStatus: detail.status, reason: outcome.reason });
    return outcome;
  },
);

function parseJson(text: string | null | undefined): unknown {
  try {
    return text ? JSON.parse(text) : undefined;
  } catch {
    return undefined;
  }
}
