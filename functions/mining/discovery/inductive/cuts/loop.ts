import type { InductiveDfg } from '../inductive-dfg.ts';
import { TraceBuffer, VariantLog } from '../variant-log.ts';
import { components, groupIndex, toCodes, type Groups } from './groups.ts';

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
  const edge = (a: number, b: number) => edges[a * k + b]! > 0;
  const isStart = (a: number) => start[a]! > 0;
  const isEnd = (a: number) => end[a]! > 0;
  const boundary = (a: number) => isStart(a) || isEnd(a);

  // Group 0 is the body; the others are components of the graph without the boundary.
  const inner: number[] = [];
  for (let a = 0; a < k; a++) if (!boundary(a)) inner.push(a);
  const body: number[] = [];
  for (let a = 0; a < k; a++) if (boundary(a)) body.push(a);
  let groups: number[][] = [body, ...components(inner.length, (i, j) => edge(inner[i]!, inner[j]!) || edge(inner[j]!, inner[i]!)).map((g) => g.map((i) => inner[i]!))];

  const groupOf = (a: number) => groups.findIndex((g) => g.includes(a));
  const mergeIntoBody = (g: number) => {
    if (g <= 0) return;
    const merged = groups[0]!.concat(groups[g]!);
    groups = [merged, ...groups.slice(1, g), ...groups.slice(g + 1)];
  };
  for (let a = 0; a < k; a++) {
    if (!isStart(a) || isEnd(a)) continue;
    for (let b = 0; b < k; b++) if (edge(a, b)) mergeIntoBody(groupOf(b));
  }
  for (let b = 0; b < k; b++) {
    if (!isEnd(b) || isStart(b)) continue;
    for (let a = 0; a < k; a++) if (edge(a, b)) mergeIntoBody(groupOf(a));
  }
  const starts = body.filter(isStart);
  const ends = body.filter(isEnd);
  for (let g = 1; g < groups.length; ) {
    const incomplete = groups[g]!.some((a) => starts.some((s) => edge(a, s)) && starts.some((s) => !edge(a, s)));
    if (incomplete) mergeIntoBody(g);
    else g++;
  }
  for (let g = 1; g < groups.length; ) {
    const incomplete = groups[g]!.some((a) => ends.some((e) => edge(e, a)) && ends.some((e) => !edge(e, a)));
    if (incomplete) mergeIntoBody(g);
    else g++;
  }
  groups = groups.filter((g) => g.length > 0);
  return groups.length > 1 ? toCodes(dfg, groups) : null;
}

/**
 * Body parts go to the first log; each maximal run of redo events goes to the redo group
 * sharing most of its activities (ties to the later group, as PM4Py sorts).
 */
export function projectLoop(log: VariantLog, groups: Groups, alphabetSize: number): VariantLog[] {
  const index = groupIndex(groups, alphabetSize);
  const logs = groups.map(() => new VariantLog());
  const redoGroups = groups.length - 1;
  const shared = new Int32Array(groups.length);
  const seen = new Uint8Array(alphabetSize);
  const addRedo = (run: string, count: number) => {
    shared.fill(0);
    for (let i = 0; i < run.length; i++) {
      const code = run.charCodeAt(i);
      if (seen[code] === 1) continue;
      seen[code] = 1;
      shared[index[code]!]!++;
    }
    for (let i = 0; i < run.length; i++) seen[run.charCodeAt(i)] = 0;
    let best = redoGroups;
    for (let g = redoGroups - 1; g >= 1; g--) if (shared[g]! > shared[best]!) best = g;
    logs[best]!.add(run, count);
  };
  const body = new TraceBuffer();
  const redo = new TraceBuffer();
  log.traces.forEach((trace, t) => {
    const count = log.counts[t]!;
    for (let i = 0; i < trace.length; i++) {
      const code = trace.charCodeAt(i);
      const g = index[code]!;
      if (g === 0) {
        body.push(code);
        if (redo.length > 0) addRedo(redo.take(), count);
      } else if (g > 0) {
        redo.push(code);
        if (body.length > 0) logs[0]!.add(body.take(), count);
      }
    }
    // Traces end in an end activity, which is in the body, so no redo run is left open.
    if (redo.length > 0) addRedo(redo.take(), count);
    logs[0]!.add(body.take(), count);
  });
  return logs;
}
