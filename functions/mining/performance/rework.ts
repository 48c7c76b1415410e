import type { EventLog } from '../log/event-log.ts';
import { activityInstances, type ActivityInstances } from './activity-instances.ts';

export interface ActivityRework {
  activity: string;
  /** Cases where the activity has more than one instance. */
  casesWithRepetition: number;
  /** Instances beyond the first, summed over cases: a case with 3 instances adds 2. */
  repeatCount: number;
  /** Times an instance directly follows an instance of the same activity (a, a). */
  selfLoops: number;
}

export interface LengthTwoLoop {
  /** The activity that returns: the pattern is a, b, a with a != b. */
  activity: string;
  via: string;
  /** Occurrences of the pattern at consecutive positions; overlapping ones count separately (a,b,a,b,a: 2 for a via b). */
  count: number;
  /** Cases with at least one occurrence. */
  cases: number;
}

export interface ReworkReport {
  /** Cases where some activity has more than one instance. */
  casesWithRework: number;
  /** casesWithRework / cases; null for an empty log. */
  reworkShare: number | null;
  /** Activities with any repetition, by repeatCount descending, ties in activity-table order. */
  activities: ActivityRework[];
  selfLoops: number;
  lengthTwoLoops: number;
  /** By count descending, ties by first occurrence. */
  lengthTwoLoopPatterns: LengthTwoLoop[];
}

/**
 * Rework and loops over the sequence of activity instances of each case (not raw events, so a
 * lifecycle start followed by its complete is one instance, not a repetition).
 */
export function rework(log: EventLog, instances: ActivityInstances = activityInstances(log)): ReworkReport {
  const { caseOffsets, activityCodes } = instances;
  const activityCount = log.activities.length;
  const cases = caseOffsets.length - 1;
  const seenInCase = new Int32Array(activityCount).fill(-1);
  const countInCase = new Uint32Array(activityCount);
  const casesWithRepetition = new Uint32Array(activityCount);
  const repeatCount = new Uint32Array(activityCount);
  const selfLoops = new Uint32Array(activityCount);
  const patterns = new Map<string, { a: number; b: number; count: number; cases: number; lastCase: number }>();
  let casesWithRework = 0;
  let totalSelfLoops = 0;
  let totalLengthTwo = 0;

  for (let c = 0; c < cases; c++) {
    const from = caseOffsets[c]!;
    const to = caseOffsets[c + 1]!;
    let repeated = false;
    for (let i = from; i < to; i++) {
      const a = activityCodes[i]!;
      if (seenInCase[a] !== c) {
        seenInCase[a] = c;
        countInCase[a] = 0;
      }
      countInCase[a]!++;
      if (countInCase[a] === 2) {
        casesWithRepetition[a]!++;
        repeated = true;
      }
      if (countInCase[a]! >= 2) repeatCount[a]!++;
      if (i > from && activityCodes[i - 1] === a) {
        selfLoops[a]!++;
        totalSelfLoops++;
      }
      if (i >= from + 2 && activityCodes[i - 2] === a && activityCodes[i - 1] !== a) {
        const b = activityCodes[i - 1]!;
        const key = `${a},${b}`;
        let entry = patterns.get(key);
        if (entry === undefined) {
          entry = { a, b, count: 0, cases: 0, lastCase: -1 };
          patterns.set(key, entry);
        }
        entry.count++;
        if (entry.lastCase !== c) {
          entry.lastCase = c;
          entry.cases++;
        }
        totalLengthTwo++;
      }
    }
    if (repeated) casesWithRework++;
  }

  const activities: ActivityRework[] = [];
  for (let a = 0; a < activityCount; a++) {
    if (repeatCount[a] === 0) continue;
    activities.push({
      activity: log.activities[a]!,
      casesWithRepetition: casesWithRepetition[a]!,
      repeatCount: repeatCount[a]!,
      selfLoops: selfLoops[a]!,
    });
  }
  activities.sort((x, y) => y.repeatCount - x.repeatCount);
  const lengthTwoLoopPatterns = [...patterns.values()]
    .sort((x, y) => y.count - x.count)
    .map((p) => ({ activity: log.activities[p.a]!, via: log.activities[p.b]!, count: p.count, cases: p.cases }));

  return {
    casesWithRework,
    reworkShare: cases > 0 ? casesWithRework / cases : null,
    activities,
    selfLoops: totalSelfLoops,
    lengthTwoLoops: totalLengthTwo,
    lengthTwoLoopPatterns,
  };
}
