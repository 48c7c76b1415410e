import { directlyFollowsGraph } from './directly-follows-graph.ts';
import { endActivities, startActivities } from './activity-counts.ts';
import { variantCount } from './variants.ts';
import type { EventLog } from '../log/event-log.ts';

/** Headline figures of a log; every field is a count. */
export interface LogSummary {
  cases: number;
  events: number;
  /** Distinct activities. */
  activities: number;
  variants: number;
  dfgEdges: number;
  /** Distinct start activities. */
  startActivities: number;
  /** Distinct end activities. */
  endActivities: number;
}

export function summarizeLog(log: EventLog): LogSummary {
  return {
    cases: log.caseIds.length,
    events: log.activityCodes.length,
    activities: log.activities.length,
    variants: variantCount(log),
    dfgEdges: directlyFollowsGraph(log).length,
    startActivities: Object.keys(startActivities(log)).length,
    endActivities: Object.keys(endActivities(log)).length,
  };
}
