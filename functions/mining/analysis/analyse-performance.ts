import { hasTimestamps, type EventLog } from '../log/event-log.ts';
import { activityInstances } from '../performance/activity-instances.ts';
import { activityPerformance, type ActivityPerformanceReport } from '../performance/activity-performance.ts';
import { bottleneckActivities, type Bottleneck } from '../performance/bottlenecks.ts';
import { caseDurationStats, type CaseDurationStats } from '../performance/case-duration-stats.ts';
import { resourceWorkload, type ResourceWorkloadReport } from '../performance/resource-workload.ts';
import { rework, type ReworkReport } from '../performance/rework.ts';
import { runSteps, type ProgressHook, type Steps } from '../progress.ts';

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
export function analysePerformance(log: EventLog, topBottlenecks = 5, options: { bottlenecks?: boolean; progress?: ProgressHook } = {}): PerformanceAnalysis {
  return runSteps(analysePerformanceSteps(log, topBottlenecks, options), options.progress);
}

/** {@link analysePerformance} step by step, for a caller that reports progress or yields between steps. */
export function* analysePerformanceSteps(log: EventLog, topBottlenecks = 5, options: { bottlenecks?: boolean } = {}): Steps<PerformanceAnalysis> {
  const total = 6;
  yield { activity: 'Pairing activity instances', total };
  const instances = activityInstances(log);
  yield { activity: 'Measuring activity times', total };
  const activities = activityPerformance(log, instances);
  const timed = hasTimestamps(log);
  yield { activity: 'Measuring case durations', total };
  const caseDurations = log.caseIds.length > 0 && timed ? caseDurationStats(log) : null;
  yield { activity: 'Detecting bottlenecks', total };
  const bottlenecks = options.bottlenecks === false ? null : timed ? bottleneckActivities(log, { top: topBottlenecks, performance: activities }) : [];
  yield { activity: 'Measuring resource workload', total };
  const workload = resourceWorkload(log, instances);
  yield { activity: 'Measuring rework', total };
  const reworkReport = rework(log, instances);
  yield { activity: 'Performance analysed', total, end: true };
  return {
    caseDurations,
    activityPerformance: activities,
    bottlenecks,
    resourceWorkload: workload,
    rework: reworkReport,
    warnings: timed
      ? []
      : ['The log has no timestamps: case durations, waiting, service and sojourn times, bottlenecks and resource utilisation are not computed (null or empty)'],
  };
}
