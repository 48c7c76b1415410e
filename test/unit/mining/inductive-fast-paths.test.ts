import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../bench/synthetic-log.ts';
import { blockKey, projectBlocks } from '../../../functions/mining/discovery/inductive/cuts/blocks.ts';
import { components, toCodes } from '../../../functions/mining/discovery/inductive/cuts/groups.ts';
import { loopCut } from '../../../functions/mining/discovery/inductive/cuts/loop.ts';
import { foldNode, foldOnce, foldTree, reduceTauLeaves } from '../../../functions/mining/discovery/inductive/fold.ts';
import { treeToString, type ProcessTree } from '../../../functions/mining/discovery/inductive/process-tree.ts';
import { projectSequence } from '../../../functions/mining/discovery/inductive/cuts/sequence.ts';
import { dfgsWithoutEachActivity } from '../../../functions/mining/discovery/inductive/dfg-without-activity.ts';
import { fallThrough } from '../../../functions/mining/discovery/inductive/fall-throughs.ts';
import { findCut } from '../../../functions/mining/discovery/inductive/find-cut.ts';
import { dfgOf, type InductiveDfg } from '../../../functions/mining/discovery/inductive/inductive-dfg.ts';
import { inductiveMiner } from '../../../functions/mining/discovery/inductive/inductive-miner.ts';
import { variantLogOf, VariantLog } from '../../../functions/mining/discovery/inductive/variant-log.ts';
import { logOfTraces } from './helpers.ts';

/**
 * The Inductive Miner's fast paths against the plain computations they replace, on random
 * variant logs: DFGs counted while the variants are copied or derived from the parent's DFG
 * against a pass over the log, the DFGs without each activity against the log with the
 * activity removed, the in-order sequence split against PM4Py's split points, the tau loops'
 * blocks against a plain cut of each trace, the variant
 * order, the loop cut, components, the fold and the trace table against their first forms.
 */

type Random = () => number;

/** Traces played out from a random process tree over `k` activities, so that cuts are found. */
function randomTraces(random: Random, k: number, cases: number): number[][] {
  const pick = (n: number) => Math.floor(random() * n);
  type Node = { op: 'act'; a: number } | { op: '->' | 'X' | '+' | '*'; children: Node[] };
  const build = (acts: number[]): Node => {
    if (acts.length === 1) return { op: 'act', a: acts[0]! };
    const op = (['->', 'X', '+', '*'] as const)[pick(4)]!;
    const cut = 1 + pick(acts.length - 1);
    return { op, children: [build(acts.slice(0, cut)), build(acts.slice(cut))] };
  };
  const shuffled = Array.from({ length: k }, (_, a) => a).sort(() => random() - 0.5);
  const tree = build(shuffled);
  const play = (node: Node): number[] => {
    if (node.op === 'act') return random() < 0.05 ? [] : [node.a];
    const [x, y] = node.children;
    if (node.op === '->') return [...play(x!), ...play(y!)];
    if (node.op === 'X') return play(random() < 0.5 ? x! : y!);
    if (node.op === '*') {
      const out = play(x!);
      while (random() < 0.4) out.push(...play(y!), ...play(x!));
      return out;
    }
    const left = play(x!);
    const right = play(y!);
    const out: number[] = [];
    while (left.length > 0 || right.length > 0) out.push((right.length === 0 || (left.length > 0 && random() < 0.5) ? left : right).shift()!);
    return out;
  };
  // Some noise: a random event inserted now and then, so that fall-throughs happen too.
  return Array.from({ length: cases }, () => {
    const trace = play(tree);
    if (random() < 0.1) trace.splice(pick(trace.length + 1), 0, pick(k));
    return trace;
  });
}

function randomLog(random: Random): { log: VariantLog; k: number } {
  const k = 2 + Math.floor(random() * 7);
  const log = new VariantLog(k);
  for (const trace of randomTraces(random, k, 1 + Math.floor(random() * 60))) log.add(trace, 1 + Math.floor(random() * 5));
  return { log, k };
}

/** The plain DFG: a pass over a copy of the log that keeps no counts of its own. */
function plainDfg(log: VariantLog, k: number): InductiveDfg {
  const copy = new VariantLog();
  for (let t = 0; t < log.size; t++) copy.add(log.trace(t), log.counts[t]!);
  return dfgOf(copy, k);
}

/** The loop cut as first written: lists of groups, merged by rebuilding the list. */
function plainLoopCut(dfg: InductiveDfg): number[][] | null {
  const k = dfg.acts.length;
  if (dfg.edgeCount === 0) return null;
  const edge = (a: number, b: number) => dfg.edges[a * k + b]! > 0;
  const isStart = (a: number) => dfg.start[a]! > 0;
  const isEnd = (a: number) => dfg.end[a]! > 0;
  const inner: number[] = [];
  const body: number[] = [];
  for (let a = 0; a < k; a++) (isStart(a) || isEnd(a) ? body : inner).push(a);
  const n = inner.length;
  const joined = new Uint8Array(n * n);
  for (let i = 0; i < n; i++) for (let j = i + 1; j < n; j++) if (edge(inner[i]!, inner[j]!) || edge(inner[j]!, inner[i]!)) joined[i * n + j] = 1;
  let groups: number[][] = [body, ...components(n, joined).map((g) => g.map((i) => inner[i]!))];
  const groupOf = (a: number) => groups.findIndex((g) => g.includes(a));
  const mergeIntoBody = (g: number) => {
    if (g <= 0) return;
    groups = [groups[0]!.concat(groups[g]!), ...groups.slice(1, g), ...groups.slice(g + 1)];
  };
  for (let a = 0; a < k; a++) if (isStart(a) && !isEnd(a)) for (let b = 0; b < k; b++) if (edge(a, b)) mergeIntoBody(groupOf(b));
  for (let b = 0; b < k; b++) if (isEnd(b) && !isStart(b)) for (let a = 0; a < k; a++) if (edge(a, b)) mergeIntoBody(groupOf(a));
  const starts = body.filter(isStart);
  const ends = body.filter(isEnd);
  for (let g = 1; g < groups.length; ) {
    if (groups[g]!.some((a) => starts.some((s) => edge(a, s)) && starts.some((s) => !edge(a, s)))) mergeIntoBody(g);
    else g++;
  }
  for (let g = 1; g < groups.length; ) {
    if (groups[g]!.some((a) => ends.some((e) => edge(e, a)) && ends.some((e) => !edge(e, a)))) mergeIntoBody(g);
    else g++;
  }
  groups = groups.filter((g) => g.length > 0);
  return groups.length > 1 ? toCodes(dfg, groups) : null;
}

/** PM4Py's `_fold` as written: `reduce_tau_leafs` at every node on the way down. */
function plainFoldOnce(tree: ProcessTree): ProcessTree | null {
  return foldNode(reduceTauLeaves(tree), plainFoldOnce);
}

/** PM4Py's fold as first written, noticing changes by the length of the tree's string. */
function plainFold(tree: ProcessTree): ProcessTree {
  const clone = (t: ProcessTree): ProcessTree => ({ operator: t.operator, label: t.label, children: t.children.map(clone) });
  let folded = plainFoldOnce(clone(tree)) ?? { operator: null, label: null, children: [] };
  while (folded.children.length === 1) folded = folded.children[0]!;
  let text = treeToString(folded);
  folded = reduceTauLeaves(folded);
  if (treeToString(folded).length !== text.length) {
    folded = plainFold(folded);
    text = treeToString(folded);
  }
  const again = plainFoldOnce(folded);
  if (again !== null && treeToString(again).length !== text.length) return plainFold(again);
  return again ?? folded;
}

/** A random tree with taus, single children and operators nested in themselves, for the fold. */
function randomTree(random: Random, depth = 0): ProcessTree {
  if (depth > 3 || random() < 0.3)
    return random() < 0.3 ? { operator: null, label: null, children: [] } : { operator: null, label: `a${Math.floor(random() * 5)}`, children: [] };
  const operator = (['->', 'X', '+', '*'] as const)[Math.floor(random() * 4)]!;
  const n = operator === '*' ? 2 : 1 + Math.floor(random() * 3);
  return { operator, label: null, children: Array.from({ length: n }, () => randomTree(random, depth + 1)) };
}

/** A random DFG over k vertices: random edges, start and end activities. */
function randomDfg(random: Random): InductiveDfg {
  const k = 1 + Math.floor(random() * 9);
  const density = random();
  const edges = Float64Array.from({ length: k * k }, () => (random() < density * 0.5 ? 1 + Math.floor(random() * 5) : 0));
  const start = Float64Array.from({ length: k }, () => (random() < 0.3 ? 1 : 0));
  const end = Float64Array.from({ length: k }, () => (random() < 0.3 ? 1 : 0));
  return { acts: Array.from({ length: k }, (_, i) => i * 2), edges, start, end, edgeCount: edges.filter((f) => f > 0).length };
}

const plain = (dfg: InductiveDfg) => ({
  acts: dfg.acts,
  edges: Array.from(dfg.edges),
  start: Array.from(dfg.start),
  end: Array.from(dfg.end),
  edgeCount: dfg.edgeCount,
});
const tracesOf = (log: VariantLog) => log.traces.map((trace, t) => [trace, log.counts[t]]);

describe('Inductive Miner fast paths', () => {
  it("the log's DFG counted while its variants are copied equals a pass over the variant log", async () => {
    const random = seededRandom(11);
    for (let run = 0; run < 30; run++) {
      const k = 2 + Math.floor(random() * 7);
      const { names, log } = variantLogOf(await logOfTraces(randomTraces(random, k, 1 + Math.floor(random() * 40)).map((trace) => trace.map((a) => `a${a}`))));
      expect(log.dfg).not.toBeNull();
      expect(plain(dfgOf(log, names.length))).toEqual(plain(plainDfg(log, names.length)));
    }
  });

  it('the DFGs without each activity equal the DFGs of the log with it removed, with and without the bridge table', () => {
    const random = seededRandom(12);
    for (let run = 0; run < 200; run++) {
      const { log, k } = randomLog(random);
      const dfg = dfgOf(log, k);
      if (dfg.acts.length < 2) continue;
      const bridged = dfgsWithoutEachActivity(log, dfg, k);
      const byRuns = dfgsWithoutEachActivity(log, dfg, k, 0);
      for (const a of dfg.acts) {
        const removed = new VariantLog();
        for (let t = 0; t < log.size; t++)
          removed.add(
            [...log.trace(t)].filter((code) => code !== a),
            log.counts[t]!,
          );
        const expected = plain(dfgOf(removed, k));
        expect(plain(bridged(a))).toEqual(expected);
        expect(plain(byRuns(a))).toEqual(expected);
      }
    }
  });

  it("sub-logs' DFGs derived from their parent's equal a pass over them, for cuts and fall-throughs", () => {
    const random = seededRandom(13);
    let derived = 0;
    for (let run = 0; run < 300; run++) {
      const { log, k } = randomLog(random);
      const clean = log.withoutEmptyTrace();
      if (clean.size === 0) continue;
      const dfg = dfgOf(clean, k);
      const cut = findCut(clean, dfg, k);
      const logs = cut?.logs ?? fallThrough(clean, dfg, k).logs;
      for (const sub of logs) {
        if (sub.knownDfg !== null) derived++;
        expect(plain(dfgOf(sub, k))).toEqual(plain(plainDfg(sub, k)));
        expect(plain(dfgOf(sub.withoutEmptyTrace(), k))).toEqual(plain(plainDfg(sub.withoutEmptyTrace(), k)));
      }
    }
    expect(derived).toBeGreaterThan(100);
  });

  it("the in-order sequence split equals PM4Py's split points, also where one group's blocks are known to differ", () => {
    const random = seededRandom(14);
    let split = 0;
    let framed = 0;
    for (let run = 0; run < 600; run++) {
      const drawn = randomLog(random);
      // Half the logs get an activity before and one after every trace: groups of one activity
      // once per trace, which leave the blocks of the group between them all different.
      const frame = run % 2 === 1;
      const k = frame ? drawn.k + 2 : drawn.k;
      const log = frame ? new VariantLog(k) : drawn.log;
      if (frame) for (let t = 0; t < drawn.log.size; t++) log.add([drawn.k, ...drawn.log.trace(t), drawn.k + 1], drawn.log.counts[t]!);
      const clean = log.withoutEmptyTrace();
      if (clean.size === 0) continue;
      const dfg = dfgOf(clean, k);
      const cut = findCut(clean, dfg, k);
      if (cut?.operator !== '->') continue;
      split++;
      const groups = cut.logs.map((sub) => dfgOf(sub, k).acts);
      // Groups as the cut found them (a group may lose activities in its sub-log only with IMf).
      const inOrder = projectSequence(clean, groups, k, dfg, true);
      const general = projectSequence(clean, groups, k, dfg, false);
      expect(inOrder.map(tracesOf)).toEqual(general.map(tracesOf));
      if (frame) framed++;
    }
    expect(split).toBeGreaterThan(20);
    expect(framed).toBeGreaterThan(100);
  });

  it('a group of one activity with a self-loop may vary between traces, even at one occurrence per case on average', () => {
    // a a b c | b c | a b c c: a occurs 3 times in 3 cases, but not once in each; c varies too,
    // so no group's blocks are known to differ (c's repeat: "c" twice).
    const log = new VariantLog(3);
    for (const trace of [[0, 0, 1, 2], [1, 2], [0, 1, 2, 2]]) log.add(trace, 1);
    const dfg = dfgOf(log, 3);
    const groups = [[0], [1], [2]];
    const inOrder = projectSequence(log, groups, 3, dfg, true);
    expect(inOrder.map(tracesOf)).toEqual(projectSequence(log, groups, 3, dfg, false).map(tracesOf));
    expect(tracesOf(inOrder[2]!)).toEqual([
      [String.fromCharCode(2), 2],
      [String.fromCharCode(2, 2), 1],
    ]);
  });

  it('blocks cut before start activities (after end activities) equal a plain cut of each trace, as views of its events', () => {
    const random = seededRandom(18);
    for (let run = 0; run < 300; run++) {
      const { log, k } = randomLog(random);
      const isStart = Array.from({ length: k }, () => random() < 0.4);
      const isEnd = Array.from({ length: k }, () => random() < 0.5);
      const body = VariantLog.viewOf(log, k);
      projectBlocks(log, Int32Array.from({ length: k }, (_, a) => blockKey(0, isStart[a]!, isEnd[a]!)), [body]);
      const pieces = new Map<string, number>();
      for (let t = 0; t < log.size; t++) {
        const trace = [...log.trace(t)];
        let from = 0;
        for (let i = 1; i <= trace.length; i++) {
          if (i < trace.length && !(isStart[trace[i]!] && isEnd[trace[i - 1]!])) continue;
          const key = String.fromCharCode(...trace.slice(from, i));
          pieces.set(key, (pieces.get(key) ?? 0) + log.counts[t]!);
          from = i;
        }
        if (trace.length === 0) pieces.set('', (pieces.get('') ?? 0) + log.counts[t]!);
      }
      expect(tracesOf(body)).toEqual([...pieces]);
      expect(body.codes).toBe(log.codes);
    }
  });

  it("variants come in the order of their smallest case id, whether or not the log's cases are in id order", async () => {
    const random = seededRandom(15);
    for (let run = 0; run < 20; run++) {
      const traces = randomTraces(random, 4, 3 + Math.floor(random() * 20)).map((trace) => trace.map((a) => `a${a}`));
      const log = await logOfTraces(traces);
      // Plain: cases sorted by id, variants in order of first appearance.
      const ids = log.caseIds.map((id, c) => ({ id, c })).sort((x, y) => (x.id < y.id ? -1 : x.id > y.id ? 1 : 0));
      const seen = new Set<string>();
      const expected: string[] = [];
      for (const { c } of ids) {
        const names: string[] = [];
        for (let e = log.caseOffsets[c]!; e < log.caseOffsets[c + 1]!; e++) names.push(log.activities[log.activityCodes[e]!]!);
        const key = names.join(',');
        if (!seen.has(key)) expected.push(key), seen.add(key);
      }
      const { names, log: variants } = variantLogOf(log);
      expect(variants.traces.map((trace) => [...trace].map((unit) => names[unit.charCodeAt(0)]).join(','))).toEqual(expected);
    }
  });

  it('the loop cut on vertex labels equals the loop cut on lists of groups', () => {
    const random = seededRandom(18);
    let found = 0;
    for (let run = 0; run < 2000; run++) {
      const dfg = run % 2 === 0 ? randomDfg(random) : dfgOf(randomLog(random).log, 9);
      const expected = plainLoopCut(dfg);
      if (expected !== null) found++;
      expect(loopCut(dfg)).toEqual(expected);
    }
    expect(found).toBeGreaterThan(100);
  });

  it('components over a matrix equal a search from each smallest unvisited vertex', () => {
    const random = seededRandom(19);
    for (let run = 0; run < 500; run++) {
      const k = Math.floor(random() * 12);
      const density = random() * 0.4;
      const joined = Uint8Array.from({ length: k * k }, () => (random() < density ? 1 : 0));
      const seen = new Uint8Array(k);
      const expected: number[][] = [];
      for (let root = 0; root < k; root++) {
        if (seen[root] === 1) continue;
        const group = [root];
        seen[root] = 1;
        for (let at = 0; at < group.length; at++) {
          for (let v = 0; v < k; v++) {
            const u = group[at]!;
            if (seen[v] === 0 && joined[Math.min(u, v) * k + Math.max(u, v)] === 1) (seen[v] = 1), group.push(v);
          }
        }
        expected.push(group.sort((a, b) => a - b));
      }
      expect(components(k, joined)).toEqual(expected);
    }
  });

  it("the fold counting nodes and reducing taus once equals PM4Py's, which measures the string and reduces at every node", () => {
    const random = seededRandom(20);
    for (let run = 0; run < 3000; run++) {
      const tree = randomTree(random);
      expect(treeToString(foldTree(tree))).toBe(treeToString(plainFold(tree)));
      const once = (fold: (t: ProcessTree) => ProcessTree | null) => {
        const folded = fold(structuredClone(tree));
        return folded === null ? null : treeToString(folded);
      };
      expect(once(foldOnce)).toBe(once(plainFoldOnce));
    }
  });

  it('finds equal traces by hash as a map of trace strings does, adding or replacing counts', () => {
    const random = seededRandom(16);
    for (let run = 0; run < 100; run++) {
      const log = new VariantLog(5);
      const byString = new Map<string, number>();
      const replace = random() < 0.5;
      for (let i = 0; i < 80; i++) {
        const trace = Array.from({ length: Math.floor(random() * 4) }, () => Math.floor(random() * 3));
        const count = 1 + Math.floor(random() * 4);
        const key = String.fromCharCode(...trace);
        const w = log.reserve(trace.length);
        trace.forEach((code, j) => (log.codes[w + j] = code));
        if (replace) log.commitSet(w + trace.length, count);
        else log.commit(w + trace.length, count);
        byString.set(key, replace ? count : (byString.get(key) ?? 0) + count);
      }
      expect(tracesOf(log)).toEqual([...byString]);
      expect(log.emptyTrace).toBe([...byString.keys()].indexOf(''));
    }
  });

  it('a log without its empty trace shares the events until it writes some of its own', () => {
    const log = new VariantLog(3);
    log.add([0, 1], 2);
    log.add([], 1);
    log.add([2], 1);
    const rest = log.withoutEmptyTrace();
    expect(tracesOf(rest)).toEqual([
      [String.fromCharCode(0, 1), 2],
      [String.fromCharCode(2), 1],
    ]);
    rest.add([1, 1, 1], 4);
    rest.add([0, 1], 1);
    log.add([2, 2], 1);
    expect(tracesOf(rest)).toEqual([
      [String.fromCharCode(0, 1), 3],
      [String.fromCharCode(2), 1],
      [String.fromCharCode(1, 1, 1), 4],
    ]);
    expect(tracesOf(log)).toEqual([
      [String.fromCharCode(0, 1), 2],
      ['', 1],
      [String.fromCharCode(2), 1],
      [String.fromCharCode(2, 2), 1],
    ]);
  });

  it('mines logs whose variants are long and many', async () => {
    const random = seededRandom(17);
    const traces = randomTraces(random, 12, 400).map((trace) => trace.map((a) => `a${a}`));
    expect(inductiveMiner(await logOfTraces(traces)).treeString.length).toBeGreaterThan(0);
  });
});
