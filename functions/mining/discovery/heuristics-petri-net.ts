import { compareCodePoints } from './code-point-order.ts';
import { PetriNetBuilder, type PetriNet } from '../models/petri-net.ts';
import type { HeuristicsNet } from './heuristics-miner.ts';

/**
 * Converts a heuristics net into an accepting Petri net the way PM4Py's
 * `objects/conversion/heuristics_net/variants/to_petri_net.py` does:
 * - one source place feeding the start activities and one sink place fed by the end ones;
 * - one transition per node; an activity with several predecessors gets a place
 *   `pre_<activity>` in front of it, fed by one silent transition per XOR branch, and one
 *   silent transition per maximal clique of its AND-join pairs that consumes from one place
 *   per clique member (so those predecessors must all have fired);
 * - an activity with several successors puts its token into `intplace_<activity>`, from which
 *   one silent transition per XOR branch, or per maximal clique of AND-split pairs, moves it
 *   to the successors' input places;
 * - then silent transitions whose output is a strict subset of another's with the same input
 *   are dropped, and chains "transition -> place -> silent transition" (and the mirror image)
 *   whose place has no other use are contracted, until nothing changes.
 * Place names follow PM4Py (`source0`, `pre_x`, `splace_in_x_y_0`, `intplace_x`, `sink0`);
 * silent transitions have a null label.
 */
export function heuristicsNetToPetriNet(heuristicsNet: HeuristicsNet): PetriNet {
  const net = new MutableNet();
  const source = net.addPlace('source0');
  const sink = net.addPlace('sink0');
  const transitionOf = new Map<string, string>();
  /** Per activity: predecessors (activity names) and whether it starts cases, in first-seen order. */
  const entering = new Map<string, { predecessors: string[]; isStart: boolean }>();
  const exiting = new Map<string, { successors: string[]; isEnd: boolean }>();
  const nodes = new Map(heuristicsNet.nodes.map((node) => [node.activity, node]));

  const ensure = (activity: string) => {
    if (transitionOf.has(activity)) return;
    const node = nodes.get(activity);
    transitionOf.set(activity, net.addTransition(activity));
    entering.set(activity, { predecessors: [], isStart: (node?.startCount ?? 0) > 0 });
    exiting.set(activity, { successors: [], isEnd: (node?.endCount ?? 0) > 0 });
  };
  for (const node of heuristicsNet.nodes) ensure(node.activity);
  for (const edge of heuristicsNet.edges) {
    ensure(edge.from);
    ensure(edge.to);
    const into = entering.get(edge.to)!.predecessors;
    if (!into.includes(edge.from)) into.push(edge.from);
    const out = exiting.get(edge.from)!.successors;
    if (!out.includes(edge.to)) out.push(edge.to);
  }

  const addHidden = () => net.addTransition(null);
  // placesEntering[activity][predecessor]: the place the predecessor must mark for it.
  const placesEntering = new Map<string, Map<string, string>>();

  for (const [activity, { predecessors, isStart }] of entering) {
    const node = nodes.get(activity);
    const joins = node?.andJoins ?? [];
    const cliques = maximalCliques(joins);
    const leaders = new Set(joins.map((pair) => pair.a));
    const places = new Map<string, string>();
    placesEntering.set(activity, places);
    const entries = predecessors.length + (isStart ? 1 : 0);
    const sorted = [...predecessors].sort(compareCodePoints);
    let master: string | null = null;
    if (sorted.length > 0) {
      master = net.addPlace(`pre_${activity}`);
      net.addArc(master, transitionOf.get(activity)!);
      if (entries === 1) places.set(sorted[0]!, master);
      else {
        sorted.forEach((predecessor, index) => {
          if (leaders.has(predecessor)) {
            for (let z = 0; z < cliques.length; ) {
              const clique = cliques[z]!;
              if (!clique.includes(predecessor)) {
                z++;
                continue;
              }
              const silent = addHidden();
              net.addArc(silent, master!);
              for (const member of clique) {
                if (!places.has(member)) places.set(member, net.addPlace(`splace_in_${activity}_${member}_${index}`));
                net.addArc(places.get(member)!, silent);
              }
              cliques.splice(z, 1);
            }
          } else if (!places.has(predecessor)) {
            const silent = addHidden();
            net.addArc(silent, master!);
            const place = net.addPlace(`splace_in_${activity}_${index}`);
            places.set(predecessor, place);
            net.addArc(place, silent);
          }
        });
      }
    }
    if (isStart) {
      if (entries === 1) net.addArc(source, transitionOf.get(activity)!);
      else {
        const silent = addHidden();
        net.addArc(source, silent);
        net.addArc(silent, master!);
      }
    }
  }

  for (const [activity, { successors, isEnd }] of exiting) {
    const node = nodes.get(activity);
    const splits = node?.andSplits ?? [];
    const cliques = maximalCliques(splits);
    const leaders = new Set(splits.map((pair) => pair.a));
    const transition = transitionOf.get(activity)!;
    const exits = successors.length + (isEnd ? 1 : 0);
    const sorted = [...successors].sort(compareCodePoints);
    let outPlace: string | null = null;
    if (sorted.length > 0) {
      if (exits === 1) {
        const place = placesEntering.get(sorted[0]!)?.get(activity);
        if (place !== undefined) net.addArc(transition, place);
      } else {
        outPlace = net.addPlace(`intplace_${activity}`);
        net.addArc(transition, outPlace);
        for (const successor of sorted) {
          const target = placesEntering.get(successor)?.get(activity);
          if (target === undefined) continue;
          if (leaders.has(successor)) {
            for (let z = 0; z < cliques.length; ) {
              const clique = cliques[z]!;
              if (!clique.includes(successor)) {
                z++;
                continue;
              }
              const silent = addHidden();
              net.addArc(outPlace, silent);
              for (const member of clique) {
                const place = placesEntering.get(member)?.get(activity);
                if (place !== undefined) net.addArc(silent, place);
              }
              cliques.splice(z, 1);
            }
          } else {
            const silent = addHidden();
            net.addArc(outPlace, silent);
            net.addArc(silent, target);
          }
        }
      }
    }
    if (isEnd) {
      if (exits === 1) net.addArc(transition, sink);
      else {
        const silent = addHidden();
        net.addArc(outPlace!, silent);
        net.addArc(silent, sink);
      }
    }
  }

  net.removeRedundantSilentTransitions();
  net.contractSilentChains();
  return net.build('heuristics_net', source, sink);
}

/** Maximal cliques (Bron-Kerbosch with pivoting) of the graph whose edges are the pairs. */
function maximalCliques(pairs: ReadonlyArray<{ a: string; b: string }>): string[][] {
  const neighbours = new Map<string, Set<string>>();
  const link = (x: string, y: string) => {
    if (!neighbours.has(x)) neighbours.set(x, new Set());
    neighbours.get(x)!.add(y);
  };
  for (const { a, b } of pairs) {
    link(a, b);
    link(b, a);
  }
  const cliques: string[][] = [];
  const expand = (clique: string[], candidates: Set<string>, excluded: Set<string>) => {
    if (candidates.size === 0 && excluded.size === 0) {
      cliques.push([...clique].sort(compareCodePoints));
      return;
    }
    let pivot = '';
    let best = -1;
    for (const u of [...candidates, ...excluded]) {
      const degree = [...candidates].filter((v) => neighbours.get(u)!.has(v)).length;
      if (degree > best) {
        best = degree;
        pivot = u;
      }
    }
    for (const v of [...candidates].filter((w) => !neighbours.get(pivot)!.has(w))) {
      const around = neighbours.get(v)!;
      expand([...clique, v], new Set([...candidates].filter((w) => around.has(w))), new Set([...excluded].filter((w) => around.has(w))));
      candidates.delete(v);
      excluded.add(v);
    }
  };
  expand([], new Set(neighbours.keys()), new Set());
  return cliques;
}

/**
 * Which silent transitions (by index) the pairwise rule removes, in order: for each transition
 * still present, in order, every other still present whose preset has as many places as its
 * own, all among them, and whose postset is smaller and inside its own. A preset that large
 * inside another is the same set, so only transitions sharing a preset are compared: all
 * pairs took 6 ms of bpic2012's cold run.
 */
export function redundantSilent(presets: readonly string[][], postsets: readonly string[][]): number[] {
  const samePreset = new Map<string, number[]>();
  const group = presets.map((pre, x) => {
    const key = [...new Set(pre)].sort().join('\u0000');
    const members = samePreset.get(key) ?? samePreset.set(key, []).get(key)!;
    members.push(x);
    return members;
  });
  const alive = new Uint8Array(presets.length).fill(1);
  const removed: number[] = [];
  for (let x = 0; x < presets.length; x++) {
    if (alive[x] === 0) continue;
    const post = new Set(postsets[x]);
    for (const y of group[x]!) {
      if (y === x || alive[y] === 0) continue;
      const postJ = postsets[y]!;
      if (postJ.length < post.size && postJ.every((p) => post.has(p))) {
        alive[y] = 0;
        removed.push(y);
      }
    }
  }
  return removed;
}

/** Small mutable graph for the conversion and its reductions; ids are its own. */
class MutableNet {
  readonly places = new Map<string, string>();
  readonly transitions = new Map<string, string | null>();
  /** Arcs as `source\0target`, in insertion order. */
  readonly arcs = new Set<string>();
  /**
   * Each node's sources and targets, each in the order its arcs were added: the same order a
   * scan of `arcs` gives, without one (the scans were quadratic on large heuristics nets:
   * 0.5 s of bpic2012's discovery).
   */
  readonly #in = new Map<string, Set<string>>();
  readonly #out = new Map<string, Set<string>>();
  #next = 0;

  addPlace(name: string): string {
    const id = `n${this.#next++}`;
    this.places.set(id, name);
    return id;
  }

  addTransition(label: string | null): string {
    const id = `n${this.#next++}`;
    this.transitions.set(id, label);
    return id;
  }

  addArc(source: string, target: string): void {
    this.arcs.add(`${source}\u0000${target}`);
    (this.#out.get(source) ?? this.#out.set(source, new Set()).get(source)!).add(target);
    (this.#in.get(target) ?? this.#in.set(target, new Set()).get(target)!).add(source);
  }

  inputs(node: string): string[] {
    const sources = this.#in.get(node);
    return sources === undefined ? [] : [...sources];
  }

  outputs(node: string): string[] {
    const targets = this.#out.get(node);
    return targets === undefined ? [] : [...targets];
  }

  remove(node: string): void {
    this.places.delete(node);
    this.transitions.delete(node);
    for (const source of this.#in.get(node) ?? []) {
      this.arcs.delete(`${source}\u0000${node}`);
      this.#out.get(source)!.delete(node);
    }
    for (const target of this.#out.get(node) ?? []) {
      this.arcs.delete(`${node}\u0000${target}`);
      this.#in.get(target)!.delete(node);
    }
    this.#in.delete(node);
    this.#out.delete(node);
  }

  /** Drops a silent transition when another has the same preset and a strictly larger postset. */
  removeRedundantSilentTransitions(): void {
    const silent = [...this.transitions].filter(([, label]) => label === null).map(([id]) => id);
    // Removing a transition removes only its own arcs, so every other one's places stay as listed here.
    const redundant = redundantSilent(
      silent.map((t) => this.inputs(t)),
      silent.map((t) => this.outputs(t)),
    );
    for (const y of redundant) this.remove(silent[y]!);
  }

  /** PM4Py's `apply_simple_reduction`: single-entry, then single-exit contractions, to a fixpoint. */
  contractSilentChains(): void {
    for (let changed = true; changed; ) {
      changed = false;
      for (const [t, label] of this.transitions) {
        if (label !== null) continue;
        const inputs = this.inputs(t);
        if (inputs.length === 1) {
          const place = inputs[0]!;
          const feeders = this.inputs(place);
          if (feeders.length === 1 && this.outputs(place).length === 1) {
            const targets = this.outputs(t);
            this.remove(t);
            this.remove(place);
            for (const target of targets) this.addArc(feeders[0]!, target);
            changed = true;
            break;
          }
        }
        const outputs = this.outputs(t);
        if (outputs.length === 1) {
          const place = outputs[0]!;
          const consumers = this.outputs(place);
          if (consumers.length === 1 && this.inputs(place).length === 1) {
            const sources = this.inputs(t);
            this.remove(t);
            this.remove(place);
            for (const source of sources) this.addArc(source, consumers[0]!);
            changed = true;
            break;
          }
        }
      }
    }
  }

  build(name: string, source: string, sink: string): PetriNet {
    const builder = new PetriNetBuilder(name);
    const ids = new Map<string, { id: string }>();
    for (const [id, placeName] of this.places) {
      const place = builder.addPlace(placeName);
      ids.set(id, place);
      if (id === source) builder.mark('initial', place);
      if (id === sink) builder.mark('final', place);
    }
    for (const [id, label] of this.transitions) ids.set(id, builder.addTransition(label));
    for (const arc of this.arcs) {
      const [from, to] = arc.split('\u0000') as [string, string];
      builder.addArc(ids.get(from)!, ids.get(to)!);
    }
    return builder.build();
  }
}
