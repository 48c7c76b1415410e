import { hasTimestamps, type EventLog } from '../log/event-log.ts';
import { caseDurations } from './case-duration-stats.ts';
import { activityInstances, type ActivityInstances, type StartSource } from './activity-instances.ts';
import { GroupedValues, summarizeDurations, type DurationSummary } from './duration-summary.ts';

/** Time figures of one activity over its instances, in seconds. */
export interface ActivityPerformance {
  activity: string;
  /** Number of instances (see {@link activityInstances}). */
  occurrences: number;
  /** Completion minus start; null when no instance of the activity has a known start. */
  service: DurationSummary | null;
  /**
   * Start minus the completion of the previous instance in the case, 0 when the instance started
   * before that completion (overlapping work); null without starts. First instances have none.
   */
  waiting: DurationSummary | null;
  /** Completion minus the completion of the previous instance in the case; first instances have none. */
  sojourn: DurationSummary | null;
}

export interface ActivityPerformanceReport {
  startSource: StartSource;
  /** Activities with at least one instance, by occurrences descending, ties in activity-table order. */
  activities: ActivityPerformance[];
  /**
   * Sum of all case durations (last minus first completion timestamp, as caseDurations),
   * seconds; null for a log without timestamps.
   */
  totalCaseSeconds: number | null;
  /** Instances whose start lies after their completion: left out of service and waiting as bad data. */
  startAfterCompletion: number;
}

/**
 * Waiting, service and sojourn time per activity. Service and waiting need start times
 * (interval logs or lifecycle start/complete pairs); sojourn only completions, so it is the
 * figure to read when `startSource` is `none`.
 */
export function activityPerformance(log: EventLog, instances: ActivityInstances = activityInstances(log)): ActivityPerformanceReport {
  const { caseOffsets, activityCodes, starts, completions } = instances;
  const activityCount = log.activities.length;
  const n = activityCodes.length;
  const occurrences = new Uint32Array(activityCount);
  const service = new GroupedValues(n);
  const waiting = new GroupedValues(n);
  const sojourn = new GroupedValues(n);
  let startAfterCompletion = 0;

  for (let c = 0; c + 1 < caseOffsets.length; c++) {
    const from = caseOffsets[c]!;
    for (let i = from; i < caseOffsets[c + 1]!; i++) {
      const a = activityCodes[i]!;
      occurrences[a]!++;
      const start = starts[i]!;
      const completion = completions[i]!;
      const startKnown = !Number.isNaN(start);
      if (startKnown && start > completion) startAfterCompletion++;
      const validStart = startKnown && start <= completion;
      if (validStart) service.push(a, (completion - start) / 1000);
      // A log without timestamps has NaN completions: no sojourn (nor waiting) to measure.
      if (i > from && !Number.isNaN(completion)) {
        const previous = completions[i - 1]!;
        sojourn.push(a, (completion - previous) / 1000);
        if (validStart) waiting.push(a, Math.max(0, start - previous) / 1000);
      }
    }
  }

  const serviceByActivity = service.byGroup(activityCount);
  const waitingByActivity = waiting.byGroup(activityCount);
  const sojournByActivity = sojourn.byGroup(activityCount);
  const activities: ActivityPerformance[] = [];
  for (let a = 0; a < activityCount; a++) {
    if (occurrences[a] === 0) continue;
    activities.push({
      activity: log.activities[a]!,
      occurrences: occurrences[a]!,
      service: summarizeDurations(serviceByActivity[a]!),
      waiting: summarizeDurations(waitingByActivity[a]!),
      sojourn: summarizeDurations(sojournByActivity[a]!),
    });
  }
  activities.sort((x, y) => y.occurrences - x.occurrences);

  let totalCaseSeconds: number | null = null;
  if (hasTimestamps(log)) {
    totalCaseSeconds = 0;
    for (const d of caseDurations(log)) totalCaseSeconds += d;
  }
  return { startSource: instances.source, activities, totalCaseSeconds, startAfterCompletion };
}
