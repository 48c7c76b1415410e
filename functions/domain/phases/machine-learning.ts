import { humanDuration } from '../durations.ts';
import { DEFAULT_FITNESS_THRESHOLD, detectAnomalies } from '../../mining/ml/anomalies.ts';
import type { ReplayNet } from '../../mining/ml/replay-net.ts';
import { tokenReplay } from '../../mining/ml/token-replay.ts';
import { evaluatePredictions } from '../../mining/ml/transition-system-prediction.ts';
import type { PetriNet } from '../../mining/models/petri-net.ts';
import type { PhaseWork } from '../phase-runner.ts';
import { checkpointKeys, loadEventLog, loadJson, saveJson } from './checkpoints.ts';

const replayNetOf = (net: PetriNet): ReplayNet => ({
  places: net.places.map((p) => p.id),
  transitions: net.transitions.map((t) => ({ id: t.id, label: t.label })),
  arcs: net.arcs.map((a) => ({ source: a.source, target: a.target, weight: a.weight })),
  initialMarking: net.initialMarking,
  finalMarking: net.finalMarking,
});

/**
 * Anomalies (rare variants, cycle-time outliers, cases that do not fit the Heuristics net by
 * token-based replay: that net tolerates the noise of real logs better than the Alpha net)
 * and next-activity / remaining-time prediction measured on a holdout of the newest cases.
 */
export const machineLearningAnalysis: PhaseWork = async (context) => {
  const parameters = context.operation.parameters;
  if (!('algorithmSettings' in parameters)) throw new Error(`${context.job.operationType} has no machine-learning stage`);
  const settings = parameters.algorithmSettings;
  const log = await loadEventLog(context);
  const net = replayNetOf(await loadJson<PetriNet>(context, checkpointKeys.heuristicsNet));
  const replay = tokenReplay(log, net);
  context.milestone('Milestone', 'Conformance checked', { logFitness: replay.logFitness, fittingCases: replay.fittingCases });
  const anomalies = !settings.enableAnomalyDetection ? null : detectAnomalies(log, { net, replay });
  const predictions = !settings.useAdvancedML ? null : evaluatePredictions(log);
  if (anomalies) await saveJson(context, checkpointKeys.anomalies, anomalies);
  const conformance = {
    logFitness: replay.logFitness,
    averageFitness: replay.averageFitness,
    perfectlyFittingCases: replay.fittingCases,
    deviatingCases: replay.cases.filter((c) => c.fitness < DEFAULT_FITNESS_THRESHOLD || c.activitiesNotInModel > 0).length,
    fitnessThreshold: DEFAULT_FITNESS_THRESHOLD,
    cases: log.caseIds.length,
  };
  await saveJson(context, checkpointKeys.machineLearning, { conformance, predictions });
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
