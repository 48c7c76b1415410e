import { hasTimestamps, type EventLog } from '../log/event-log.ts';
import { logCounts } from '../log/log-counts.ts';

export interface DirectlyFollowsEdge {
  from: string;
  to: string;
  /** Times `to` directly follows `from` within a case. */
  frequency: number;
  /** Mean time from the `from` event's timestamp to the `to` event's, in milliseconds; null without timestamps. */
  meanTransitionMs: number | null;
}

/**
 * Directly-follows graph over the log's event order (completion timestamps, ties in source
 * order). Edges sorted by frequency descending, then by activity-table order of `from`, `to`.
 */
export function directlyFollowsGraph(log: EventLog): DirectlyFollowsEdge[] {
  const n = log.activities.length;
  const { caseOffsets, activityCodes, timestamps } = log;
  // Counted with everything else discovery needs (log-counts.ts) for ordinary alphabets;
  // larger ones are counted here, in a dense matrix while it stays small, else by hashing pairs.
  const counts = logCounts(log);
  const dense = counts !== null || n * n <= 1 << 22;
  const frequency = counts?.follows ?? (dense ? new Float64Array(n * n) : null);
  const totalMs = counts?.followsMs ?? (dense ? new Float64Array(n * n) : null);
  const sparse = dense ? null : new Map<number, { frequency: number; totalMs: number }>();

  for (let c = 0; counts === null && c + 1 < caseOffsets.length; c++) {
    const to = caseOffsets[c + 1]!;
    for (let e = caseOffsets[c]! + 1; e < to; e++) {
      const pair = activityCodes[e - 1]! * n + activityCodes[e]!;
      const delta = timestamps[e]! - timestamps[e - 1]!;
      if (frequency !== null && totalMs !== null) {
        frequency[pair]!++;
        totalMs[pair]! += delta;
      } else if (sparse !== null) {
        const entry = sparse.get(pair);
        if (entry === undefined) sparse.set(pair, { frequency: 1, totalMs: delta });
        else {
          entry.frequency++;
          entry.totalMs += delta;
        }
      }
    }
  }

  const edges: Array<DirectlyFollowsEdge & { pair: number }> = [];
  const timed = hasTimestamps(log);
  const add = (pair: number, count: number, sum: number) => {
    edges.push({
      from: log.activities[Math.floor(pair / n)]!,
      to: log.activities[pair % n]!,
      frequency: count,
      meanTransitionMs: timed ? sum / count : null,
      pair,
    });
  };
  if (frequency !== null && totalMs !== null) {
    for (let pair = 0; pair < frequency.length; pair++) if (frequency[pair]! > 0) add(pair, frequency[pair]!, totalMs[pair]!);
  } else if (sparse !== null) {
    for (const [pair, entry] of sparse) add(pair, entry.frequency, entry.totalMs);
  }
  edges.sort((a, b) => b.frequency - a.frequency || a.pair - b.pair);
  return edges.map(({ pair: _pair, ...edge }) => edge);
}
