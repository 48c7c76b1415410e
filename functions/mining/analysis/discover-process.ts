import { activityCounts, endActivities, startActivities } from '../discovery/activity-counts.ts';
import { alphaMiner, type AlphaPlace } from '../discovery/alpha-miner.ts';
import { directlyFollowsGraph, type DirectlyFollowsEdge } from '../discovery/directly-follows-graph.ts';
import { heuristicsMiner, type HeuristicsNet } from '../discovery/heuristics-miner.ts';
import { heuristicsNetToPetriNet } from '../discovery/heuristics-petri-net.ts';
import { processComplexity, type ProcessComplexity } from '../discovery/process-complexity.ts';
import { variants, type VariantSummary } from '../discovery/variants.ts';
import type { EventLog } from '../log/event-log.ts';
import { petriNetSize, type PetriNet, type PetriNetSize } from '../models/petri-net.ts';

export interface ProcessDiscovery {
  cases: number;
  events: number;
  activities: { name: string; count: number }[];
  startActivities: Record<string, number>;
  endActivities: Record<string, number>;
  dfg: DirectlyFollowsEdge[];
  variants: VariantSummary;
  alphaNet: { places: AlphaPlace[]; transitions: (string | null)[]; size: PetriNetSize };
  heuristicsNet: Pick<HeuristicsNet, 'nodes' | 'edges' | 'parameters'> & { petriNetSize: PetriNetSize };
  complexity: ProcessComplexity;
}

export interface ProcessDiscoveryResult {
  discovery: ProcessDiscovery;
  alphaNet: PetriNet;
  /** The Heuristics net as a Petri net, for replay and export. */
  heuristicsPetriNet: PetriNet;
}

/**
 * Everything discovery derives from a log: activities, the directly-follows graph, variants
 * (top `topVariants`), the Alpha Miner net, the Heuristics Miner net with PM4Py's default
 * thresholds, and the complexity label.
 */
export function discoverProcess(log: EventLog, topVariants = 20): ProcessDiscoveryResult {
  const dfg = directlyFollowsGraph(log);
  const variantSummary = variants(log, { limit: topVariants });
  const alpha = alphaMiner(log);
  const heuristics = heuristicsMiner(log);
  const heuristicsPetriNet = heuristicsNetToPetriNet(heuristics);
  return {
    discovery: {
      cases: log.caseIds.length,
      events: log.activityCodes.length,
      activities: Object.entries(activityCounts(log)).map(([name, count]) => ({ name, count })),
      startActivities: startActivities(log),
      endActivities: endActivities(log),
      dfg,
      variants: variantSummary,
      alphaNet: { places: alpha.places, transitions: alpha.net.transitions.map((t) => t.label), size: petriNetSize(alpha.net) },
      heuristicsNet: { nodes: heuristics.nodes, edges: heuristics.edges, parameters: heuristics.parameters, petriNetSize: petriNetSize(heuristicsPetriNet) },
      complexity: processComplexity({ activities: log.activities.length, dfgEdges: dfg.length, variants: variantSummary.total, cases: log.caseIds.length }),
    },
    alphaNet: alpha.net,
    heuristicsPetriNet,
  };
}
