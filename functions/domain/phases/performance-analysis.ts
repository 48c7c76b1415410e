import { humanDuration } from '../durations.ts';
import { analysePerformanceSteps } from '../../mining/analysis/analyse-performance.ts';
import { runStepsYielding } from '../../mining/progress.ts';
import type { PhaseWork } from '../phase-runner.ts';
import { analysisSwitchesOf, skippedWork } from './analysis-switches.ts';
import { checkpointKeys, loadEventLog, saveJson } from './checkpoints.ts';

export const performanceAnalysis: PhaseWork = async (context) => {
  context.report(0, 'Loading the event log checkpoint');
  const log = await loadEventLog(context);
  context.throwIfCancelled();
  const switches = analysisSwitchesOf(context.operation.parameters);
  const skipped = skippedWork(context.operation.parameters, switches).performance;
  const performance = await runStepsYielding(analysePerformanceSteps(log, undefined, { bottlenecks: switches.bottleneckDetection }), context.hook(0.2, 0.95, 'steps'));
  context.report(0.95, 'Storing the performance analysis');
  for (const item of skipped) context.log('INFO', `Skipped ${item.work}: ${item.reason}`);
  for (const warning of performance.warnings) context.log('WARN', warning);
  await saveJson(context, checkpointKeys.performance, performance);
  const { caseDurations, bottlenecks, rework } = performance;
  return {
    recordsProcessed: log.activityCodes.length,
    results: {
      cases: log.caseIds.length,
      caseDurations,
      performanceMetrics: caseDurations
        ? {
            averageCycleTime: humanDuration(caseDurations.mean * 1000),
            medianCycleTime: humanDuration(caseDurations.median * 1000),
            ...(bottlenecks ? { bottleneckActivities: bottlenecks.map((b) => b.activity) } : {}),
            startTimesFrom: performance.activityPerformance.startSource,
          }
        : null,
      ...(skipped.length ? { skipped } : {}),
      ...(bottlenecks ? { bottlenecks: bottlenecks.map((b) => ({ activity: b.activity, measure: b.measure, shareOfCaseTime: b.share, meanSeconds: b.meanSeconds })) } : {}),
      resources: performance.resourceWorkload.resources.length,
      rework: { casesWithRework: rework.casesWithRework, reworkShare: rework.reworkShare, selfLoops: rework.selfLoops, lengthTwoLoops: rework.lengthTwoLoops },
    },
  };
};
