import type { EventLog } from '../log/event-log.ts';
import { logCounts } from '../log/log-counts.ts';

/** Activity name -> count, keys in activity-table order (first appearance). */
export type ActivityCountMap = Record<string, number>;

/** Number of events per activity. */
export function activityCounts(log: EventLog): ActivityCountMap {
  const counted = logCounts(log);
  if (counted !== null) return toMap(log, counted.occurrences);
  const counts = new Float64Array(log.activities.length);
  const codes = log.activityCodes;
  for (let e = 0; e < codes.length; e++) counts[codes[e]!]!++;
  return toMap(log, counts);
}

/** Number of cases starting with each activity. */
export function startActivities(log: EventLog): ActivityCountMap {
  return boundaryCounts(log, 0);
}

/** Number of cases ending with each activity. */
export function endActivities(log: EventLog): ActivityCountMap {
  return boundaryCounts(log, 1);
}

function boundaryCounts(log: EventLog, which: 0 | 1): ActivityCountMap {
  const counted = logCounts(log);
  if (counted !== null) return toMap(log, which === 0 ? counted.starts : counted.ends);
  const counts = new Float64Array(log.activities.length);
  const { caseOffsets, activityCodes } = log;
  for (let c = 0; c + 1 < caseOffsets.length; c++) {
    const from = caseOffsets[c]!;
    const to = caseOffsets[c + 1]!;
    if (from === to) continue;
    counts[activityCodes[which === 0 ? from : to - 1]!]!++;
  }
  return toMap(log, counts);
}

function toMap(log: EventLog, counts: Float64Array | Uint32Array): ActivityCountMap {
  // Null prototype: activity names such as "constructor" or "__proto__" must stay plain keys.
  const map: ActivityCountMap = Object.create(null) as ActivityCountMap;
  for (let a = 0; a < counts.length; a++) {
    if (counts[a]! > 0) map[log.activities[a]!] = counts[a]!;
  }
  return map;
}
