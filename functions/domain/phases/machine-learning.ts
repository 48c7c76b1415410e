import { cycleTimeOutliers, rareVariantCases } from '../../mining/ml/anomalies.ts';
import type { PhaseWork } from '../phase-runner.ts';
import { checkpointKeys, loadEventLog, saveJson } from './checkpoints.ts';

export const machineLearningAnalysis: PhaseWork = async (context) => {
  const settings = 'algorithmSettings' in context.operation.parameters ? context.operation.parameters.algorithmSettings : undefined;
  const log = await loadEventLog(context);
  if (settings?.enableAnomalyDetection === false) {
    context.log('INFO', 'Anomaly detection disabled by algorithmSettings');
    return { recordsProcessed: 0, results: { anomalies: null } };
  }
  const anomalies = [...cycleTimeOutliers(log), ...rareVariantCases(log)];
  await saveJson(context, checkpointKeys.anomalies, anomalies);
  const bySeverity = (severity: string) => anomalies.filter((a) => a.severity === severity).length;
  return {
    recordsProcessed: log.caseIds.length,
    results: {
      anomalies: {
        detected: anomalies.length,
        highSeverity: bySeverity('High'),
        mediumSeverity: bySeverity('Medium'),
        lowSeverity: bySeverity('Low'),
        cycleTimeOutliers: anomalies.filter((a) => a.rule === 'CycleTimeOutlier').length,
        rareVariantCases: anomalies.filter((a) => a.rule === 'RareVariant').length,
      },
    },
  };
};
