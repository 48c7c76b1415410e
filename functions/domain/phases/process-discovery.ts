import { discoverProcess } from '../../mining/analysis/discover-process.ts';
import type { PhaseWork } from '../phase-runner.ts';
import { checkpointKeys, loadEventLog, saveJson } from './checkpoints.ts';

/** Discovers the process and stores the discovery document and the models for later stages. */
export const processDiscovery: PhaseWork = async (context) => {
  const log = await loadEventLog(context);
  const { discovery, alphaNet, heuristicsPetriNet, inductivePetriNet, inductiveBpmn, warnings } = discoverProcess(log);
  for (const warning of warnings) context.log('WARN', warning);
  await Promise.all([
    saveJson(context, checkpointKeys.discovery, discovery),
    saveJson(context, checkpointKeys.alphaNet, alphaNet),
    saveJson(context, checkpointKeys.heuristicsNet, heuristicsPetriNet),
    ...(inductivePetriNet === null ? [] : [saveJson(context, checkpointKeys.inductiveNet, inductivePetriNet)]),
    ...(inductiveBpmn === null ? [] : [saveJson(context, checkpointKeys.inductiveBpmn, inductiveBpmn)]),
  ]);
  context.milestone('Milestone', 'Process model discovered', {
    activitiesFound: discovery.activities.length,
    processVariants: discovery.variants.total,
    processComplexity: discovery.complexity.label,
  });
  return {
    recordsProcessed: discovery.events,
    results: {
      processModel: { activities: discovery.activities.length, transitions: discovery.dfg.length, variants: discovery.variants.total, complexity: discovery.complexity.label },
      activitiesDiscovered: discovery.activities.length,
      processVariants: discovery.variants.total,
      directlyFollowsRelations: discovery.dfg.length,
      startActivities: Object.keys(discovery.startActivities).length,
      endActivities: Object.keys(discovery.endActivities).length,
      alphaNet: discovery.alphaNet.size,
      heuristicsNet: { nodes: discovery.heuristicsNet.nodes.length, edges: discovery.heuristicsNet.edges.length, ...discovery.heuristicsNet.petriNetSize },
      inductive:
        discovery.inductive === null
          ? null
          : { variant: discovery.inductive.variant, ...discovery.inductive.petriNet, logFitness: discovery.inductive.fitness.logFitness },
      modelsGenerated: discovery.inductive === null ? 2 : 3,
    },
  };
};
