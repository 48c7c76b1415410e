import { describe, expect, it } from 'vitest';
import { admissionOrder, effectiveRank } from '../../../functions/domain/admission.ts';
import type { OperationRecord } from '../../../functions/domain/records.ts';
import type { Priority } from '../../../functions/schemas/operation.ts';

const minute = 60_000;
const now = new Date('2026-01-01T12:00:00Z');
const op = (id: string, priority: Priority, minutesAgo: number) =>
  ({ operationId: id, priority, dateCreated: new Date(now.getTime() - minutesAgo * minute).toISOString() }) as OperationRecord;

/** Oldest-first streams per priority, as the admission index serves them, counting what was read. */
function streamsOf(ops: OperationRecord[]) {
  let read = 0;
  const streams = (priority: Priority) =>
    (async function* () {
      for (const o of ops.filter((x) => x.priority === priority).sort((a, b) => a.dateCreated.localeCompare(b.dateCreated))) {
        read += 1;
        yield o;
      }
    })();
  return { streams, read: () => read };
}

async function order(ops: OperationRecord[], stepMs: number, take = Infinity) {
  const ids: string[] = [];
  for await (const o of admissionOrder(streamsOf(ops).streams, now, stepMs)) {
    if (ids.length >= take) break;
    ids.push(o.operationId);
  }
  return ids;
}

describe('admission order', () => {
  it('is priority, then age, over the whole queue', async () => {
    // 300 waiting, rotating priorities, newest last: far more than one page of any listing.
    const priorities: Priority[] = ['Low', 'Normal', 'High', 'Critical'];
    const ops = Array.from({ length: 300 }, (_, i) => op(`op-${String(i).padStart(3, '0')}`, priorities[i % 4]!, 300 - i));
    const ids = await order(ops, Number.POSITIVE_INFINITY);
    const expected = [...ops].sort((a, b) => priorities.indexOf(b.priority) - priorities.indexOf(a.priority) || a.dateCreated.localeCompare(b.dateCreated));
    expect(ids).toEqual(expected.map((o) => o.operationId));
  });

  it('reads only as far as admission goes', async () => {
    const ops = Array.from({ length: 100 }, (_, i) => op(`op-${i}`, 'Normal', 100 - i));
    const { streams, read } = streamsOf(ops);
    const taken = [];
    for await (const o of admissionOrder(streams, now, 10 * minute)) {
      taken.push(o);
      if (taken.length === 2) break;
    }
    expect(read()).toBeLessThanOrEqual(3);
  });

  it('ages a waiting operation one level per step, up to Critical', () => {
    expect(effectiveRank(op('a', 'Low', 9), now, 10 * minute)).toBe(0);
    expect(effectiveRank(op('a', 'Low', 10), now, 10 * minute)).toBe(1);
    expect(effectiveRank(op('a', 'Low', 45), now, 10 * minute)).toBe(3);
    expect(effectiveRank(op('a', 'High', 100), now, 10 * minute)).toBe(3);
  });

  it('lets an aged Low operation go before younger High ones, never before an older higher one', async () => {
    const ids = await order([op('young-high', 'High', 1), op('old-low', 'Low', 25), op('older-normal', 'Normal', 26), op('new-critical', 'Critical', 0)], 10 * minute);
    // older-normal: 1 + 2 = 3; old-low: 0 + 2 = 2; new-critical 3; young-high 2.
    expect(ids).toEqual(['older-normal', 'new-critical', 'old-low', 'young-high']);
  });

  it('never starts an operation while an older one of higher priority waits, whatever the ageing', async () => {
    const priorities: Priority[] = ['Low', 'Normal', 'High', 'Critical'];
    // A deterministic mix of priorities and ages.
    const ops = Array.from({ length: 200 }, (_, i) => op(`op-${i}`, priorities[(i * 7) % 4]!, (i * 37) % 90));
    const rank = (p: Priority) => priorities.indexOf(p);
    for (const stepMs of [5 * minute, 10 * minute, Number.POSITIVE_INFINITY]) {
      const ids = await order(ops, stepMs);
      const byId = new Map(ops.map((o) => [o.operationId, o]));
      ids.forEach((id, i) => {
        const started = byId.get(id)!;
        const skipped = ids.slice(i + 1).map((later) => byId.get(later)!).filter((w) => w.dateCreated < started.dateCreated && rank(w.priority) > rank(started.priority));
        expect(skipped, `${id} with step ${stepMs}`).toEqual([]);
      });
    }
  });
});
