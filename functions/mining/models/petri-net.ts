/**
 * Place/transition net with an initial and a final marking (an "accepting Petri net", the
 * shape PM4Py's discovery algorithms return as `(net, im, fm)`).
 *
 * Nodes are referred to by `id`; ids are generated (`p1`, `t1`, ...) rather than taken from
 * activity names so that they stay valid XML ids when the net is exported to PNML, whatever
 * the names contain.
 */
export interface Place {
  id: string;
  name: string;
}

export interface Transition {
  id: string;
  /** Activity the transition stands for; null for a silent (invisible, tau) transition. */
  label: string | null;
}

/** Arcs always connect a place and a transition, in either direction. */
export interface Arc {
  source: string;
  target: string;
  weight: number;
}

/** Place id -> number of tokens; places without tokens are omitted. */
export type Marking = Record<string, number>;

export interface PetriNet {
  name: string;
  places: Place[];
  transitions: Transition[];
  arcs: Arc[];
  initialMarking: Marking;
  /** Not guaranteed to be reachable from the initial marking (as in PM4Py). */
  finalMarking: Marking;
}

export interface PetriNetSize {
  places: number;
  transitions: number;
  arcs: number;
}

/** Node and arc counts, the figures PM4Py users compare (`len(net.places)` etc.). */
export function petriNetSize(net: PetriNet): PetriNetSize {
  return { places: net.places.length, transitions: net.transitions.length, arcs: net.arcs.length };
}

/** Empty marking with a null prototype, so that any place id is a plain key. */
export function emptyMarking(): Marking {
  return Object.create(null) as Marking;
}

/**
 * Incremental construction with generated ids and arc de-duplication: adding the same arc
 * twice raises its weight instead of creating a parallel arc, which PNML cannot express.
 */
export class PetriNetBuilder {
  readonly #places: Place[] = [];
  readonly #transitions: Transition[] = [];
  readonly #arcs: Arc[] = [];
  readonly #arcIndex = new Map<string, number>();
  readonly #nodeKinds = new Map<string, 'place' | 'transition'>();
  readonly #initialMarking = emptyMarking();
  readonly #finalMarking = emptyMarking();

  constructor(readonly name: string) {}

  addPlace(name: string, id = `p${this.#places.length + 1}`): Place {
    this.#claim(id, 'place');
    const place = { id, name };
    this.#places.push(place);
    return place;
  }

  addTransition(label: string | null, id = `t${this.#transitions.length + 1}`): Transition {
    this.#claim(id, 'transition');
    const transition = { id, label };
    this.#transitions.push(transition);
    return transition;
  }

  addArc(source: { id: string }, target: { id: string }, weight = 1): void {
    const sourceKind = this.#nodeKinds.get(source.id);
    const targetKind = this.#nodeKinds.get(target.id);
    if (sourceKind === undefined || targetKind === undefined) throw new Error('Arc endpoints must be nodes of this net');
    if (sourceKind === targetKind) throw new Error(`An arc cannot connect two ${sourceKind}s`);
    const key = `${source.id}\u0000${target.id}`;
    const existing = this.#arcIndex.get(key);
    if (existing !== undefined) this.#arcs[existing]!.weight += weight;
    else {
      this.#arcIndex.set(key, this.#arcs.length);
      this.#arcs.push({ source: source.id, target: target.id, weight });
    }
  }

  mark(which: 'initial' | 'final', place: Place, tokens = 1): void {
    const marking = which === 'initial' ? this.#initialMarking : this.#finalMarking;
    marking[place.id] = (marking[place.id] ?? 0) + tokens;
  }

  build(): PetriNet {
    return {
      name: this.name,
      places: [...this.#places],
      transitions: [...this.#transitions],
      arcs: this.#arcs.map((arc) => ({ ...arc })),
      initialMarking: Object.assign(emptyMarking(), this.#initialMarking),
      finalMarking: Object.assign(emptyMarking(), this.#finalMarking),
    };
  }

  #claim(id: string, kind: 'place' | 'transition'): void {
    if (this.#nodeKinds.has(id)) throw new Error(`Duplicate node id ${JSON.stringify(id)}`);
    this.#nodeKinds.set(id, kind);
  }
}
