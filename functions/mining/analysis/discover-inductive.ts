import { inductiveMiner } from '../discovery/inductive/inductive-miner.ts';
import { processTreeToBpmn } from '../discovery/inductive/tree-to-bpmn.ts';
import { processTreeToPetriNet, type TreeNetSize } from '../discovery/inductive/tree-to-petri-net.ts';
import type { EventLog } from '../log/event-log.ts';
import type { BpmnModel } from '../models/bpmn.ts';
import type { PetriNet } from '../models/petri-net.ts';
import { tokenReplay } from '../ml/token-replay.ts';
import { replayNetOf } from './analyse-behaviour.ts';
import type { ReplayScope } from './analysis-options.ts';
import { replaySample, type ReplayCoverage } from './replay-sample.ts';

/**
 * Beyond this many activities the Inductive Miner is not run: its DFGs are dense (k² cells),
 * and a tree over more activities than this is no model anyone reads. Such logs usually map
 * the wrong column as the activity.
 */
export const INDUCTIVE_MAX_ACTIVITIES = 1_000;

/** What `details.discovery.inductive` reports. */
export interface InductiveDiscovery {
  variant: 'IM' | 'IMf';
  noiseThreshold: number;
  /** PM4Py's string form, e.g. `->( 'a', X( tau, 'b' ) )`. */
  processTree: string;
  petriNet: TreeNetSize;
  bpmn: { nodes: number; flows: number };
  /** Token-based replay of the log on the net, with PM4Py's names for the figures. */
  fitness: { logFitness: number; averageTraceFitness: number; fittingTraces: number; percentageFittingTraces: number };
  /** The cases the fitness figures are over: all, or a sample of variants under `high_throughput`. */
  replayed: ReplayCoverage;
}

export interface InductiveModels {
  discovery: InductiveDiscovery;
  petriNet: PetriNet;
  bpmn: BpmnModel;
}

/**
 * The Inductive Miner's process tree (IM at noise 0, IMf above), its workflow net with the
 * log's token-replay fitness, and its BPMN model; null, with the reason, when the log has
 * too many activities.
 */
export function discoverInductive(log: EventLog, noiseThreshold = 0, replayScope: ReplayScope = { mode: 'all' }): { models: InductiveModels | null; skipped: string | null } {
  if (log.activities.length > INDUCTIVE_MAX_ACTIVITIES) {
    return { models: null, skipped: `Inductive Miner skipped: ${log.activities.length} activities, more than ${INDUCTIVE_MAX_ACTIVITIES}` };
  }
  const mined = inductiveMiner(log, { noiseThreshold });
  const { net, size } = processTreeToPetriNet(mined.tree, `Inductive Miner (${mined.variant})`);
  const bpmn = processTreeToBpmn(mined.tree, `Inductive Miner (${mined.variant})`);
  const sample = replaySample(log, replayScope);
  const replay = tokenReplay(sample.log, replayNetOf(net));
  const cases = sample.coverage.casesReplayed;
  return {
    models: {
      discovery: {
        variant: mined.variant,
        noiseThreshold,
        processTree: mined.treeString,
        petriNet: size,
        bpmn: { nodes: bpmn.nodes.length, flows: bpmn.flows.length },
        fitness: {
          logFitness: replay.logFitness,
          averageTraceFitness: replay.averageFitness,
          fittingTraces: replay.fittingCases,
          percentageFittingTraces: cases > 0 ? (100 * replay.fittingCases) / cases : 100,
        },
        replayed: sample.coverage,
      },
      petriNet: net,
      bpmn,
    },
    skipped: null,
  };
}
