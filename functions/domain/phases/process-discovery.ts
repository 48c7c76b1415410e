import { activityCounts, endActivities, startActivities } from '../../mining/discovery/activity-counts.ts';
import { directlyFollowsGraph } from '../../mining/discovery/directly-follows-graph.ts';
import { variants } from '../../mining/discovery/variants.ts';
import type { PhaseWork } from '../phase-runner.ts';
import { checkpointKeys, loadEventLog, saveJson } from './checkpoints.ts';

export const processDiscovery: PhaseWork = async (context) => {
  const log = await loadEventLog(context);
  const activities = activityCounts(log);
  const dfg = directlyFollowsGraph(log);
  const variantSummary = variants(log, { limit: 20 });
  const discovery = {
    cases: log.caseIds.length,
    events: log.activityCodes.length,
    activities: Object.entries(activities).map(([name, count]) => ({ name, count })),
    startActivities: startActivities(log),
    endActivities: endActivities(log),
    dfg,
    variants: variantSummary,
  };
  await saveJson(context, checkpointKeys.discovery, discovery);
  context.milestone('Milestone', 'Process model discovered', { activitiesFound: discovery.activities.length, processVariants: variantSummary.total });
  return {
    recordsProcessed: log.activityCodes.length,
    results: {
      activitiesDiscovered: discovery.activities.length,
      processVariants: variantSummary.total,
      directlyFollowsRelations: dfg.length,
      startActivities: Object.keys(discovery.startActivities).length,
      endActivities: Object.keys(discovery.endActivities).length,
    },
  };
};
