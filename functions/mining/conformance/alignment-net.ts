import type { PetriNet } from '../models/petri-net.ts';

/**
 * A Petri net compiled for the alignment search: places and transitions numbered, each
 * transition's input and output arcs as flat index lists, and visible transitions grouped by
 * label; what netGraph walks to build the reachability graph.
 */
export interface AlignmentNet {
  placeCount: number;
  /** Activity of each transition; null when silent. */
  labels: (string | null)[];
  /** Arcs into transition t are `inPlace/inWeight[inStart[t] .. inStart[t + 1])`; likewise out. */
  inStart: Int32Array;
  inPlace: Int32Array;
  inWeight: Int32Array;
  outStart: Int32Array;
  outPlace: Int32Array;
  outWeight: Int32Array;
  /** Visible transitions by label. */
  byLabel: Map<string, Int32Array>;
  initial: Uint16Array;
  final: Uint16Array;
}

function flatArcs(transitions: number, arcs: { transition: number; place: number; weight: number }[]) {
  const start = new Int32Array(transitions + 1);
  for (const a of arcs) start[a.transition + 1]!++;
  for (let t = 0; t < transitions; t++) start[t + 1]! += start[t]!;
  const place = new Int32Array(arcs.length);
  const weight = new Int32Array(arcs.length);
  const fill = start.slice(0, transitions);
  for (const a of arcs) {
    const i = fill[a.transition]!++;
    place[i] = a.place;
    weight[i] = a.weight;
  }
  return { start, place, weight };
}

/** Markings hold at most 65,535 tokens per place (one UTF-16 unit each in the search's keys). */
function markingOf(net: PetriNet, placeIndex: Map<string, number>, marking: Record<string, number>): Uint16Array {
  const out = new Uint16Array(net.places.length);
  for (const [id, tokens] of Object.entries(marking)) {
    const p = placeIndex.get(id);
    if (p === undefined) throw new Error(`Marking names the unknown place ${JSON.stringify(id)}`);
    out[p] = tokens;
  }
  return out;
}

export function compileAlignmentNet(net: PetriNet): AlignmentNet {
  const placeIndex = new Map(net.places.map((p, i) => [p.id, i]));
  const transitionIndex = new Map(net.transitions.map((t, i) => [t.id, i]));
  const inArcs: { transition: number; place: number; weight: number }[] = [];
  const outArcs: { transition: number; place: number; weight: number }[] = [];
  for (const arc of net.arcs) {
    const fromPlace = placeIndex.get(arc.source);
    if (fromPlace !== undefined) inArcs.push({ transition: transitionIndex.get(arc.target)!, place: fromPlace, weight: arc.weight });
    else outArcs.push({ transition: transitionIndex.get(arc.source)!, place: placeIndex.get(arc.target)!, weight: arc.weight });
  }
  const T = net.transitions.length;
  const ins = flatArcs(T, inArcs);
  const outs = flatArcs(T, outArcs);
  const byLabel = new Map<string, number[]>();
  net.transitions.forEach((t, i) => {
    if (t.label === null) return;
    const list = byLabel.get(t.label);
    if (list) list.push(i);
    else byLabel.set(t.label, [i]);
  });
  return {
    placeCount: net.places.length,
    labels: net.transitions.map((t) => t.label),
    inStart: ins.start,
    inPlace: ins.place,
    inWeight: ins.weight,
    outStart: outs.start,
    outPlace: outs.place,
    outWeight: outs.weight,
    byLabel: new Map([...byLabel].map(([label, list]) => [label, Int32Array.from(list)])),
    initial: markingOf(net, placeIndex, net.initialMarking),
    final: markingOf(net, placeIndex, net.finalMarking),
  };
}
