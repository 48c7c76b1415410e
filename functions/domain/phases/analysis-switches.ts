import {
  alignsIn,
  DEFAULT_INFREQUENT_NOISE,
  modelOfAlgorithm,
  replayScopeOf,
  skipped,
  type AnalysisSwitches,
  type SkippedWork,
} from '../../mining/analysis/analysis-options.ts';
import type { OperationParameters } from '../../schemas/operation.ts';

type AnalysisParameters = Extract<OperationParameters, { algorithmSettings: unknown }>;

const isAnalysis = (parameters: OperationParameters): parameters is AnalysisParameters => 'algorithmSettings' in parameters;

/**
 * The switches of an analysis from its parameters. Operations stored before a switch existed lack it and get
 * its default, so a resumed old analysis does what it did.
 */
export function analysisSwitchesOf(parameters: OperationParameters): AnalysisSwitches {
  if (!isAnalysis(parameters)) throw new Error('only a ProcessMiningAnalysis has analysis switches');
  const p = parameters as Partial<AnalysisParameters> & Pick<AnalysisParameters, 'algorithmSettings'>;
  const algorithm = p.algorithm ?? 'inductive';
  const performanceOptimization = p.algorithmSettings.performanceOptimization ?? 'balanced';
  return {
    algorithm,
    primaryModel: modelOfAlgorithm[algorithm],
    noiseThreshold: algorithm === 'inductive_infrequent' ? (p.noiseThreshold ?? DEFAULT_INFREQUENT_NOISE) : 0,
    variantAnalysis: p.enableVariantAnalysis ?? true,
    bottleneckDetection: p.enableBottleneckDetection ?? true,
    anomalyDetection: p.algorithmSettings.enableAnomalyDetection ?? true,
    predictions: p.algorithmSettings.useAdvancedML ?? p.enableML ?? true,
    insights: p.generateInsights ?? true,
    optimizationRecommendations: p.generateOptimizationRecommendations ?? true,
    performanceOptimization,
    replay: replayScopeOf(performanceOptimization),
    alignments: alignsIn(performanceOptimization),
  };
}

/** The name a switch was given in the request, for the reason of skipped work. */
function predictionsParameter(parameters: AnalysisParameters): string {
  return parameters.algorithmSettings.useAdvancedML === undefined && parameters.enableML !== undefined ? 'enableML' : 'algorithmSettings.useAdvancedML';
}

/** What each phase leaves out under these switches, with the parameter that turned it off. */
export function skippedWork(parameters: OperationParameters, switches: AnalysisSwitches) {
  const p = parameters as AnalysisParameters;
  return {
    discovery: switches.variantAnalysis ? [] : [skipped('variantAnalysis', 'enableVariantAnalysis', false)],
    performance: switches.bottleneckDetection ? [] : [skipped('bottleneckDetection', 'enableBottleneckDetection', false)],
    machineLearning: [
      ...(switches.anomalyDetection ? [] : [skipped('anomalyDetection', 'algorithmSettings.enableAnomalyDetection', false)]),
      ...(switches.predictions ? [] : [skipped('predictions', predictionsParameter(p), false)]),
    ],
    report: !switches.insights
      ? [skipped('recommendations', 'generateInsights', false)]
      : switches.optimizationRecommendations
        ? []
        : [{ ...skipped('optimizationRecommendations', 'generateOptimizationRecommendations', false), reason: 'Process Optimization and Rework recommendations not derived: generateOptimizationRecommendations is false' }],
  } satisfies Record<string, SkippedWork[]>;
}
