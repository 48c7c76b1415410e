import type { OperationRecord } from '../records.ts';

/** Queue health thresholds on the longest of (current oldest wait, median measured wait of recent starts). */
export const queueWaitGoodMs = 60_000;
/** One ageing step (admission.ts): beyond it a waiting operation has started to climb priorities. */
export const queueWaitFairMs = 600_000;

const median = (values: number[]) => {
  if (!values.length) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};

export interface HealthInput {
  active: number;
  /** The project's limit of active operations; null when unlimited. */
  limit: number | null;
  /** Operations Queued for a free slot (not those waiting for batch dependencies). */
  waiting: OperationRecord[];
  /** Recently started operations, whose waits (creation to start) are measured. */
  recent: OperationRecord[];
  now: Date;
}

/** Waits of operations that queued for a slot, creation to start. */
export const measuredWaits = (recent: OperationRecord[]) =>
  recent.filter((op) => op.waitingFor === 'capacity' && op.startTime).map((op) => Date.parse(op.startTime!) - Date.parse(op.dateCreated));

export function systemHealth({ active, limit, waiting, recent, now }: HealthInput) {
  const oldestWait = waiting.length ? Math.max(...waiting.map((op) => now.getTime() - Date.parse(op.dateCreated))) : 0;
  const medianWait = median(measuredWaits(recent));
  const worst = Math.max(oldestWait, medianWait ?? 0);
  const free = limit === null ? null : Math.max(0, limit - active - waiting.length);
  return {
    overallLoad: limit === null ? null : Math.round((100 * active) / limit),
    activeOperations: active,
    activeLimit: limit,
    queuedForCapacity: waiting.length,
    queueHealth: worst < queueWaitGoodMs ? 'Good' : worst < queueWaitFairMs ? 'Fair' : 'Poor',
    medianQueueWaitMs: medianWait,
    longestCurrentWaitMs: oldestWait,
    resourceAvailability: limit === null || free === null ? 'High' : free === 0 ? 'Low' : free / limit >= 0.5 ? 'High' : 'Medium',
    // Further operations that would start at once if submitted now.
    estimatedCapacity: free === null ? 'unlimited' : `${free} additional jobs`,
    estimatedCapacityJobs: free,
  };
}

/**
 * When each queued operation is expected to start: slots free at the estimated completions of the active
 * operations (at once where fewer than the limit run), then each queued operation, in admission order,
 * takes the first free slot for its own estimated run time. Unknown as soon as an estimate it depends on is missing.
 */
export function estimatedStarts(active: OperationRecord[], queue: OperationRecord[], limit: number | null, now: Date): Map<string, string | null> {
  const starts = new Map<string, string | null>();
  if (limit === null) {
    for (const op of queue) starts.set(op.operationId, now.toISOString());
    return starts;
  }
  const ends = (op: OperationRecord): number | null => {
    if (!op.estimate) return null;
    const began = op.startTime ? Date.parse(op.startTime) : now.getTime();
    return Math.max(now.getTime(), began + op.estimate.durationMs);
  };
  let slots: (number | null)[] = active.map(ends);
  while (slots.length < limit) slots.push(now.getTime());
  for (const op of queue) {
    if (slots.some((s) => s === null)) {
      starts.set(op.operationId, null);
      continue;
    }
    slots = (slots as number[]).sort((a, b) => a - b);
    const start = slots.shift()!;
    starts.set(op.operationId, new Date(start).toISOString());
    slots.push(op.estimate ? start + op.estimate.durationMs : null);
  }
  return starts;
}
