import { describe, expect, it } from 'vitest';
import { estimateFrom } from '../../../functions/domain/estimates.ts';
import type { OperationRecord } from '../../../functions/domain/records.ts';
import { estimatesOf } from '../../../functions/domain/views/operation-view.ts';

const run = (seconds: number) => ({ startTime: '2026-01-01T00:00:00.000Z', endTime: new Date(Date.UTC(2026, 0, 1) + seconds * 1000).toISOString() }) as OperationRecord;

describe('estimateFrom', () => {
  it('says nothing without enough history', () => {
    expect(estimateFrom([run(10), run(20)])).toBeNull();
  });

  it('takes the median and the interquartile range of finished runs', () => {
    expect(estimateFrom([run(40), run(10), run(20), run(30), run(1000)])).toEqual({ durationMs: 30_000, lowMs: 20_000, highMs: 40_000, basedOnOperations: 5 });
  });
});

describe('estimatesOf', () => {
  const now = new Date('2026-01-01T00:01:00.000Z');
  const estimate = { durationMs: 120_000, lowMs: 60_000, highMs: 180_000, basedOnOperations: 4 };

  it('counts from the start and says it rests on history', () => {
    const running = { status: 'Running', startTime: '2026-01-01T00:00:00.000Z', estimate, phases: [] } as unknown as OperationRecord;
    expect(estimatesOf(running, now)).toMatchObject({
      estimatedDuration: '1 minute - 3 minutes',
      estimatedRemaining: '1 minute',
      estimatedCompletion: '2026-01-01T00:02:00.000Z',
      estimateBasis: { method: 'history', completedOperations: 4, medianDurationMs: 120_000 },
    });
  });

  it('is null once the operation ended or without an estimate', () => {
    expect(estimatesOf({ status: 'Completed', estimate } as OperationRecord, now).estimatedCompletion).toBeNull();
    expect(estimatesOf({ status: 'Running', phases: [] } as unknown as OperationRecord, now).estimatedDuration).toBeNull();
  });
});
