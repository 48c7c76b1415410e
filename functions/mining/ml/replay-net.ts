/**
 * The minimal Petri net token-based replay needs, kept separate from the discovery engine's
 * own net type so that replay does not depend on how miners represent their models. Any
 * place/transition net maps onto it: place ids, transitions with their activity label (null
 * for silent ones), arcs by endpoint id, and markings as token counts per place id.
 */
export interface ReplayNet {
  places: readonly string[];
  transitions: readonly ReplayTransition[];
  /** Place to transition (input arc) or transition to place (output arc); weight defaults to 1. */
  arcs: readonly ReplayArc[];
  /** Tokens per place id; places left out have none. */
  initialMarking: Readonly<Record<string, number>>;
  finalMarking: Readonly<Record<string, number>>;
}

export interface ReplayTransition {
  /** Unique among places and transitions. */
  id: string;
  /** Activity the transition records in the log; null for a silent (invisible) transition. */
  label: string | null;
}

export interface ReplayArc {
  source: string;
  target: string;
  weight?: number;
}

/** The net as index arrays: what replay works on. */
export interface CompiledNet {
  placeIds: readonly string[];
  transitionIds: readonly string[];
  /** Input places of transition t with the tokens it needs, as [place, weight, place, weight, ...]. */
  inputs: readonly Int32Array[];
  outputs: readonly Int32Array[];
  silent: readonly number[];
  byLabel: ReadonlyMap<string, readonly number[]>;
  initial: Int32Array;
  final: Int32Array;
}

export class ReplayNetError extends Error {
  override readonly name = 'ReplayNetError';
}

export function compileNet(net: ReplayNet): CompiledNet {
  const placeIndex = new Map<string, number>();
  net.places.forEach((p, i) => {
    if (placeIndex.has(p)) throw new ReplayNetError(`duplicate place ${p}`);
    placeIndex.set(p, i);
  });
  const transitionIndex = new Map<string, number>();
  net.transitions.forEach((t, i) => {
    if (transitionIndex.has(t.id) || placeIndex.has(t.id)) throw new ReplayNetError(`duplicate node id ${t.id}`);
    transitionIndex.set(t.id, i);
  });
  const inputs: number[][] = net.transitions.map(() => []);
  const outputs: number[][] = net.transitions.map(() => []);
  for (const arc of net.arcs) {
    const weight = arc.weight ?? 1;
    if (!Number.isInteger(weight) || weight < 1) throw new ReplayNetError(`arc ${arc.source} -> ${arc.target} has weight ${weight}`);
    const fromPlace = placeIndex.get(arc.source);
    const toPlace = placeIndex.get(arc.target);
    const fromTransition = transitionIndex.get(arc.source);
    const toTransition = transitionIndex.get(arc.target);
    if (fromPlace !== undefined && toTransition !== undefined) inputs[toTransition]!.push(fromPlace, weight);
    else if (fromTransition !== undefined && toPlace !== undefined) outputs[fromTransition]!.push(toPlace, weight);
    else throw new ReplayNetError(`arc ${arc.source} -> ${arc.target} does not join a place and a transition of the net`);
  }
  const byLabel = new Map<string, number[]>();
  const silent: number[] = [];
  net.transitions.forEach((t, i) => {
    if (t.label === null) silent.push(i);
    else {
      const list = byLabel.get(t.label);
      if (list === undefined) byLabel.set(t.label, [i]);
      else list.push(i);
    }
  });
  const marking = (tokens: Readonly<Record<string, number>>): Int32Array => {
    const m = new Int32Array(net.places.length);
    for (const [place, count] of Object.entries(tokens)) {
      const i = placeIndex.get(place);
      if (i === undefined) throw new ReplayNetError(`marking names unknown place ${place}`);
      m[i] = count;
    }
    return m;
  };
  return {
    placeIds: net.places,
    transitionIds: net.transitions.map((t) => t.id),
    inputs: inputs.map(mergeWeights),
    outputs: outputs.map(mergeWeights),
    silent,
    byLabel,
    initial: marking(net.initialMarking),
    final: marking(net.finalMarking),
  };
}

/** Parallel arcs between the same place and transition add up. */
function mergeWeights(pairs: number[]): Int32Array {
  const byPlace = new Map<number, number>();
  for (let i = 0; i < pairs.length; i += 2) byPlace.set(pairs[i]!, (byPlace.get(pairs[i]!) ?? 0) + pairs[i + 1]!);
  return Int32Array.from([...byPlace].flat());
}
