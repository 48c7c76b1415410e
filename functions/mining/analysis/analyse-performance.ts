import type { EventLog } from '../log/event-log.ts';
import { activityInstances } from '../performance/activity-instances.ts';
import { activityPerformance, type ActivityPerformanceReport } from '../performance/activity-performance.ts';
import { bottleneckActivities, type Bottleneck } from '../performance/bottlenecks.ts';
import { caseDurationStats, type CaseDurationStats } from '../performance/case-duration-stats.ts';
import { resourceWorkload, type ResourceWorkloadReport } from '../performance/resource-workload.ts';
import { rework, type ReworkReport } from '../performance/rework.ts';

export interface PerformanceAnalysis {
  caseDurations: CaseDurationStats | null;
  activityPerformance: ActivityPerformanceReport;
  bottlenecks: Bottleneck[];
  resourceWorkload: ResourceWorkloadReport;
  rework: ReworkReport;
}

/** Cycle times, waiting/service/sojourn times per activity, bottlenecks, resource workload and rework. */
export function analysePerformance(log: EventLog, topBottlenecks = 5): PerformanceAnalysis {
  const instances = activityInstances(log);
  const activities = activityPerformance(log, instances);
  return {
    caseDurations: log.caseIds.length > 0 ? caseDurationStats(log) : null,
    activityPerformance: activities,
    bottlenecks: bottleneckActivities(log, { top: topBottlenecks, performance: activities }),
    resourceWorkload: resourceWorkload(log, instances),
    rework: rework(log, instances),
  };
}
