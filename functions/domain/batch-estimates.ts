import { humanDuration } from './durations.ts';
import { isTerminal, type BatchRecord, type OperationRecord } from './records.ts';

export interface BatchTimes {
  /** Per operation key: when it is expected to start and end (epoch ms), null where history cannot say. */
  operations: Map<string, { startMs: number | null; endMs: number | null }>;
  /** When the last operation is expected to end; null when any operation's end is unknown. */
  completionMs: number | null;
}

/**
 * Expected times along the dependency graph: an operation starts when its last dependency ends (or now, if
 * that is past) and runs for its type's median duration (estimates.ts); what has started or ended uses its real
 * times. The batch ends with its critical path, the latest end. An operation of a type without enough history
 * has no end, and neither has anything after it nor the batch: an invented figure would be worse than none.
 */
export function batchTimes(batch: Pick<BatchRecord, 'operations'>, operations: Map<string, OperationRecord>, now: Date): BatchTimes {
  const nowMs = now.getTime();
  const times = new Map<string, { startMs: number | null; endMs: number | null }>();
  // batch.operations is in dependency order (batch-planner.ts): every dependency is timed first.
  for (const entry of batch.operations) {
    const op = operations.get(entry.operationKey);
    const duration = op?.estimate?.durationMs ?? null;
    if (op && isTerminal(op.status)) {
      const endMs = Date.parse(op.endTime ?? op.dateCreated);
      times.set(entry.operationKey, { startMs: op.startTime ? Date.parse(op.startTime) : null, endMs });
      continue;
    }
    let startMs: number | null;
    if (op?.startTime && op.status === 'Running') startMs = Date.parse(op.startTime);
    else {
      const ends = entry.dependencies.map((key) => times.get(key)?.endMs ?? null);
      startMs = ends.includes(null) ? null : Math.max(nowMs, ...(ends as number[]));
    }
    // A run past its median is expected to end any moment now, not in the past.
    const endMs = startMs === null || duration === null ? null : Math.max(nowMs, startMs + duration);
    times.set(entry.operationKey, { startMs, endMs });
  }
  const ends = [...times.values()].map((t) => t.endMs);
  return { operations: times, completionMs: ends.includes(null) ? null : Math.max(...(ends as number[])) };
}

/** The batch's estimate fields, as the submit response and `GET async/batch/{id}` give them. */
export function batchEstimateView(batch: Pick<BatchRecord, 'operations' | 'createdAt'>, operations: Map<string, OperationRecord>, now: Date) {
  const times = batchTimes(batch, operations, now);
  const completion = times.completionMs;
  return {
    estimatedBatchDuration: completion === null ? null : humanDuration(completion - Date.parse(batch.createdAt)),
    estimatedBatchCompletion: completion === null ? null : new Date(completion).toISOString(),
    operation(key: string) {
      const op = operations.get(key);
      const t = times.operations.get(key);
      const estimate = op?.estimate;
      const waiting = op !== undefined && (op.status === 'Queued' || op.status === 'Initiated');
      return {
        estimatedDuration: estimate && op && !isTerminal(op.status) ? rangeOf(estimate.lowMs, estimate.highMs) : null,
        estimatedStartTime: waiting && t?.startMs != null ? new Date(t.startMs).toISOString() : null,
      };
    },
  };
}

function rangeOf(lowMs: number, highMs: number): string {
  const low = humanDuration(lowMs);
  const high = humanDuration(highMs);
  return low === high ? low : `${low} - ${high}`;
}
