/**
 * The analysis's switches, resolved from an operation's parameters. Every switch turns real work on or off; work
 * left out is reported as {@link SkippedWork}, never as zeros.
 */

/**
 * `algorithm` values. All three miners always run (the Heuristics net is the replay model, the Alpha net is cheap);
 * the algorithm chooses the model shown first and, for `inductive_infrequent`, the Inductive Miner's noise threshold.
 * `alpha_miner_enhanced` is an alias of `alpha`: the classic Alpha Miner as PM4Py implements it, no Alpha+ treatment.
 */
export const discoveryAlgorithms = ['inductive', 'inductive_infrequent', 'alpha', 'alpha_miner_enhanced', 'heuristics'] as const;
export type DiscoveryAlgorithm = (typeof discoveryAlgorithms)[number];

export type ModelKind = 'inductive' | 'alpha' | 'heuristics';

/** IMf's noise threshold when `inductive_infrequent` is chosen without one (PM4Py's default). */
export const DEFAULT_INFREQUENT_NOISE = 0.2;

export const modelOfAlgorithm: Record<DiscoveryAlgorithm, ModelKind> = {
  inductive: 'inductive',
  inductive_infrequent: 'inductive',
  alpha: 'alpha',
  alpha_miner_enhanced: 'alpha',
  heuristics: 'heuristics',
};

/** The model kinds in the order they are shown: the chosen one first, then the others in their usual order. */
export function modelOrder(primary: ModelKind): ModelKind[] {
  return [primary, ...(['inductive', 'alpha', 'heuristics'] as const).filter((m) => m !== primary)];
}

export const performanceModes = ['high_accuracy', 'balanced', 'high_throughput'] as const;
export type PerformanceMode = (typeof performanceModes)[number];

/**
 * How conformance replays the log. `all`: every variant (PM4Py's figures). `sample`: the most frequent variants
 * until they cover `coverage` of the cases, at most `maxVariants` of them; the other cases are not replayed.
 */
export type ReplayScope = { mode: 'all' } | { mode: 'sample'; coverage: number; maxVariants: number };

export const HIGH_THROUGHPUT_REPLAY: ReplayScope = { mode: 'sample', coverage: 0.8, maxVariants: 100 };

/** `high_accuracy` adds alignment-based conformance (A* per variant) to what `balanced` does. */
export const alignsIn = (mode: PerformanceMode): boolean => mode === 'high_accuracy';

export function replayScopeOf(mode: PerformanceMode): ReplayScope {
  return mode === 'high_throughput' ? HIGH_THROUGHPUT_REPLAY : { mode: 'all' };
}

/** Work an analysis did not do, the parameter that turned it off, and why. */
export interface SkippedWork {
  work: string;
  parameter: string;
  reason: string;
}

export const skipped = (work: string, parameter: string, value: unknown): SkippedWork => ({
  work,
  parameter,
  reason: `not computed: ${parameter} is ${JSON.stringify(value)}`,
});

/** The switches of one analysis, as the phases read them. */
export interface AnalysisSwitches {
  algorithm: DiscoveryAlgorithm;
  primaryModel: ModelKind;
  /** The Inductive Miner's noise threshold: 0 runs IM, above 0 IMf. */
  noiseThreshold: number;
  variantAnalysis: boolean;
  bottleneckDetection: boolean;
  anomalyDetection: boolean;
  /** Next-activity and remaining-time prediction (useAdvancedML / enableML). */
  predictions: boolean;
  /** All recommendations (generateInsights). */
  insights: boolean;
  /** Recommendations that propose process changes: Process Optimization and Rework (generateOptimizationRecommendations). */
  optimizationRecommendations: boolean;
  performanceOptimization: PerformanceMode;
  replay: ReplayScope;
  /** Alignments of every variant on the Inductive net: `high_accuracy` only (the default path does no alignment work). */
  alignments: boolean;
}
