import { hasTimestamps, type EventLog } from '../log/event-log.ts';
import { alignmentDeviations, DEFAULT_FITNESS_THRESHOLD, detectAnomalies, type AlignedVariant, type Anomaly } from '../ml/anomalies.ts';
import { replayNetOf } from '../ml/replay-net.ts';
import { tokenReplay, type ReplayResult } from '../ml/token-replay.ts';
import { evaluatePredictions, type PredictionEvaluation } from '../ml/transition-system-prediction.ts';
import type { PetriNet } from '../models/petri-net.ts';
import type { ReplayScope } from './analysis-options.ts';
import { replaySample, type ReplayCoverage } from './replay-sample.ts';
import { runSteps, type ProgressHook, type Steps } from '../progress.ts';

export interface Conformance {
  logFitness: number;
  averageFitness: number;
  perfectlyFittingCases: number;
  /** Cases replaying below the fitness threshold or with activities the model lacks. */
  deviatingCases: number;
  fitnessThreshold: number;
  /** Cases the figures are over (the replayed ones). */
  cases: number;
  /** All cases, or the sample of frequent variants `high_throughput` replays. */
  replayed: ReplayCoverage;
}

export interface BehaviourAnalysis {
  conformance: Conformance;
  anomalies: Anomaly[] | null;
  predictions: PredictionEvaluation | null;
  /** Why parts were skipped (a log without timestamps), for the job's log. */
  warnings: string[];
}

/** Cases below the fitness threshold or with activities the model lacks, counted per variant. */
function deviatingCases({ variantOf, byVariant }: ReplayResult): number {
  // Plain loops: a typed-array map with a closure ran a call per variant, uncompiled.
  const deviating = new Uint8Array(byVariant.fitness.length);
  for (let v = 0; v < deviating.length; v++) deviating[v] = byVariant.fitness[v]! < DEFAULT_FITNESS_THRESHOLD || byVariant.activitiesNotInModel[v]! > 0 ? 1 : 0;
  let count = 0;
  for (let c = 0; c < variantOf.length; c++) count += deviating[variantOf[c]!]!;
  return count;
}

export interface BehaviourOptions {
  anomalies: boolean;
  predictions: boolean;
  /** Which cases are replayed (default all); model-deviation anomalies are found among those only. */
  replay?: ReplayScope;
  /** The deviating variants' alignments on the Inductive net (`high_accuracy`): one ModelDeviation anomaly per case. */
  alignments?: readonly AlignedVariant[] | null;
  /** Called before each model is trained or applied (token replay, anomaly detector, predictor) and at the end. */
  progress?: ProgressHook;
}

/** The models analyseBehaviour trains or applies with these options, in the order it does. */
export function behaviourModels(options: Pick<BehaviourOptions, 'anomalies' | 'predictions'>): string[] {
  return ['Token-replay conformance', ...(options.anomalies ? ['Anomaly detector'] : []), ...(options.predictions ? ['Transition-system predictor'] : [])];
}

/**
 * Conformance of the log to a model by token-based replay, anomalies (rare variants,
 * cycle-time outliers, cases that deviate from the model by replay, and by alignment on the
 * Inductive net when its alignments are given) and next-activity / remaining-time
 * prediction measured on a holdout of the newest cases.
 */
export function analyseBehaviour(log: EventLog, model: PetriNet, options: BehaviourOptions): BehaviourAnalysis {
  return runSteps(analyseBehaviourSteps(log, model, options), options.progress);
}

/** {@link analyseBehaviour} step by step (one per model), for a caller that reports progress or yields between steps. */
export function* analyseBehaviourSteps(log: EventLog, model: PetriNet, options: Omit<BehaviourOptions, 'progress'>): Steps<BehaviourAnalysis> {
  const models = behaviourModels(options);
  const total = models.length;
  yield { activity: models[0]!, total };
  const net = replayNetOf(model);
  const sample = replaySample(log, options.replay ?? { mode: 'all' });
  const replay = tokenReplay(sample.log, net);
  if (options.anomalies) yield { activity: 'Anomaly detector', total };
  const anomalies = options.anomalies
    ? detectAnomalies(log, { net, replay }).concat(options.alignments ? alignmentDeviations(log, options.alignments) : [])
    : null;
  if (options.predictions) yield { activity: 'Transition-system predictor', total };
  const predictions = options.predictions ? evaluatePredictions(log) : null;
  yield { activity: 'Models completed', total, end: true };
  return {
    conformance: {
      logFitness: replay.logFitness,
      averageFitness: replay.averageFitness,
      perfectlyFittingCases: replay.fittingCases,
      deviatingCases: deviatingCases(replay),
      fitnessThreshold: DEFAULT_FITNESS_THRESHOLD,
      cases: sample.coverage.casesReplayed,
      replayed: sample.coverage,
    },
    anomalies,
    predictions,
    warnings: hasTimestamps(log)
      ? []
      : [
          ...(options.anomalies ? ['The log has no timestamps: cycle-time outlier anomalies are skipped'] : []),
          ...(options.predictions ? ['The log has no timestamps: remaining-time prediction is not computed (null); next activities are predicted with cases in file order'] : []),
        ],
  };
}
