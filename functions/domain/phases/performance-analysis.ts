import { humanDuration } from '../durations.ts';
import { activityInstances } from '../../mining/performance/activity-instances.ts';
import { activityPerformance } from '../../mining/performance/activity-performance.ts';
import { bottleneckActivities } from '../../mining/performance/bottlenecks.ts';
import { caseDurationStats } from '../../mining/performance/case-duration-stats.ts';
import { resourceWorkload } from '../../mining/performance/resource-workload.ts';
import { rework } from '../../mining/performance/rework.ts';
import type { PhaseWork } from '../phase-runner.ts';
import { checkpointKeys, loadEventLog, saveJson } from './checkpoints.ts';

/** Cycle times, waiting and service times, bottlenecks, resource workload and rework. */
export const performanceAnalysis: PhaseWork = async (context) => {
  const log = await loadEventLog(context);
  const caseDurations = log.caseIds.length > 0 ? caseDurationStats(log) : null;
  const instances = activityInstances(log);
  const activities = activityPerformance(log, instances);
  const bottlenecks = bottleneckActivities(log, { top: 5, performance: activities });
  const resources = resourceWorkload(log, instances);
  const loops = rework(log, instances);
  await saveJson(context, checkpointKeys.performance, { caseDurations, activityPerformance: activities, bottlenecks, resourceWorkload: resources, rework: loops });
  return {
    recordsProcessed: log.activityCodes.length,
    results: {
      cases: log.caseIds.length,
      caseDurations,
      performanceMetrics: caseDurations
        ? {
            averageCycleTime: humanDuration(caseDurations.mean * 1000),
            medianCycleTime: humanDuration(caseDurations.median * 1000),
            bottleneckActivities: bottlenecks.map((b) => b.activity),
            startTimesFrom: activities.startSource,
          }
        : null,
      bottlenecks: bottlenecks.map((b) => ({ activity: b.activity, measure: b.measure, shareOfCaseTime: b.share, meanSeconds: b.meanSeconds })),
      resources: resources.resources.length,
      rework: { casesWithRework: loops.casesWithRework, reworkShare: loops.reworkShare, selfLoops: loops.selfLoops, lengthTwoLoops: loops.lengthTwoLoops },
    },
  };
};
