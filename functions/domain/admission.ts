import type { OperationRecord } from './records.ts';
import { priorities, type Priority } from '../schemas/operation.ts';

/**
 * Which waiting operation takes the next free slot. Strict priority, then age, starves low
 * priorities under a steady stream of high ones; ageing bounds that: every `stepMs` an operation
 * waits counts as one priority level more, up to Critical. Since the older of two operations has
 * aged at least as much, it never falls behind a younger one of lower priority; and once an
 * operation has aged to Critical, only operations older than itself go first. So an operation
 * of priority p waits at most (3 − rank(p)) × stepMs plus the time the project takes to run what
 * was queued before it.
 */
export const defaultAgeingStepMs = 10 * 60_000;

const rank: Record<Priority, number> = { Low: 0, Normal: 1, High: 2, Critical: 3 };
const topRank = rank.Critical;

export function effectiveRank(op: Pick<OperationRecord, 'priority' | 'dateCreated'>, now: Date, stepMs: number): number {
  const waitedMs = Math.max(0, now.getTime() - Date.parse(op.dateCreated));
  return Math.min(topRank, rank[op.priority] + Math.floor(waitedMs / stepMs));
}

/** True when `a` should start before `b`: higher effective rank, then older, then the smaller id (a total order). */
export function admitsBefore(a: OperationRecord, b: OperationRecord, now: Date, stepMs: number): boolean {
  const byRank = effectiveRank(a, now, stepMs) - effectiveRank(b, now, stepMs);
  if (byRank !== 0) return byRank > 0;
  if (a.dateCreated !== b.dateCreated) return a.dateCreated < b.dateCreated;
  return a.operationId < b.operationId;
}

/**
 * The waiting operations in admission order, merged from one oldest-first stream per priority.
 * Within a priority the oldest has aged the most, so each stream's head is its best candidate and
 * the merge only ever compares heads; streams are read lazily, as far as admission goes.
 */
export async function* admissionOrder(
  streams: (priority: Priority) => AsyncIterable<OperationRecord>,
  now: Date,
  stepMs: number,
): AsyncGenerator<OperationRecord> {
  const cursors = priorities.map((p) => streams(p)[Symbol.asyncIterator]());
  try {
    const heads = await Promise.all(cursors.map((c) => c.next()));
    for (;;) {
      let best = -1;
      heads.forEach((head, i) => {
        if (head.done) return;
        if (best < 0 || admitsBefore(head.value, heads[best]!.value as OperationRecord, now, stepMs)) best = i;
      });
      if (best < 0) return;
      const chosen = heads[best]!.value as OperationRecord;
      heads[best] = await cursors[best]!.next();
      yield chosen;
    }
  } finally {
    await Promise.all(cursors.map((c) => c.return?.()));
  }
}
