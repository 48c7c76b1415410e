import { inductiveMiner } from '../discovery/inductive/inductive-miner.ts';
import { processTreeToBpmn } from '../discovery/inductive/tree-to-bpmn.ts';
import { processTreeToPetriNet, type TreeNetSize } from '../discovery/inductive/tree-to-petri-net.ts';
import { caseVariants } from '../log/case-variants.ts';
import type { EventLog } from '../log/event-log.ts';
import type { BpmnModel } from '../models/bpmn.ts';
import type { PetriNet } from '../models/petri-net.ts';
import { replayNetOf } from '../ml/replay-net.ts';
import { tokenReplay } from '../ml/token-replay.ts';
import { alignLogSteps, type AlignmentFitness, type VariantAlignment } from '../conformance/align-log.ts';
import { markingLimit } from '../conformance/net-graph.ts';
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
  /**
   * Alignment-based fitness of every variant on the net (PM4Py's standard costs and figures),
   * computed under `high_accuracy` only; null otherwise, with the reason in `alignmentsSkipped`.
   */
  alignments: AlignmentFitness | null;
  alignmentsSkipped?: string;
}

/** Why alignments were not computed when the request did not ask for them. */
export const ALIGNMENTS_NOT_REQUESTED = 'not computed: algorithmSettings.performanceOptimization is not "high_accuracy"';

export interface InductiveModels {
  discovery: InductiveDiscovery;
  petriNet: PetriNet;
  bpmn: BpmnModel;
  /** The optimal alignments of the deviating variants, for the anomaly rule; null when not aligned. */
  deviatingAlignments: DeviatingAlignment[] | null;
}

/** A deviating variant's alignment as the machine-learning phase reads it back: its first case names it. */
export interface DeviatingAlignment extends VariantAlignment {
  firstCaseId: string;
}

export interface InductiveOptions {
  /** The Inductive Miner's noise threshold: 0 (default) runs IM, above 0 IMf. */
  noiseThreshold?: number;
  /** Which cases token replay covers (default all). */
  replayScope?: ReplayScope;
}

/**
 * The Inductive Miner's process tree (IM at noise 0, IMf above), its workflow net with the
 * log's token-replay fitness, and its BPMN model (alignments are added by {@link withAlignments});
 * null, with the reason, when the log has too many activities.
 */
export function discoverInductive(log: EventLog, options: InductiveOptions = {}): { models: InductiveModels | null; skipped: string | null } {
  const { noiseThreshold = 0, replayScope = { mode: 'all' } } = options;
  if (log.activities.length > INDUCTIVE_MAX_ACTIVITIES) {
    return { models: null, skipped: `Inductive Miner skipped: ${log.activities.length} activities, more than ${INDUCTIVE_MAX_ACTIVITIES}` };
  }
  const mined = inductiveMiner(log, { noiseThreshold });
  const { net, size } = processTreeToPetriNet(mined.tree, `Inductive Miner (${mined.variant})`);
  const bpmn = processTreeToBpmn(mined.tree, `Inductive Miner (${mined.variant})`);
  const sample = replaySample(log, replayScope);
  const replay = tokenReplay(sample.log, replayNetOf(net));
  const cases = sample.coverage.casesReplayed;
  const models: InductiveModels = {
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
        alignments: null,
        alignmentsSkipped: ALIGNMENTS_NOT_REQUESTED,
      },
      petriNet: net,
      bpmn,
      deviatingAlignments: null,
  };
  return { models, skipped: null };
}

/**
 * The models with every variant of the log aligned on their net (`high_accuracy`): a step of
 * its own in discovery, the longest one on large logs (bpic2012's IM net: 5 s), pausing at the
 * alignments' safe points (see {@link alignLogSteps}).
 */
export function* withAlignments(log: EventLog, models: InductiveModels): Generator<number, InductiveModels, void> {
  const net = models.petriNet;
  const aligned = yield* alignLogSteps(log, net);
  const { alignmentsSkipped: _notRequested, ...discovery } = models.discovery;
  const labels = new Set(net.transitions.flatMap((t) => (t.label === null ? [] : [t.label]))).size;
  return {
    ...models,
    discovery: {
      ...discovery,
      alignments: aligned?.fitness ?? null,
      ...(aligned === null ? { alignmentsSkipped: `not computed: the net has more than ${markingLimit(labels).toLocaleString('en-US')} reachable markings` } : {}),
    },
    deviatingAlignments: aligned === null ? null : namedByFirstCase(log, aligned.deviating),
  };
}

/** Each deviating variant with its first case's id, so that a later phase can check it reads the same log. */
function namedByFirstCase(log: EventLog, deviating: VariantAlignment[]): DeviatingAlignment[] {
  const { firstCase } = caseVariants(log);
  return deviating.map((a) => ({ ...a, firstCaseId: log.caseIds[firstCase[a.variant]!]! }));
}
