import { humanDuration } from '../durations.ts';
import { analyseBehaviour } from '../../mining/analysis/analyse-behaviour.ts';
import type { PetriNet } from '../../mining/models/petri-net.ts';
import type { PhaseWork } from '../phase-runner.ts';
import { checkpointKeys, loadEventLog, loadJson, saveJson } from './checkpoints.ts';

/**
 * Conformance, anomalies and predictions. Cases are replayed on the Heuristics net, which
 * tolerates the noise of real logs better than the Alpha net.
 */
export const machineLearningAnalysis: PhaseWork = async (context) => {
  const parameters = context.operation.parameters;
  if (!('algorithmSettings' in parameters)) throw new Error(`${context.job.operationType} has no machine-learning stage`);
  const settings = parameters.algorithmSettings;
  const log = await loadEventLog(context);
  const model = await loadJson<PetriNet>(context, checkpointKeys.heuristicsNet);
  const { conformance, anomalies, predictions } = analyseBehaviour(log, model, { anomalies: settings.enableAnomalyDetection, predictions: settings.useAdvancedML });
  context.milestone('Milestone', 'Conformance checked', { logFitness: conformance.logFitness, deviatingCases: conformance.deviatingCases });
  await Promise.all([
    saveJson(context, checkpointKeys.behaviour, { conformance, predictions }),
    ...(anomalies ? [saveJson(context, checkpointKeys.anomalies, anomalies)] : []),
  ]);
  const count = (predicate: (a: NonNullable<typeof anomalies>[number]) => boolean) => anomalies?.filter(predicate).length ?? 0;
  return {
    recordsProcessed: log.caseIds.length,
    results: {
      anomalies: anomalies
        ? {
            detected: anomalies.length,
            highSeverity: count((a) => a.severity === 'High'),
            mediumSeverity: count((a) => a.severity === 'Medium'),
            lowSeverity: count((a) => a.severity === 'Low'),
            byRule: {
              cycleTimeOutliers: count((a) => a.rule === 'CycleTimeOutlier'),
              rareVariants: count((a) => a.rule === 'RareVariant'),
              lowReplayFitness: count((a) => a.rule === 'LowReplayFitness'),
            },
          }
        : null,
      conformance,
      predictions: predictions
        ? {
            cycleTimePrediction: {
              meanAbsoluteErrorSeconds: predictions.meanAbsoluteErrorSeconds,
              meanAbsoluteError: humanDuration(predictions.meanAbsoluteErrorSeconds * 1000),
            },
            pathPrediction: { accuracy: predictions.accuracy },
            method: `annotated transition system over the last ${predictions.k} activities`,
            trainCases: predictions.trainCases,
            testCases: predictions.testCases,
            predictionsEvaluated: predictions.predictionsEvaluated,
          }
        : null,
    },
  };
};
