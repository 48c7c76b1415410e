import type { EventLog } from '../log/event-log.ts';
import { DEFAULT_FITNESS_THRESHOLD, detectAnomalies, type Anomaly } from '../ml/anomalies.ts';
import type { ReplayNet } from '../ml/replay-net.ts';
import { tokenReplay } from '../ml/token-replay.ts';
import { evaluatePredictions, type PredictionEvaluation } from '../ml/transition-system-prediction.ts';
import type { PetriNet } from '../models/petri-net.ts';

export interface Conformance {
  logFitness: number;
  averageFitness: number;
  perfectlyFittingCases: number;
  /** Cases replaying below the fitness threshold or with activities the model lacks. */
  deviatingCases: number;
  fitnessThreshold: number;
  cases: number;
}

export interface BehaviourAnalysis {
  conformance: Conformance;
  anomalies: Anomaly[] | null;
  predictions: PredictionEvaluation | null;
}

export const replayNetOf = (net: PetriNet): ReplayNet => ({
  places: net.places.map((p) => p.id),
  transitions: net.transitions.map((t) => ({ id: t.id, label: t.label })),
  arcs: net.arcs.map((a) => ({ source: a.source, target: a.target, weight: a.weight })),
  initialMarking: net.initialMarking,
  finalMarking: net.finalMarking,
});

/**
 * Conformance of the log to a model by token-based replay, anomalies (rare variants,
 * cycle-time outliers, cases that deviate from the model) and next-activity / remaining-time
 * prediction measured on a holdout of the newest cases.
 */
export function analyseBehaviour(log: EventLog, model: PetriNet, options: { anomalies: boolean; predictions: boolean }): BehaviourAnalysis {
  const net = replayNetOf(model);
  const replay = tokenReplay(log, net);
  return {
    conformance: {
      logFitness: replay.logFitness,
      averageFitness: replay.averageFitness,
      perfectlyFittingCases: replay.fittingCases,
      deviatingCases: replay.cases.filter((c) => c.fitness < DEFAULT_FITNESS_THRESHOLD || c.activitiesNotInModel > 0).length,
      fitnessThreshold: DEFAULT_FITNESS_THRESHOLD,
      cases: log.caseIds.length,
    },
    anomalies: options.anomalies ? detectAnomalies(log, { net, replay }) : null,
    predictions: options.predictions ? evaluatePredictions(log) : null,
  };
}
