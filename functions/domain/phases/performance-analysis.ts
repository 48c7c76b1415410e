import { caseDurationStats } from '../../mining/performance/case-duration-stats.ts';
import type { PhaseWork } from '../phase-runner.ts';
import { checkpointKeys, loadEventLog, saveJson } from './checkpoints.ts';

export const performanceAnalysis: PhaseWork = async (context) => {
  const log = await loadEventLog(context);
  const caseDurations = log.caseIds.length > 0 ? caseDurationStats(log) : null;
  await saveJson(context, checkpointKeys.performance, { caseDurations });
  return { recordsProcessed: log.activityCodes.length, results: { cases: log.caseIds.length, caseDurations } };
};
