import type { EventLog } from '../log/event-log.ts';
import { activityPerformance, type ActivityPerformanceReport } from './activity-performance.ts';

/** What a bottleneck ranking measures: time before an activity starts, or the whole time since the previous completion. */
export type BottleneckMeasure = 'waiting' | 'sojourn';

export interface Bottleneck {
  activity: string;
  measure: BottleneckMeasure;
  /** Total of the measure over the activity's instances, seconds. */
  totalSeconds: number;
  /** totalSeconds / sum of all case durations; null when every case lasts 0 s. */
  share: number | null;
  /** Per measured occurrence, seconds. */
  meanSeconds: number;
  medianSeconds: number;
  /** Instances with the measure known. */
  measuredOccurrences: number;
}

export interface BottleneckOptions {
  /** How many activities to return; default 5. */
  top?: number;
  /**
   * Default `auto`: waiting time when the log has start times (interval or lifecycle start
   * events) and at least one waiting time was measured, else sojourn time. One measure for
   * the whole ranking, because waiting and sojourn totals are not comparable.
   */
  measure?: BottleneckMeasure | 'auto';
  /** A report already computed for this log, to avoid computing it again. */
  performance?: ActivityPerformanceReport;
}

/**
 * Activities ranked by the total waiting time attributable to them (or total sojourn time when
 * waiting is unknown) as a share of the total case time (sum of case durations). A case's
 * sojourn times add up to the time between its first and last instance completion, so sojourn
 * shares sum to at most 1 (exactly 1 when every event is an instance); waiting is the part of
 * a sojourn before the work started, so its shares are smaller still. Ties keep the
 * performance report's activity order.
 */
export function bottleneckActivities(log: EventLog, options: BottleneckOptions = {}): Bottleneck[] {
  const report = options.performance ?? activityPerformance(log);
  const top = options.top ?? 5;
  const requested = options.measure ?? 'auto';
  const measure: BottleneckMeasure =
    requested !== 'auto' ? requested : report.activities.some((a) => a.waiting !== null) ? 'waiting' : 'sojourn';
  const ranked: Bottleneck[] = [];
  for (const a of report.activities) {
    const summary = a[measure];
    if (summary === null) continue;
    ranked.push({
      activity: a.activity,
      measure,
      totalSeconds: summary.totalSeconds,
      share: report.totalCaseSeconds !== null && report.totalCaseSeconds > 0 ? summary.totalSeconds / report.totalCaseSeconds : null,
      meanSeconds: summary.meanSeconds,
      medianSeconds: summary.medianSeconds,
      measuredOccurrences: summary.count,
    });
  }
  ranked.sort((x, y) => y.totalSeconds - x.totalSeconds);
  return ranked.slice(0, Math.max(0, top));
}
