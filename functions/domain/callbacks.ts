import { randomUUID } from 'node:crypto';
import type { CallbackQueue, Clock, OperationStore } from './ports.ts';
import { progressOf } from './progress.ts';
import type { OperationRecord, PhaseRecord } from './records.ts';
import { trackingUrl } from './views/operation-view.ts';

export type CallbackEvent = 'operation.progress' | 'operation.completed' | 'operation.failed' | 'operation.cancelled' | 'operation.timeout';

/** One POST to one callback URL, as queued for delivery. */
export interface CallbackDelivery {
  deliveryId: string;
  url: string;
  event: CallbackEvent;
  operation: { tenantId: string; projectId: string; operationId: string };
  payload: Record<string, unknown>;
}

/** Which of the operation's callbacks hears an event: progress, completion (also cancellation) or error (also timeout). */
export function callbackUrl(op: OperationRecord, event: CallbackEvent): string | undefined {
  const callbacks = op.callbacks ?? {};
  if (event === 'operation.progress') return callbacks.onProgress;
  if (event === 'operation.completed' || event === 'operation.cancelled') return callbacks.onCompletion;
  return callbacks.onError;
}

/** Queues callback deliveries; SQS carries them so a slow or failing receiver never holds up a job. */
export class CallbackNotifier {
  constructor(
    private readonly queue: CallbackQueue,
    private readonly clock: Clock,
  ) {}

  async notify(op: OperationRecord, event: CallbackEvent, extra: { phase?: PhaseRecord } = {}): Promise<void> {
    const url = callbackUrl(op, event);
    if (!url) return;
    const deliveryId = randomUUID();
    await this.queue.send({
      deliveryId,
      url,
      event,
      operation: { tenantId: op.tenantId, projectId: op.projectId, operationId: op.operationId },
      payload: {
        event,
        deliveryId,
        timestamp: this.clock.now().toISOString(),
        operationId: op.operationId,
        jobId: op.jobId,
        operationType: op.operationType,
        operationName: op.operationName,
        status: op.status,
        progress: progressOf(op),
        ...(extra.phase
          ? { phase: { phaseName: extra.phase.name, status: extra.phase.status, durationMs: extra.phase.durationMs ?? null, recordsProcessed: extra.phase.recordsProcessed ?? null } }
          : {}),
        ...(op.error ? { error: op.error } : {}),
        trackingUrl: trackingUrl(op),
      },
    });
  }
}

export type Post = (url: string, body: string, headers: Record<string, string>) => Promise<{ status: number }>;

/** Sends one delivery; a 2xx answer is success, anything else is retried until the last attempt. */
export class CallbackDeliverer {
  constructor(
    private readonly post: Post,
    private readonly operations: OperationStore,
    private readonly clock: Clock,
  ) {}

  async deliver(delivery: CallbackDelivery, lastAttempt: boolean): Promise<'delivered' | 'retry' | 'failed'> {
    let ok = false;
    try {
      const { status } = await this.post(delivery.url, JSON.stringify(delivery.payload), {
        'Content-Type': 'application/json',
        'User-Agent': 'process-mining-jobs-callbacks/1',
        'X-Callback-Event': delivery.event,
        // SQS delivers at least once: receivers deduplicate on this id.
        'X-Callback-Delivery': delivery.deliveryId,
      });
      ok = status >= 200 && status < 300;
    } catch {
      ok = false;
    }
    if (!ok && !lastAttempt) return 'retry';
    const { tenantId, projectId, operationId } = delivery.operation;
    await this.operations.recordCallback({ tenantId, projectId }, operationId, {
      successful: ok,
      progress: delivery.event === 'operation.progress',
      at: this.clock.now().toISOString(),
    });
    return ok ? 'delivered' : 'failed';
  }
}
