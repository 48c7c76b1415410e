import { PetriNetBuilder, type PetriNet } from '../../models/petri-net.ts';
import type { ProcessTree } from './process-tree.ts';

/*
 * A process tree as a sound workflow net, built as PM4Py's `convert_to_petri_net`
 * (conversion/process_tree/variants/to_petri_net.py) builds it, so that the net has PM4Py's
 * places, transitions and arcs: the same construction per operator, the same simple
 * reduction of silent transitions, the same pruning of dead places.
 */

interface Arc {
  source: Node;
  target: Node;
}

interface Node {
  kind: 'place' | 'transition';
  name: string;
  /** Transitions only: the activity, null when silent. */
  label: string | null;
  inArcs: Set<Arc>;
  outArcs: Set<Arc>;
}

class WorkingNet {
  readonly places = new Set<Node>();
  readonly transitions = new Set<Node>();
  readonly arcs = new Set<Arc>();
  #places = 0;
  #hidden = 0;
  #visible = 0;

  /** Numbered like PM4Py's places, source and sink taking the first two numbers. */
  place(name?: string): Node {
    const number = ++this.#places;
    const place: Node = { kind: 'place', name: name ?? `p_${number}`, label: null, inArcs: new Set(), outArcs: new Set() };
    this.places.add(place);
    return place;
  }

  hidden(kind: string): Node {
    return this.#transition(`${kind}_${++this.#hidden}`, null);
  }

  visible(label: string): Node {
    return this.#transition(`t_${++this.#visible}`, label);
  }

  #transition(name: string, label: string | null): Node {
    const transition: Node = { kind: 'transition', name, label, inArcs: new Set(), outArcs: new Set() };
    this.transitions.add(transition);
    return transition;
  }

  arc(source: Node, target: Node): void {
    const arc = { source, target };
    this.arcs.add(arc);
    source.outArcs.add(arc);
    target.inArcs.add(arc);
  }

  remove(node: Node): void {
    const set = node.kind === 'place' ? this.places : this.transitions;
    if (!set.has(node)) return;
    for (const arc of node.inArcs) {
      arc.source.outArcs.delete(arc);
      this.arcs.delete(arc);
    }
    for (const arc of node.outArcs) {
      arc.target.inArcs.delete(arc);
      this.arcs.delete(arc);
    }
    node.inArcs.clear();
    node.outArcs.clear();
    set.delete(node);
  }
}

const firstOf = <T>(set: Set<T>): T => set.values().next().value as T;

/** PM4Py `check_terminal_loop`: the last child, descending through last children, is a loop. */
function terminalLoop(tree: ProcessTree): boolean {
  const last = tree.children.at(-1);
  if (last === undefined || last.operator === null) return false;
  return last.operator === '*' || terminalLoop(last);
}

/** PM4Py `check_loop_to_first_operator` / `_last_`: a loop at the root or down the first (last) children. */
function loopAlong(tree: ProcessTree, pick: (children: ProcessTree[]) => ProcessTree | undefined): boolean {
  if (tree.operator === '*') return true;
  const child = pick(tree.children);
  return child !== undefined && (child.operator === '*' || loopAlong(child, pick));
}

/**
 * PM4Py `check_tau_mandatory_at_initial_marking`: a silent transition after the source when
 * the tree starts with a loop or is a choice or parallel. (PM4Py's initial-loop check goes on
 * with its terminal-loop check below the first child; kept, since it shapes the net.)
 */
function silentStart(tree: ProcessTree): boolean {
  const first = tree.children[0];
  const initialLoop = first !== undefined && first.operator !== null && (first.operator === '*' || terminalLoop(first));
  return initialLoop || loopAlong(tree, (c) => c[0]) || tree.operator === 'X' || tree.operator === '+';
}

/** PM4Py `check_tau_mandatory_at_final_marking`. */
function silentEnd(tree: ProcessTree): boolean {
  return terminalLoop(tree) || loopAlong(tree, (c) => c.at(-1)) || tree.operator === 'X' || tree.operator === '+';
}

/** PM4Py `recursively_add_tree`: returns the subtree's final place. */
function addTree(net: WorkingNet, tree: ProcessTree, initial: Node, final: Node | null): Node {
  let initialPlace = initial;
  if (initial.kind === 'transition') {
    initialPlace = net.place();
    net.arc(initial, initialPlace);
  }
  let finalPlace: Node;
  if (final !== null && final.kind === 'place') finalPlace = final;
  else {
    finalPlace = net.place();
    if (final !== null) net.arc(finalPlace, final);
  }
  switch (tree.operator) {
    case null: {
      const transition = tree.label === null ? net.hidden('skip') : net.visible(tree.label);
      net.arc(initialPlace, transition);
      net.arc(transition, finalPlace);
      break;
    }
    case 'X':
      for (const child of tree.children) addTree(net, child, initialPlace, finalPlace);
      break;
    case '+': {
      const split = net.hidden('tauSplit');
      net.arc(initialPlace, split);
      const join = net.hidden('tauJoin');
      net.arc(join, finalPlace);
      for (const child of tree.children) addTree(net, child, split, join);
      break;
    }
    case '->': {
      let place = initialPlace;
      tree.children.forEach((child, i) => {
        place = addTree(net, child, place, i === tree.children.length - 1 ? finalPlace : null);
      });
      break;
    }
    case '*': {
      const loopStart = net.place();
      const enter = net.hidden('init_loop');
      net.arc(initialPlace, enter);
      net.arc(enter, loopStart);
      const back = net.hidden('loop');
      if (tree.children.length === 1) {
        addTree(net, tree.children[0]!, loopStart, finalPlace);
        net.arc(finalPlace, back);
      } else {
        const afterBody = addTree(net, tree.children[0]!, loopStart, null);
        let afterRedo: Node | null = null;
        for (const redo of tree.children.slice(1)) afterRedo = addTree(net, redo, afterBody, afterRedo);
        addTree(net, { operator: null, label: null, children: [] }, afterBody, finalPlace);
        net.arc(afterRedo!, back);
      }
      net.arc(back, loopStart);
      break;
    }
  }
  return finalPlace;
}

/** PM4Py `apply_simple_reduction`: silent transitions fused with a neighbour through a place used by nothing else. */
function reduce(net: WorkingNet): void {
  for (let changed = true; changed; ) {
    changed = false;
    for (const t of net.transitions) {
      if (t.label !== null || t.inArcs.size !== 1) continue;
      const place = firstOf(t.inArcs).source;
      if (place.inArcs.size !== 1 || place.outArcs.size !== 1) continue;
      const producer = firstOf(place.inArcs).source;
      const targets = [...t.outArcs].map((a) => a.target);
      net.remove(t);
      net.remove(place);
      for (const target of targets) net.arc(producer, target);
      changed = true;
      break;
    }
  }
  for (let changed = true; changed; ) {
    changed = false;
    for (const t of net.transitions) {
      if (t.label !== null || t.outArcs.size !== 1) continue;
      const place = firstOf(t.outArcs).target;
      if (place.inArcs.size !== 1 || place.outArcs.size !== 1) continue;
      const consumer = firstOf(place.outArcs).target;
      const sources = [...t.inArcs].map((a) => a.source);
      net.remove(t);
      net.remove(place);
      for (const source of sources) net.arc(source, consumer);
      changed = true;
      break;
    }
  }
}

export interface TreeNetSize {
  places: number;
  transitions: number;
  invisibleTransitions: number;
  arcs: number;
}

export interface TreePetriNet {
  net: PetriNet;
  size: TreeNetSize;
}

/**
 * The workflow net of a process tree: one token in `source`, final marking one token in
 * `sink`. Sound by construction (block-structured), like PM4Py's.
 */
export function processTreeToPetriNet(tree: ProcessTree, name = 'inductive'): TreePetriNet {
  const net = new WorkingNet();
  const source = net.place('source');
  const sink = net.place('sink');
  let initial = source;
  if (silentStart(tree)) {
    initial = net.place();
    const t = net.hidden('tau');
    net.arc(source, t);
    net.arc(t, initial);
  }
  let final = sink;
  if (silentEnd(tree)) {
    final = net.place();
    const t = net.hidden('tau');
    net.arc(final, t);
    net.arc(t, sink);
  }
  addTree(net, tree, initial, final);
  reduce(net);
  for (const place of [...net.places]) {
    if (place.outArcs.size === 0 && place !== sink) net.remove(place);
    if (place.inArcs.size === 0 && place !== source) net.remove(place);
  }

  const builder = new PetriNetBuilder(name);
  const ids = new Map<Node, { id: string }>();
  for (const place of net.places) ids.set(place, builder.addPlace(place.name, place.name));
  for (const t of net.transitions) ids.set(t, builder.addTransition(t.label, t.name));
  for (const arc of net.arcs) builder.addArc(ids.get(arc.source)!, ids.get(arc.target)!);
  builder.mark('initial', ids.get(source) as ReturnType<PetriNetBuilder['addPlace']>);
  builder.mark('final', ids.get(sink) as ReturnType<PetriNetBuilder['addPlace']>);
  const built = builder.build();
  return {
    net: built,
    size: {
      places: built.places.length,
      transitions: built.transitions.length,
      invisibleTransitions: built.transitions.filter((t) => t.label === null).length,
      // Parallel arcs would add up to one weighted arc here; count them as PM4Py does.
      arcs: built.arcs.reduce((sum, arc) => sum + arc.weight, 0),
    },
  };
}
