import { hasTimestamps, type EventLog } from '../log/event-log.ts';
import { activityInstances } from '../performance/activity-instances.ts';
import { activityPerformance, type ActivityPerformanceReport } from '../performance/activity-performance.ts';
import { bottleneckActivities, type Bottleneck } from '../performance/bottlenecks.ts';
import { caseDurationStats, type CaseDurationStats } from '../performance/case-duration-stats.ts';
import { performancePass } from '../performance/performance-pass.ts';
import { activityReport, caseDurationReport, reworkReport, sortedDurations, workloadReport } from '../performance/performance-reports.ts';
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
  const timed = hasTimestamps(log);
  yield { activity: 'Pairing activity instances', total };
  // The one-walk path (performance-pass.ts); the plain functions when a figure does not fit its keys.
  const pass = performancePass(log);
  const instances = pass === null ? activityInstances(log) : null;
  yield { activity: 'Measuring activity times', total };
  const sorted = pass === null ? null : sortedDurations(log, pass);
  const activities = pass === null ? activityPerformance(log, instances!) : activityReport(log, pass, sorted!);
  yield { activity: 'Measuring case durations', total };
  const caseDurations = pass === null ? (log.caseIds.length > 0 && timed ? caseDurationStats(log) : null) : caseDurationReport(log, pass, sorted!);
  yield { activity: 'Detecting bottlenecks', total };
  const bottlenecks = options.bottlenecks === false ? null : timed ? bottleneckActivities(log, { top: topBottlenecks, performance: activities }) : [];
  yield { activity: 'Measuring resource workload', total };
  const workload = pass === null ? resourceWorkload(log, instances!) : workloadReport(log, pass);
  yield { activity: 'Measuring rework', total };
  const reworks = pass === null ? rework(log, instances!) : reworkReport(log, pass);
  yield { activity: 'Performance analysed', total, end: true };
  return {
    caseDurations,
    activityPerformance: activities,
    bottlenecks,
    resourceWorkload: workload,
    rework: reworks,
    warnings: timed
      ? []
      : ['The log has no timestamps: case durations, waiting, service and sojourn times, bottlenecks and resource utilisation are not computed (null or empty)'],
  };
}
