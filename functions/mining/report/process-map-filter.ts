import type { ProcessMapInput } from './report-input.ts';

/** Pseudo-node names; activity names are never compared with them (nodes carry a kind). */
export type MapNodeKind = 'start' | 'end' | 'activity';

export interface MapNode {
  id: string;
  kind: MapNodeKind;
  /** Activity name, or 'Start' / 'End'. */
  label: string;
  /** Events of the activity; cases for start/end. */
  count: number;
}

export interface MapEdge {
  from: string;
  to: string;
  frequency: number;
  /** null for edges from Start or into End, which have no transition time. */
  meanTransitionMs: number | null;
}

export interface ProcessMapFilterOptions {
  /** Keep the most frequent activities until they cover this share of all events (0..1]. Default 1 (all). */
  activityCoverage?: number;
  /**
   * Keep the most frequent edges (start and end edges included) until they cover this share of
   * all transitions (0..1]. Default: 1 when the graph has at most `maxEdgesUnfiltered` edges,
   * else 0.9.
   */
  edgeCoverage?: number;
  /** Graphs with at most this many edges are drawn whole unless edgeCoverage is given. Default 50. */
  maxEdgesUnfiltered?: number;
}

export interface FilteredProcessMap {
  nodes: MapNode[];
  edges: MapEdge[];
  stats: {
    activitiesKept: number;
    activitiesTotal: number;
    /** Share of events covered by the kept activities. */
    eventShareKept: number;
    edgesKept: number;
    edgesTotal: number;
    /** Share of transitions (edge frequencies, start/end included) on the kept edges. */
    transitionShareKept: number;
    /** Edges added beyond the coverage threshold to keep every activity on a Start-to-End path. */
    edgesAddedForConnectivity: number;
    activityCoverage: number;
    edgeCoverage: number;
  };
}

export const START_ID = 'start';
export const END_ID = 'end';

/**
 * Picks what the process map shows. Activities: the most frequent ones covering
 * `activityCoverage` of the events (all by default). Edges: the most frequent ones covering
 * `edgeCoverage` of the transitions, then, greedily by frequency, the edges needed so that every
 * kept activity is reachable from Start and reaches End (a frequency-filtered map with dangling
 * activities misleads more than it helps). Ties keep input order, so the result is stable.
 */
export function filterProcessMap(input: ProcessMapInput, options: ProcessMapFilterOptions = {}): FilteredProcessMap {
  const activityCoverage = clampShare(options.activityCoverage ?? 1);
  const activities = input.activities.filter((a) => a.count > 0);
  const totalEvents = activities.reduce((sum, a) => sum + a.count, 0);
  const ranked = activities.map((a, index) => ({ ...a, index })).sort((a, b) => b.count - a.count || a.index - b.index);
  const keptNames = new Set<string>();
  let coveredEvents = 0;
  for (const activity of ranked) {
    if (keptNames.size > 0 && coveredEvents >= activityCoverage * totalEvents) break;
    keptNames.add(activity.name);
    coveredEvents += activity.count;
  }

  const ids = new Map<string, string>();
  const nodes: MapNode[] = [{ id: START_ID, kind: 'start', label: 'Start', count: 0 }];
  activities.forEach((a) => {
    if (!keptNames.has(a.name)) return;
    const id = `a${ids.size}`;
    ids.set(a.name, id);
    nodes.push({ id, kind: 'activity', label: a.name, count: a.count });
  });
  nodes.push({ id: END_ID, kind: 'end', label: 'End', count: 0 });

  const universe: MapEdge[] = [];
  for (const s of input.startActivities) {
    const id = ids.get(s.name);
    if (id !== undefined && s.count > 0) universe.push({ from: START_ID, to: id, frequency: s.count, meanTransitionMs: null });
  }
  for (const e of input.edges) {
    const from = ids.get(e.from);
    const to = ids.get(e.to);
    if (from !== undefined && to !== undefined && e.frequency > 0) {
      universe.push({ from, to, frequency: e.frequency, meanTransitionMs: e.meanTransitionMs });
    }
  }
  for (const s of input.endActivities) {
    const id = ids.get(s.name);
    if (id !== undefined && s.count > 0) universe.push({ from: id, to: END_ID, frequency: s.count, meanTransitionMs: null });
  }
  nodes[0]!.count = universe.filter((e) => e.from === START_ID).reduce((sum, e) => sum + e.frequency, 0);
  nodes[nodes.length - 1]!.count = universe.filter((e) => e.to === END_ID).reduce((sum, e) => sum + e.frequency, 0);

  const maxEdgesUnfiltered = options.maxEdgesUnfiltered ?? 50;
  const edgeCoverage = clampShare(options.edgeCoverage ?? (universe.length <= maxEdgesUnfiltered ? 1 : 0.9));
  const totalTransitions = universe.reduce((sum, e) => sum + e.frequency, 0);
  const order = universe.map((_, i) => i).sort((a, b) => universe[b]!.frequency - universe[a]!.frequency || a - b);
  const kept = new Set<number>();
  let covered = 0;
  for (const i of order) {
    if (covered >= edgeCoverage * totalTransitions) break;
    kept.add(i);
    covered += universe[i]!.frequency;
  }
  const coverageKept = kept.size;

  // Forward then backward repair: while a kept activity is cut off, add the most frequent edge
  // that extends the connected side by one node. Each round grows that side, so this ends.
  const activityIds = nodes.filter((n) => n.kind === 'activity').map((n) => n.id);
  for (const direction of ['forward', 'backward'] as const) {
    for (;;) {
      const connected = reach(universe, kept, direction === 'forward' ? START_ID : END_ID, direction);
      if (activityIds.every((id) => connected.has(id))) break;
      let best = -1;
      for (const i of order) {
        if (kept.has(i)) continue;
        const e = universe[i]!;
        const [inside, outside] = direction === 'forward' ? [e.from, e.to] : [e.to, e.from];
        if (connected.has(inside) && !connected.has(outside)) {
          best = i;
          break;
        }
      }
      if (best < 0) break; // only possible when activity filtering cut every path to a node
      kept.add(best);
    }
  }

  const edges = universe.filter((_, i) => kept.has(i));
  const keptTransitions = edges.reduce((sum, e) => sum + e.frequency, 0);
  return {
    nodes,
    edges,
    stats: {
      activitiesKept: keptNames.size,
      activitiesTotal: activities.length,
      eventShareKept: totalEvents === 0 ? 1 : coveredEvents / totalEvents,
      edgesKept: edges.length,
      edgesTotal: universe.length,
      transitionShareKept: totalTransitions === 0 ? 1 : keptTransitions / totalTransitions,
      edgesAddedForConnectivity: kept.size - coverageKept,
      activityCoverage,
      edgeCoverage,
    },
  };
}

function reach(edges: MapEdge[], kept: Set<number>, root: string, direction: 'forward' | 'backward'): Set<string> {
  const adjacency = new Map<string, string[]>();
  for (const i of kept) {
    const e = edges[i]!;
    const [a, b] = direction === 'forward' ? [e.from, e.to] : [e.to, e.from];
    let list = adjacency.get(a);
    if (list === undefined) adjacency.set(a, (list = []));
    list.push(b);
  }
  const seen = new Set([root]);
  const stack = [root];
  while (stack.length > 0) {
    for (const next of adjacency.get(stack.pop()!) ?? []) {
      if (!seen.has(next)) {
        seen.add(next);
        stack.push(next);
      }
    }
  }
  return seen;
}

function clampShare(share: number): number {
  if (!Number.isFinite(share)) return 1;
  return Math.min(1, Math.max(0.0001, share));
}
