import { humanDuration } from '../durations.ts';
import { analyseBehaviourSteps, behaviourModels, type BehaviourOptions } from '../../mining/analysis/analyse-behaviour.ts';
import type { AlignedVariant } from '../../mining/ml/anomalies.ts';
import { runStepsYielding } from '../../mining/progress.ts';
import type { PetriNet } from '../../mining/models/petri-net.ts';
import type { PhaseWork } from '../phase-runner.ts';
import { analysisSwitchesOf, skippedWork } from './analysis-switches.ts';
import { checkpointKeys, loadEventLog, loadJson, saveJson } from './checkpoints.ts';

/**
 * Conformance, anomalies and predictions. Cases are replayed on the Heuristics net, which
 * tolerates the noise of real logs better than the Alpha net.
 */
export const machineLearningAnalysis: PhaseWork = async (context) => {
  const parameters = context.operation.parameters;
  if (!('algorithmSettings' in parameters)) throw new Error(`${context.job.operationType} has no machine-learning stage`);
  const switches = analysisSwitchesOf(parameters);
  const skipped = skippedWork(parameters, switches).machineLearning;
  const options: BehaviourOptions = { anomalies: switches.anomalyDetection, predictions: switches.predictions, replay: switches.replay };
  const models = behaviourModels(options);
  context.report(0, 'Loading the event log and the replay model', undefined, { training: [], completed: [], total: models.length });
  const log = await loadEventLog(context);
  const model = await loadJson<PetriNet>(context, checkpointKeys.heuristicsNet);
  // Stored by discovery whenever it aligned (high_accuracy); null when the net was too large to.
  // Absent when discovery ran before alignments existed (a job resumed across a deployment).
  if (switches.alignments && switches.anomalyDetection) {
    const stored = (await context.objects.head(context.jobObjectKey(checkpointKeys.inductiveAlignments))) !== undefined;
    if (stored) options.alignments = await loadJson<AlignedVariant[] | null>(context, checkpointKeys.inductiveAlignments);
    else context.log('WARN', 'No alignments stored by discovery (it ran before they were computed): ModelDeviation anomalies are not detected');
  }
  context.throwIfCancelled();
  const { conformance, anomalies, predictions, warnings } = await runStepsYielding(analyseBehaviourSteps(log, model, options), context.hook(0.15, 0.95, 'models', models));
  context.report(0.95, 'Storing the models\' results');
  for (const item of skipped) context.log('INFO', `Skipped ${item.work}: ${item.reason}`);
  if (conformance.replayed.scope === 'sample') {
    context.log('INFO', `Replayed ${conformance.replayed.casesReplayed} of ${conformance.replayed.casesInLog} cases (the ${conformance.replayed.variantsReplayed} most frequent of ${conformance.replayed.variantsInLog} variants): performanceOptimization is high_throughput`);
  }
  for (const warning of warnings) context.log('WARN', warning);
  context.milestone('Milestone', 'Conformance checked', { logFitness: conformance.logFitness, deviatingCases: conformance.deviatingCases });
  await Promise.all([
    saveJson(context, checkpointKeys.behaviour, { conformance, predictions }),
    ...(anomalies ? [saveJson(context, checkpointKeys.anomalies, anomalies)] : []),
  ]);
  const count = (predicate: (a: NonNullable<typeof anomalies>[number]) => boolean) => anomalies?.filter(predicate).length ?? 0;
  return {
    recordsProcessed: log.caseIds.length,
    results: {
      ...(skipped.length ? { skipped } : {}),
      // Work turned off is absent, its reason in `skipped`.
      ...(anomalies
        ? {
            anomalies: {
              detected: anomalies.length,
              highSeverity: count((a) => a.severity === 'High'),
              mediumSeverity: count((a) => a.severity === 'Medium'),
              lowSeverity: count((a) => a.severity === 'Low'),
              byRule: {
                cycleTimeOutliers: count((a) => a.rule === 'CycleTimeOutlier'),
                rareVariants: count((a) => a.rule === 'RareVariant'),
                lowReplayFitness: count((a) => a.rule === 'LowReplayFitness'),
                ...(switches.alignments ? { modelDeviations: count((a) => a.rule === 'ModelDeviation') } : {}),
              },
            },
          }
        : {}),
      conformance,
      // On but not measurable (under 10 cases, see evaluatePredictions) is null; off is absent.
      ...(!switches.predictions
        ? {}
        : {
            predictions: predictions && {
              cycleTimePrediction: {
                meanAbsoluteErrorSeconds: predictions.meanAbsoluteErrorSeconds,
                meanAbsoluteError: predictions.meanAbsoluteErrorSeconds === null ? null : humanDuration(predictions.meanAbsoluteErrorSeconds * 1000),
              },
              pathPrediction: { accuracy: predictions.accuracy },
              method: `annotated transition system over the last ${predictions.k} activities`,
              trainCases: predictions.trainCases,
              testCases: predictions.testCases,
              predictionsEvaluated: predictions.predictionsEvaluated,
            },
          }),
    },
  };
};
