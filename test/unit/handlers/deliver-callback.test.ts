import type { Context, SQSEvent, SQSRecord } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';
import type { CallbackDelivery, DeliveryOutcome } from '../../../functions/domain/callbacks.ts';

const outcomes = new Map<string, { afterMs: number; result: DeliveryOutcome | Error }>();
const hidden: Array<{ receiptHandle: string; seconds: number }> = [];

vi.mock('../../../functions/composition.ts', () => ({
  callbackDeliverer: () => ({
    deliver: async (delivery: CallbackDelivery) => {
      const { afterMs, result } = outcomes.get(delivery.deliveryId)!;
      await new Promise((resolve) => setTimeout(resolve, afterMs));
      if (result instanceof Error) throw result;
      return result;
    },
  }),
  deliveryRetries: () => ({ retryAfter: async (_arn: string, receiptHandle: string, seconds: number) => void hidden.push({ receiptHandle, seconds }) }),
}));

const { handler } = await import('../../../functions/handlers/queues/deliver-callback.ts');

function record(id: string, afterMs: number, result: DeliveryOutcome | Error): SQSRecord {
  outcomes.set(id, { afterMs, result });
  return {
    messageId: id,
    receiptHandle: `rh-${id}`,
    body: JSON.stringify({ deliveryId: id }),
    attributes: { ApproximateReceiveCount: '1' },
    eventSourceARN: 'arn:aws:sqs:us-east-1:000000000000:CallbackDelivery',
  } as unknown as SQSRecord;
}

describe('DeliverCallback handler', () => {
  it("delivers a batch's records concurrently and reports only the ones to retry or that failed", async () => {
    // Prepare: one receiver hangs for 400 ms; the others answer at once.
    const event: SQSEvent = {
      Records: [
        record('slow', 400, { outcome: 'delivered' }),
        record('ok', 10, { outcome: 'delivered' }),
        record('retry', 10, { outcome: 'retry', afterSeconds: 120 }),
        record('paused', 10, { outcome: 'postponed' }),
        record('broken', 10, new Error('table unavailable')),
      ],
    };
    const original = console.error;
    console.error = () => undefined;
    try {
      // Act
      const started = Date.now();
      const response = await handler(event, {} as Context);
      const elapsed = Date.now() - started;
      // Assess: the batch took as long as its slowest record, not the sum.
      expect(elapsed).toBeLessThan(700);
      expect(response.batchItemFailures.map((failure) => failure.itemIdentifier).sort()).toEqual(['broken', 'retry']);
      expect(hidden).toEqual([{ receiptHandle: 'rh-retry', seconds: 120 }]);
    } finally {
      console.error = original;
    }
  });

  it('answers a batch whose records all wait for a retry without throwing', async () => {
    const response = await handler({ Records: [record('r1', 1, { outcome: 'retry', afterSeconds: 60 }), record('r2', 1, { outcome: 'retry', afterSeconds: 60 })] }, {} as Context);
    expect(response.batchItemFailures).toHaveLength(2);
  });
});
