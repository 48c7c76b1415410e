import { caseVariants } from '../log/case-variants.ts';
import type { EventLog } from '../log/event-log.ts';

export interface Variant {
  activities: string[];
  /** Number of cases following exactly this activity sequence. */
  count: number;
}

export interface VariantSummary {
  /** Number of distinct variants. */
  total: number;
  /** Variants by count descending, ties by first appearance; at most `limit`. */
  top: Variant[];
}

/** Groups cases by their activity sequence (in the log's event order). */
export function variants(log: EventLog, options: { limit?: number } = {}): VariantSummary {
  const { caseOffsets, activityCodes } = log;
  const limit = options.limit ?? Infinity;
  const grouped = caseVariants(log);
  // Variant ids are in order of first appearance, and sort is stable.
  const ranked = Array.from(grouped.counts, (count, v) => ({ count, firstCase: grouped.firstCase[v]! })).sort((a, b) => b.count - a.count);
  const top: Variant[] = [];
  for (const entry of ranked) {
    if (top.length >= limit) break;
    const from = caseOffsets[entry.firstCase]!;
    const to = caseOffsets[entry.firstCase + 1]!;
    const names: string[] = [];
    for (let e = from; e < to; e++) names.push(log.activities[activityCodes[e]!]!);
    top.push({ activities: names, count: entry.count });
  }
  return { total: grouped.counts.length, top };
}

/** Number of distinct variants, without materializing them. */
export function variantCount(log: EventLog): number {
  return variants(log, { limit: 0 }).total;
}

