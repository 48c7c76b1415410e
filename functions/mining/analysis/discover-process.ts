import { activityCounts, endActivities, startActivities } from '../discovery/activity-counts.ts';
import { alphaMiner, type AlphaPlace } from '../discovery/alpha-miner.ts';
import { directlyFollowsGraph, type DirectlyFollowsEdge } from '../discovery/directly-follows-graph.ts';
import { heuristicsMiner, type HeuristicsNet } from '../discovery/heuristics-miner.ts';
import { heuristicsNetToPetriNet } from '../discovery/heuristics-petri-net.ts';
import { processComplexity, type ProcessComplexity } from '../discovery/process-complexity.ts';
import { variantCount, variants, type VariantSummary } from '../discovery/variants.ts';
import { hasTimestamps, type EventLog } from '../log/event-log.ts';
import type { BpmnModel } from '../models/bpmn.ts';
import { petriNetSize, type PetriNet, type PetriNetSize } from '../models/petri-net.ts';
import { skipped, type DiscoveryAlgorithm, type ModelKind, type ReplayScope, type SkippedWork } from './analysis-options.ts';
import { discoverInductive, withAlignments, type DeviatingAlignment, type InductiveDiscovery } from './discover-inductive.ts';
import { runSteps, withSafePoints, type ProgressHook, type Steps } from '../progress.ts';

export interface ProcessDiscovery {
  cases: number;
  events: number;
  activities: { name: string; count: number }[];
  startActivities: Record<string, number>;
  endActivities: Record<string, number>;
  dfg: DirectlyFollowsEdge[];
  /** Variants with the top ones listed; null when variant analysis was turned off (see `skipped`). */
  variants: VariantSummary | null;
  /** Distinct variants: counted even without variant analysis, for the complexity score. */
  variantCount: number;
  /** The requested algorithm and the model it puts first. */
  algorithm: DiscoveryAlgorithm;
  primaryModel: ModelKind;
  alphaNet: { places: AlphaPlace[]; transitions: (string | null)[]; size: PetriNetSize };
  heuristicsNet: Pick<HeuristicsNet, 'nodes' | 'edges' | 'parameters'> & { petriNetSize: PetriNetSize };
  complexity: ProcessComplexity;
  /** The Inductive Miner's tree, net size and fitness; null when skipped (see `warnings`). */
  inductive: InductiveDiscovery | null;
  /** Work turned off by the request. */
  skipped: SkippedWork[];
}

export interface ProcessDiscoveryResult {
  discovery: ProcessDiscovery;
  alphaNet: PetriNet;
  /** The Heuristics net as a Petri net, for replay and export. */
  heuristicsPetriNet: PetriNet;
  /** The Inductive Miner's workflow net and BPMN model, for export; null when skipped. */
  inductivePetriNet: PetriNet | null;
  inductiveBpmn: BpmnModel | null;
  /** The alignments of the variants deviating from the Inductive net, for the anomaly rule; null when not aligned. */
  inductiveAlignments: DeviatingAlignment[] | null;
  /** Why something was not computed, for the job's log. */
  warnings: string[];
}

export interface DiscoveryOptions {
  /** Variants listed in full, most frequent first (default 20). */
  topVariants?: number;
  /** The Inductive Miner's noise threshold: 0 (default) runs IM, above 0 IMf. */
  noiseThreshold?: number;
  /** Recorded as the requested algorithm; chooses `primaryModel` (default inductive). */
  algorithm?: DiscoveryAlgorithm;
  primaryModel?: ModelKind;
  /** List the variants (default true); off, only their number is counted. */
  variantAnalysis?: boolean;
  /** Which cases the Inductive Miner's fitness replays (default all). */
  replay?: ReplayScope;
  /** Align every variant on the Inductive net (default false; `high_accuracy`). */
  alignments?: boolean;
  /** Called before each sub-step (directly-follows graph, variants, Alpha, Heuristics, Inductive, and alignments when asked), at the alignments' safe points and at the end. */
  progress?: ProgressHook;
}

/** Alignments asked for but not computed, or computed for only some variants. */
function alignmentWarnings(inductive: InductiveDiscovery | null, asked: boolean): string[] {
  if (!asked || inductive === null) return [];
  const { alignments, alignmentsSkipped } = inductive;
  if (alignments === null) return [`Alignments on the Inductive net ${alignmentsSkipped}`];
  return alignments.variantsOverBudget > 0
    ? [
        `Alignments: ${alignments.variantsOverBudget} of ${alignments.variantsOverBudget + alignments.variantsAligned} variants not aligned within the search budget; the alignment figures leave their cases out`,
      ]
    : [];
}

/**
 * Everything discovery derives from a log: activities, the directly-follows graph, variants
 * (top `topVariants`), the Alpha Miner net, the Heuristics Miner net with PM4Py's default
 * thresholds, the Inductive Miner's tree with its net and BPMN model, and the complexity label.
 */
export function discoverProcess(log: EventLog, options: DiscoveryOptions = {}): ProcessDiscoveryResult {
  return runSteps(discoverProcessSteps(log, options), options.progress);
}

/** {@link discoverProcess} step by step, for a caller that reports progress or yields between steps. */
export function* discoverProcessSteps(log: EventLog, options: Omit<DiscoveryOptions, 'progress'> = {}): Steps<ProcessDiscoveryResult> {
  const topVariants = options.topVariants ?? 20;
  const aligning = options.alignments ?? false;
  const total = aligning ? 6 : 5;
  yield { activity: 'Building the directly-follows graph', total };
  const dfg = directlyFollowsGraph(log);
  const variantAnalysis = options.variantAnalysis ?? true;
  yield { activity: variantAnalysis ? 'Analysing variants' : 'Counting variants', total };
  const variantSummary = variantAnalysis ? variants(log, { limit: topVariants }) : null;
  const totalVariants = variantSummary?.total ?? variantCount(log);
  yield { activity: 'Running the Alpha Miner', total };
  const alpha = alphaMiner(log);
  yield { activity: 'Running the Heuristics Miner', total };
  const heuristics = heuristicsMiner(log);
  const heuristicsPetriNet = heuristicsNetToPetriNet(heuristics);
  yield { activity: 'Running the Inductive Miner', total };
  const inductive = discoverInductive(log, { noiseThreshold: options.noiseThreshold ?? 0, replayScope: options.replay });
  if (aligning && inductive.models !== null) {
    const step = { activity: 'Aligning the log on the Inductive net', total };
    yield step;
    inductive.models = yield* withSafePoints(withAlignments(log, inductive.models), step);
  }
  yield { activity: 'Process models discovered', total, end: true };
  return {
    discovery: {
      cases: log.caseIds.length,
      events: log.activityCodes.length,
      activities: Object.entries(activityCounts(log)).map(([name, count]) => ({ name, count })),
      startActivities: startActivities(log),
      endActivities: endActivities(log),
      dfg,
      variants: variantSummary,
      variantCount: totalVariants,
      algorithm: options.algorithm ?? 'inductive',
      primaryModel: options.primaryModel ?? 'inductive',
      alphaNet: { places: alpha.places, transitions: alpha.net.transitions.map((t) => t.label), size: petriNetSize(alpha.net) },
      heuristicsNet: { nodes: heuristics.nodes, edges: heuristics.edges, parameters: heuristics.parameters, petriNetSize: petriNetSize(heuristicsPetriNet) },
      complexity: processComplexity({ activities: log.activities.length, dfgEdges: dfg.length, variants: totalVariants, cases: log.caseIds.length }),
      inductive: inductive.models?.discovery ?? null,
      skipped: variantAnalysis ? [] : [skipped('variantAnalysis', 'enableVariantAnalysis', false)],
    },
    alphaNet: alpha.net,
    heuristicsPetriNet,
    inductivePetriNet: inductive.models?.petriNet ?? null,
    inductiveBpmn: inductive.models?.bpmn ?? null,
    inductiveAlignments: inductive.models?.deviatingAlignments ?? null,
    warnings: [
      ...(inductive.skipped === null ? [] : [inductive.skipped]),
      ...alignmentWarnings(inductive.models?.discovery ?? null, aligning),
      ...(hasTimestamps(log) ? [] : ['The log has no timestamps: directly-follows transition times are null; events are in file order']),
    ],
  };
}
