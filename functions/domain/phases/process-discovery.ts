import { discoverProcessSteps, type ProcessDiscovery } from '../../mining/analysis/discover-process.ts';
import { runStepsYielding } from '../../mining/progress.ts';
import type { PhaseWork } from '../phase-runner.ts';
import { analysisSwitchesOf } from './analysis-switches.ts';
import { checkpointKeys, loadEventLog, saveJson } from './checkpoints.ts';

/** Discovers the process and stores the discovery document and the models for later stages. */
export const processDiscovery: PhaseWork = async (context) => {
  context.report(0, 'Loading the event log checkpoint');
  const log = await loadEventLog(context);
  context.throwIfCancelled();
  const switches = analysisSwitchesOf(context.operation.parameters);
  const { discovery, alphaNet, heuristicsPetriNet, inductivePetriNet, inductiveBpmn, inductiveAlignments, warnings } = await runStepsYielding(discoverProcessSteps(log, {
    algorithm: switches.algorithm,
    primaryModel: switches.primaryModel,
    noiseThreshold: switches.noiseThreshold,
    variantAnalysis: switches.variantAnalysis,
    replay: switches.replay,
    alignments: switches.alignments,
  }), context.hook(0.2, 0.9, 'steps'));
  context.report(0.9, 'Storing the discovered models');
  for (const item of discovery.skipped) context.log('INFO', `Skipped ${item.work}: ${item.reason}`);
  for (const warning of warnings) context.log('WARN', warning);
  await Promise.all([
    saveJson(context, checkpointKeys.discovery, discovery),
    saveJson(context, checkpointKeys.switches, switches),
    saveJson(context, checkpointKeys.alphaNet, alphaNet),
    saveJson(context, checkpointKeys.heuristicsNet, heuristicsPetriNet),
    ...(inductivePetriNet === null ? [] : [saveJson(context, checkpointKeys.inductiveNet, inductivePetriNet)]),
    ...(inductiveBpmn === null ? [] : [saveJson(context, checkpointKeys.inductiveBpmn, inductiveBpmn)]),
    // Whenever alignments were asked for, so that the machine-learning phase finds it (null: not aligned).
    ...(switches.alignments ? [saveJson(context, checkpointKeys.inductiveAlignments, inductiveAlignments)] : []),
  ]);
  context.milestone('Milestone', 'Process model discovered', {
    activitiesFound: discovery.activities.length,
    processVariants: discovery.variantCount,
    primaryModel: discovery.primaryModel,
    processComplexity: discovery.complexity.label,
  });
  return {
    recordsProcessed: discovery.events,
    results: {
      ...(discovery.skipped.length ? { skipped: discovery.skipped } : {}),
      processModel: { activities: discovery.activities.length, transitions: discovery.dfg.length, variants: discovery.variantCount, complexity: discovery.complexity.label },
      primaryModel: primaryModelOf(discovery),
      activitiesDiscovered: discovery.activities.length,
      // The number of variants is counted for the complexity score either way; the listing is the variant analysis.
      processVariants: discovery.variantCount,
      ...(discovery.variants ? { topVariants: discovery.variants.top.slice(0, 5).map((v) => ({ activities: v.activities, count: v.count })) } : {}),
      directlyFollowsRelations: discovery.dfg.length,
      startActivities: Object.keys(discovery.startActivities).length,
      endActivities: Object.keys(discovery.endActivities).length,
      alphaNet: discovery.alphaNet.size,
      heuristicsNet: { nodes: discovery.heuristicsNet.nodes.length, edges: discovery.heuristicsNet.edges.length, ...discovery.heuristicsNet.petriNetSize },
      inductive:
        discovery.inductive === null
          ? null
          : {
              variant: discovery.inductive.variant,
              ...discovery.inductive.petriNet,
              logFitness: discovery.inductive.fitness.logFitness,
              ...(discovery.inductive.alignments ? { alignmentLogFitness: discovery.inductive.alignments.logFitness } : {}),
            },
      modelsGenerated: discovery.inductive === null ? 2 : 3,
    },
  };
};

/** The model the request's `algorithm` puts first, with its size and, for the Inductive Miner, its replay fitness. */
function primaryModelOf(discovery: ProcessDiscovery) {
  const requested = { algorithm: discovery.algorithm, model: discovery.primaryModel };
  switch (discovery.primaryModel) {
    case 'alpha':
      return { ...requested, miner: 'Alpha Miner', ...discovery.alphaNet.size };
    case 'heuristics':
      return { ...requested, miner: 'Heuristics Miner', ...discovery.heuristicsNet.petriNetSize };
    case 'inductive':
      return discovery.inductive === null
        ? { ...requested, miner: 'Inductive Miner', skipped: 'too many activities for the Inductive Miner (see the job log)' }
        : { ...requested, miner: `Inductive Miner (${discovery.inductive.variant})`, noiseThreshold: discovery.inductive.noiseThreshold, ...discovery.inductive.petriNet, logFitness: discovery.inductive.fitness.logFitness };
  }
}
