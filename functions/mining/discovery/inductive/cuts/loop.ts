import { dfgOfBlocks, type InductiveDfg } from '../inductive-dfg.ts';
import { VariantLog } from '../variant-log.ts';
import { components, groupIndex, toCodes, vertexFlags, type Groups } from './groups.ts';

/**
 * Loop cut (Leemans, p. 190, as PM4Py implements it): the start and end activities form the
 * body; the other activities, connected without passing through them, are redo candidates.
 * A candidate joins the body when a non-end start activity leads into it, it leads into a
 * non-start end activity, it leads to some start activity but not to all, or some end
 * activity leads into it but not all do.
 */
export function loopCut(dfg: InductiveDfg): Groups | null {
  const k = dfg.acts.length;
  if (dfg.edgeCount === 0) return null;
  const { edges, start, end } = dfg;
  // The group of each vertex, as numbers rather than lists of lists (this cut is tried on
  // every sub-log and every fall-through candidate): 0 is the body, the start and end
  // activities; g > 0 the g-th component of the graph without them. Merging a group into the
  // body relabels its vertices; the other groups keep their order.
  const inner: number[] = [];
  for (let a = 0; a < k; a++) if (!(start[a]! > 0 || end[a]! > 0)) inner.push(a);
  const n = inner.length;
  const joined = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) if (edges[inner[i]! * k + inner[j]!]! > 0 || edges[inner[j]! * k + inner[i]!]! > 0) joined[i * n + j] = 1;
  }
  const parts = components(n, joined);
  const group = new Int32Array(k);
  parts.forEach((part, p) => part.forEach((i) => (group[inner[i]!] = p + 1)));
  const merge = (g: number) => {
    if (g !== 0) for (let v = 0; v < k; v++) if (group[v] === g) group[v] = 0;
  };
  for (let a = 0; a < k; a++) {
    if (!(start[a]! > 0) || end[a]! > 0) continue;
    for (let b = 0; b < k; b++) if (edges[a * k + b]! > 0) merge(group[b]!);
  }
  for (let b = 0; b < k; b++) {
    if (!(end[b]! > 0) || start[b]! > 0) continue;
    for (let a = 0; a < k; a++) if (edges[a * k + b]! > 0) merge(group[a]!);
  }
  // A group leading to some start activity but not to all, then one entered from some end
  // activity but not from all, joins the body.
  for (let pass = 0; pass < 2; pass++) {
    const boundary = pass === 0 ? start : end;
    for (let g = 1; g <= parts.length; g++) {
      let incomplete = false;
      for (let v = 0; v < k && !incomplete; v++) {
        if (group[v] !== g) continue;
        let some = false;
        let notAll = false;
        for (let s = 0; s < k; s++) {
          if (!(boundary[s]! > 0)) continue;
          if ((pass === 0 ? edges[v * k + s]! : edges[s * k + v]!) > 0) some = true;
          else notAll = true;
        }
        incomplete = some && notAll;
      }
      if (incomplete) merge(g);
    }
  }
  const groups: number[][] = Array.from({ length: parts.length + 1 }, () => []);
  for (let v = 0; v < k; v++) groups[group[v]!]!.push(v);
  const kept = groups.filter((g) => g.length > 0);
  return kept.length > 1 ? toCodes(dfg, kept) : null;
}

/**
 * Body parts go to the first log; each maximal run of redo events goes to the redo group
 * sharing most of its activities (ties to the later group, as PM4Py sorts).
 */
export function projectLoop(log: VariantLog, groups: Groups, alphabetSize: number, dfg: InductiveDfg, ownDfg: boolean): VariantLog[] {
  const index = groupIndex(groups, alphabetSize);
  const logs = groups.map(() => VariantLog.projectionOf(log, alphabetSize));
  // On the log's own DFG a redo run's events are connected, so lie in one group: each log is
  // the runs of its group's events.
  if (ownDfg) vertexFlags(dfg, index, groups.length).forEach((flags, g) => (logs[g]!.knownDfg = dfgOfBlocks(dfg, flags)));
  const redoGroups = groups.length - 1;
  const shared = new Int32Array(groups.length);
  const seen = new Uint8Array(alphabetSize);
  const { codes, starts, ends, counts } = log;
  // The redo events of [from, to) (IMf's filtered DFG can leave events in no group) go to
  // the redo group sharing most of their distinct activities.
  const addRedo = (from: number, to: number, count: number) => {
    shared.fill(0);
    for (let i = from; i < to; i++) {
      const code = codes[i]!;
      if (seen[code] === 1 || index[code]! <= 0) continue;
      seen[code] = 1;
      shared[index[code]!]!++;
    }
    for (let i = from; i < to; i++) seen[codes[i]!] = 0;
    let best = redoGroups;
    for (let g = redoGroups - 1; g >= 1; g--) if (shared[g]! > shared[best]!) best = g;
    const out = logs[best]!;
    let w = out.reserve(to - from);
    const into = out.codes;
    for (let i = from; i < to; i++) if (index[codes[i]!]! > 0) into[w++] = codes[i]!;
    out.commit(w, count);
  };
  const body = logs[0]!;
  for (let t = 0; t < log.size; t++) {
    const count = counts[t]!;
    const to = ends[t]!;
    let w = body.reserve(to - starts[t]!);
    let into = body.codes;
    let redoFrom = -1;
    for (let i = starts[t]!; i < to; i++) {
      const code = codes[i]!;
      const g = index[code]!;
      if (g === 0) {
        if (redoFrom >= 0) {
          addRedo(redoFrom, i, count);
          redoFrom = -1;
        }
        into[w++] = code;
      } else if (g > 0 && redoFrom < 0) {
        redoFrom = i;
        if (w > body.end) {
          body.commit(w, count);
          w = body.reserve(to - i);
          into = body.codes;
        }
      }
    }
    // Traces end in an end activity, which is in the body, so no redo run is left open.
    if (redoFrom >= 0) addRedo(redoFrom, to, count);
    body.commit(w, count);
  }
  return logs;
}
