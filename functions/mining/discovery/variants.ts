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
  // Key: the code sequence as a string of UTF-16 units (codes < 2^16 in practice); cheap to
  // build and hash, and only one string per case.
  const byKey = new Map<string, { count: number; firstCase: number }>();
  for (let c = 0; c + 1 < caseOffsets.length; c++) {
    const key = sequenceKey(activityCodes, caseOffsets[c]!, caseOffsets[c + 1]!);
    const entry = byKey.get(key);
    if (entry === undefined) byKey.set(key, { count: 1, firstCase: c });
    else entry.count++;
  }
  // Map iteration order is first appearance, and sort is stable.
  const ranked = [...byKey.values()].sort((a, b) => b.count - a.count);
  const top: Variant[] = [];
  for (const entry of ranked) {
    if (top.length >= limit) break;
    const from = caseOffsets[entry.firstCase]!;
    const to = caseOffsets[entry.firstCase + 1]!;
    const names: string[] = [];
    for (let e = from; e < to; e++) names.push(log.activities[activityCodes[e]!]!);
    top.push({ activities: names, count: entry.count });
  }
  return { total: byKey.size, top };
}

/** Number of distinct variants, without materializing them. */
export function variantCount(log: EventLog): number {
  return variants(log, { limit: 0 }).total;
}

function sequenceKey(codes: Uint32Array, from: number, to: number): string {
  let key = '';
  for (let e = from; e < to; e++) {
    const code = codes[e]!;
    // Codes beyond one UTF-16 unit get an escape so that keys stay unambiguous.
    key += code < 0xffff ? String.fromCharCode(code) : `\uffff${code.toString(36)}\uffff`;
  }
  return key;
}
