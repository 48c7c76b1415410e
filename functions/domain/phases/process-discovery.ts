import { activityCounts, endActivities, startActivities } from '../../mining/discovery/activity-counts.ts';
import { alphaMiner } from '../../mining/discovery/alpha-miner.ts';
import { directlyFollowsGraph } from '../../mining/discovery/directly-follows-graph.ts';
import { heuristicsMiner } from '../../mining/discovery/heuristics-miner.ts';
import { heuristicsNetToPetriNet } from '../../mining/discovery/heuristics-petri-net.ts';
import { processComplexity } from '../../mining/discovery/process-complexity.ts';
import { variants } from '../../mining/discovery/variants.ts';
import { petriNetSize } from '../../mining/models/petri-net.ts';
import type { PhaseWork } from '../phase-runner.ts';
import { checkpointKeys, loadEventLog, saveJson } from './checkpoints.ts';

const topVariants = 20;

/**
 * Discovers the process: activities, the directly-follows graph, variants, the Alpha Miner
 * net and the Heuristics Miner net (PM4Py's default thresholds), and a complexity label.
 * The nets are stored for conformance checking and for export.
 */
export const processDiscovery: PhaseWork = async (context) => {
  const log = await loadEventLog(context);
  const activities = activityCounts(log);
  const dfg = directlyFollowsGraph(log);
  const variantSummary = variants(log, { limit: topVariants });
  const alpha = alphaMiner(log);
  const heuristics = heuristicsMiner(log);
  const heuristicsPetriNet = heuristicsNetToPetriNet(heuristics);
  const complexity = processComplexity({ activities: log.activities.length, dfgEdges: dfg.length, variants: variantSummary.total, cases: log.caseIds.length });
  const alphaSize = petriNetSize(alpha.net);
  const heuristicsSize = petriNetSize(heuristicsPetriNet);

  const discovery = {
    cases: log.caseIds.length,
    events: log.activityCodes.length,
    activities: Object.entries(activities).map(([name, count]) => ({ name, count })),
    startActivities: startActivities(log),
    endActivities: endActivities(log),
    dfg,
    variants: variantSummary,
    alphaNet: { places: alpha.places, transitions: alpha.net.transitions.map((t) => t.label), size: alphaSize },
    heuristicsNet: { nodes: heuristics.nodes, edges: heuristics.edges, parameters: heuristics.parameters, petriNetSize: heuristicsSize },
    complexity,
  };
  await Promise.all([
    saveJson(context, checkpointKeys.discovery, discovery),
    saveJson(context, checkpointKeys.alphaNet, alpha.net),
    saveJson(context, checkpointKeys.heuristicsNet, heuristicsPetriNet),
  ]);
  context.milestone('Milestone', 'Process model discovered', {
    activitiesFound: log.activities.length,
    processVariants: variantSummary.total,
    processComplexity: complexity.label,
  });
  return {
    recordsProcessed: log.activityCodes.length,
    results: {
      processModel: { activities: log.activities.length, transitions: dfg.length, variants: variantSummary.total, complexity: complexity.label },
      activitiesDiscovered: log.activities.length,
      processVariants: variantSummary.total,
      directlyFollowsRelations: dfg.length,
      startActivities: Object.keys(discovery.startActivities).length,
      endActivities: Object.keys(discovery.endActivities).length,
      alphaNet: alphaSize,
      heuristicsNet: { nodes: heuristics.nodes.length, edges: heuristics.edges.length, ...heuristicsSize },
      modelsGenerated: 2,
    },
  };
};
