import { executionStatusChanges } from '../lib/topology.ts';
import type { FunctionInvoker } from './step-functions/index.ts';
import type { StatusChangeEvent } from './step-functions/status-change-events.ts';

/**
 * What the EventBridge rule does in AWS: an execution ending with one of the topology's statuses invokes the
 * reconciler asynchronously; a failed invocation is tried again (Lambda's asynchronous retries, here 1 s then 2 s
 * apart rather than minutes) and then reported, as AWS would put it on the dead-letter queue.
 */
export function executionStatusListener(invoker: FunctionInvoker, delayMs = 1000): (event: StatusChangeEvent) => void {
  const statuses: readonly string[] = executionStatusChanges.statuses;
  return (event) => {
    if (!statuses.includes(event.detail.status)) return;
    void (async () => {
      for (let attempt = 0; ; attempt += 1) {
        try {
          await invoker.invoke(executionStatusChanges.target, event);
          return;
        } catch (error) {
          if (attempt >= executionStatusChanges.retryAttempts) {
            console.error(`[reconciler] ${event.detail.name} (${event.detail.status}) not settled: ${error instanceof Error ? error.message : String(error)}`);
            return;
          }
          await new Promise((resolve) => setTimeout(resolve, delayMs * 2 ** attempt));
        }
      }
    })();
  };
}
