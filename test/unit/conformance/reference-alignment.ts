import type { PetriNet } from '../../../functions/mining/models/petri-net.ts';

/**
 * The plain reference the tests hold the aligner to: Dijkstra over the synchronous product with
 * markings as JSON keys, a plain binary heap, no heuristic, no tie-breaking, no graph of the net, nothing shared with the aligner's code but the net. Optimal cost under PM4Py's
 * costs (sync 0, log or visible model move 10,000, silent move 1); null when the final marking
 * cannot be reached within `limit` states.
 */
export function referenceAlignmentCost(net: PetriNet, trace: readonly string[], limit = 200_000): number | null {
  const places = net.places.map((p) => p.id);
  const start = places.map((p) => net.initialMarking[p] ?? 0);
  const goal = JSON.stringify(places.map((p) => net.finalMarking[p] ?? 0));
  const pre = net.transitions.map((t) => places.map((p) => net.arcs.filter((a) => a.source === p && a.target === t.id).reduce((s, a) => s + a.weight, 0)));
  const post = net.transitions.map((t) => places.map((p) => net.arcs.filter((a) => a.source === t.id && a.target === p).reduce((s, a) => s + a.weight, 0)));
  const best = new Map<string, number>();
  const done = new Set<string>();
  // A plain binary heap of [cost, key, pos, marking]; entries made stale by a cheaper path are skipped when popped.
  type Entry = [number, string, number, number[]];
  const heap: Entry[] = [];
  const push = (e: Entry) => {
    heap.push(e);
    for (let i = heap.length - 1; i > 0; ) {
      const parent = (i - 1) >> 1;
      if (heap[parent]![0] <= heap[i]![0]) break;
      [heap[parent], heap[i]] = [heap[i]!, heap[parent]!];
      i = parent;
    }
  };
  const pop = (): Entry => {
    const top = heap[0]!;
    const last = heap.pop()!;
    if (heap.length > 0) {
      heap[0] = last;
      for (let i = 0; ; ) {
        let m = i;
        for (const c of [2 * i + 1, 2 * i + 2]) if (c < heap.length && heap[c]![0] < heap[m]![0]) m = c;
        if (m === i) break;
        [heap[m], heap[i]] = [heap[i]!, heap[m]!];
        i = m;
      }
    }
    return top;
  };
  const offer = (pos: number, marking: number[], cost: number) => {
    const key = `${pos}|${JSON.stringify(marking)}`;
    if (done.has(key) || cost >= (best.get(key) ?? Infinity)) return;
    best.set(key, cost);
    push([cost, key, pos, marking]);
  };
  offer(0, start, 0);
  while (heap.length > 0 && done.size < limit) {
    const [cost, key, pos, marking] = pop();
    if (done.has(key)) continue;
    done.add(key);
    if (pos === trace.length && JSON.stringify(marking) === goal) return cost;
    if (pos < trace.length) offer(pos + 1, marking, cost + 10_000);
    net.transitions.forEach((t, i) => {
      if (marking.some((tokens, p) => tokens < pre[i]![p]!)) return;
      const next = marking.map((tokens, p) => tokens - pre[i]![p]! + post[i]![p]!);
      offer(pos, next, cost + (t.label === null ? 1 : 10_000));
      if (pos < trace.length && t.label === trace[pos]) offer(pos + 1, next, cost);
    });
  }
  return null;
}
