import { hasTimestamps, type EventLog } from '../log/event-log.ts';
import { activityInstances } from '../performance/activity-instances.ts';
import { activityPerformance, type ActivityPerformanceReport } from '../performance/activity-performance.ts';
import { bottleneckActivities, type Bottleneck } from '../performance/bottlenecks.ts';
import { caseDurationStats, type CaseDurationStats } from '../performance/case-duration-stats.ts';
import { resourceWorkload, type ResourceWorkloadReport } from '../performance/resource-workload.ts';
import { rework, type ReworkReport } from '../performance/rework.ts';

export interface PerformanceAnalysis {
  caseDurations: CaseDurationStats | null;
  activityPerformance: ActivityPerformanceReport;
  /** Null when bottleneck detection was turned off (enableBottleneckDetection: false). */
  bottlenecks: Bottleneck[] | null;
  resourceWorkload: ResourceWorkloadReport;
  rework: ReworkReport;
  /** Why figures are null or missing (a log without timestamps), for the job's log. */
  warnings: string[];
}

/** Cycle times, waiting/service/sojourn times per activity, bottlenecks, resource workload and rework. */
export function analysePerformance(log: EventLog, topBottlenecks = 5, options: { bottlenecks?: boolean } = {}): PerformanceAnalysis {
  const instances = activityInstances(log);
  const activities = activityPerformance(log, instances);
  const timed = hasTimestamps(log);
  return {
    caseDurations: log.caseIds.length > 0 && timed ? caseDurationStats(log) : null,
    activityPerformance: activities,
    bottlenecks: options.bottlenecks === false ? null : timed ? bottleneckActivities(log, { top: topBottlenecks, performance: activities }) : [],
    resourceWorkload: resourceWorkload(log, instances),
    rework: rework(log, instances),
    warnings: timed
      ? []
      : ['The log has no timestamps: case durations, waiting, service and sojourn times, bottlenecks and resource utilisation are not computed (null or empty)'],
  };
}
