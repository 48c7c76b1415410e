import { caseVariants } from '../log/case-variants.ts';
import type { EventLog } from '../log/event-log.ts';
import { compileNet, type CompiledNet, type ReplayNet } from './replay-net.ts';

/** Token counts of one case's replay, as PM4Py's token-based replay defines them. */
export interface CaseFitness {
  caseId: string;
  /** 1/2 (1 - missing/consumed) + 1/2 (1 - remaining/produced); a term is 1 when its denominator is 0. */
  fitness: number;
  missing: number;
  consumed: number;
  remaining: number;
  produced: number;
  /** Events whose activity no visible transition carries: skipped, as PM4Py does, and counted here. */
  activitiesNotInModel: number;
}

export interface ReplayResult {
  cases: CaseFitness[];
  /** PM4Py's log fitness: the formula over the token counts summed over all cases. */
  logFitness: number;
  /** Mean of the case fitness values (PM4Py's `average_trace_fitness`). */
  averageFitness: number;
  /** Cases without missing or remaining tokens and without activities outside the model. */
  fittingCases: number;
}

export interface ReplayOptions {
  /**
   * Markings a search for silent firings may expand before it gives up (default 1,000), so
   * that unbounded nets or long silent cycles cannot stall replay.
   */
  maxSilentExpansions?: number;
}

type Counts = Omit<CaseFitness, 'caseId' | 'fitness'>;

/**
 * Token-based replay of every case on `net`.
 *
 * Per event, a transition with the event's activity as label fires: an enabled one if there is
 * one; else one that a shortest sequence of silent transitions enables (breadth-first over
 * markings, so duplicate labels and silent transitions are handled); else the first one,
 * forced, counting the tokens it lacked as missing. At the end, silent transitions fire when
 * they lead to exactly the final marking (or else to one covering it); then the final marking
 * is consumed, counting absent tokens as missing, and whatever is left is remaining. The
 * initial marking counts as produced and the final one as consumed. On nets without silent
 * transitions and duplicate labels this is PM4Py's replay; with them, PM4Py looks for silent
 * paths on the net's graph rather than its markings, so figures can differ slightly.
 *
 * Cases with the same activity sequence replay identically, so each variant replays once.
 */
export function tokenReplay(log: EventLog, net: ReplayNet, options: ReplayOptions = {}): ReplayResult {
  const compiled = compileNet(net);
  const replayer = new Replayer(compiled, log.activities, options.maxSilentExpansions ?? 1000);
  const { caseOffsets, activityCodes } = log;
  const variantOf = caseVariants(log).ofCase;
  const byVariant: (Counts | undefined)[] = [];
  const cases: CaseFitness[] = [];
  let missing = 0;
  let consumed = 0;
  let remaining = 0;
  let produced = 0;
  let fitnessSum = 0;
  let fittingCases = 0;
  for (let c = 0; c + 1 < caseOffsets.length; c++) {
    const variant = variantOf[c]!;
    let counts = byVariant[variant];
    if (counts === undefined) {
      counts = replayer.replay(activityCodes.subarray(caseOffsets[c]!, caseOffsets[c + 1]!));
      byVariant[variant] = counts;
    }
    const fitness = fitnessOf(counts);
    cases.push({ caseId: log.caseIds[c]!, fitness, ...counts });
    missing += counts.missing;
    consumed += counts.consumed;
    remaining += counts.remaining;
    produced += counts.produced;
    fitnessSum += fitness;
    if (counts.missing === 0 && counts.remaining === 0 && counts.activitiesNotInModel === 0) fittingCases++;
  }
  return {
    cases,
    logFitness: fitnessOf({ missing, consumed, remaining, produced }),
    averageFitness: cases.length > 0 ? fitnessSum / cases.length : 1,
    fittingCases,
  };
}

function fitnessOf(c: { missing: number; consumed: number; remaining: number; produced: number }): number {
  const consumedTerm = c.consumed > 0 ? 1 - c.missing / c.consumed : 1;
  const producedTerm = c.produced > 0 ? 1 - c.remaining / c.produced : 1;
  return 0.5 * consumedTerm + 0.5 * producedTerm;
}

class Replayer {
  /** Visible transitions per activity code of the log. */
  private readonly candidates: (readonly number[] | undefined)[];
  /** Silent firing sequences found before, by goal (a transition, or EXACT / COVER), then by marking. */
  private readonly silentPaths = new Map<number, MarkingTable<readonly number[] | null>>();
  /** Silent transitions that can put a token, directly or through other silent ones, into a transition's inputs. */
  private readonly feeding = new Map<number, readonly number[]>();

  constructor(
    private readonly net: CompiledNet,
    activities: readonly string[],
    private readonly maxExpansions: number,
  ) {
    this.candidates = activities.map((a) => net.byLabel.get(a));
  }

  replay(sequence: Uint32Array): Counts {
    const net = this.net;
    const marking = Int32Array.from(net.initial);
    const counts: Counts = { missing: 0, consumed: 0, remaining: 0, produced: sum(net.initial), activitiesNotInModel: 0 };
    for (const code of sequence) {
      const transitions = this.candidates[code];
      if (transitions === undefined) {
        counts.activitiesNotInModel++;
        continue;
      }
      let chosen = transitions.find((t) => this.enabled(marking, t));
      if (chosen === undefined) {
        let best: readonly number[] | null = null;
        for (const t of transitions) {
          const path = this.silentPath(marking, t, (m) => this.enabled(m, t), this.feeders(t));
          if (path !== null && (best === null || path.length < best.length)) {
            best = path;
            chosen = t;
          }
        }
        if (best !== null) for (const s of best) this.fire(marking, s, counts);
      }
      this.fire(marking, chosen ?? transitions[0]!, counts);
    }

    const final = net.final;
    if (!equals(marking, final)) {
      const path =
        this.silentPath(marking, EXACT, (m) => equals(m, final)) ??
        (covers(marking, final) ? null : this.silentPath(marking, COVER, (m) => covers(m, final)));
      if (path !== null) for (const s of path) this.fire(marking, s, counts);
    }
    for (let p = 0; p < final.length; p++) {
      const need = final[p]!;
      counts.consumed += need;
      if (marking[p]! < need) counts.missing += need - marking[p]!;
      marking[p] = Math.max(0, marking[p]! - need);
    }
    counts.remaining = sum(marking);
    return counts;
  }

  private enabled(marking: Int32Array, t: number): boolean {
    const inputs = this.net.inputs[t]!;
    for (let i = 0; i < inputs.length; i += 2) if (marking[inputs[i]!]! < inputs[i + 1]!) return false;
    return true;
  }

  /** Fires t, adding any tokens it lacks as missing. */
  private fire(marking: Int32Array, t: number, counts: Counts): void {
    const inputs = this.net.inputs[t]!;
    for (let i = 0; i < inputs.length; i += 2) {
      const p = inputs[i]!;
      const w = inputs[i + 1]!;
      if (marking[p]! < w) {
        counts.missing += w - marking[p]!;
        marking[p] = w;
      }
      marking[p]! -= w;
      counts.consumed += w;
    }
    const outputs = this.net.outputs[t]!;
    for (let i = 0; i < outputs.length; i += 2) {
      marking[outputs[i]!]! += outputs[i + 1]!;
      counts.produced += outputs[i + 1]!;
    }
  }

  /** Fires an enabled t without counting tokens (search only). */
  private fireEnabled(marking: Int32Array, t: number): void {
    const inputs = this.net.inputs[t]!;
    for (let i = 0; i < inputs.length; i += 2) marking[inputs[i]!]! -= inputs[i + 1]!;
    const outputs = this.net.outputs[t]!;
    for (let i = 0; i < outputs.length; i += 2) marking[outputs[i]!]! += outputs[i + 1]!;
  }

  /** Shortest sequence of silent firings from `start` to a marking where `goal` holds; null when none is found. */
  /**
   * Only silent transitions feeding t's inputs can help enable t: dropping the others from a
   * firing sequence leaves the rest enabled. Searching among them alone finds the same
   * shortest paths, and finds them in large nets with concurrency (Inductive Miner nets),
   * where the full search ran out of expansions in the branches that do not matter.
   */
  private feeders(t: number): readonly number[] {
    let list = this.feeding.get(t);
    if (list !== undefined) return list;
    const net = this.net;
    const producers = new Map<number, number[]>();
    for (const s of net.silent) {
      const outputs = net.outputs[s]!;
      for (let i = 0; i < outputs.length; i += 2) (producers.get(outputs[i]!) ?? producers.set(outputs[i]!, []).get(outputs[i]!)!).push(s);
    }
    const chosen = new Set<number>();
    const places: number[] = [];
    const visit = (inputs: Int32Array) => {
      for (let i = 0; i < inputs.length; i += 2) places.push(inputs[i]!);
    };
    visit(net.inputs[t]!);
    const seenPlaces = new Set<number>();
    while (places.length > 0) {
      const p = places.pop()!;
      if (seenPlaces.has(p)) continue;
      seenPlaces.add(p);
      for (const s of producers.get(p) ?? []) {
        if (chosen.has(s)) continue;
        chosen.add(s);
        visit(net.inputs[s]!);
      }
    }
    list = net.silent.filter((s) => chosen.has(s));
    this.feeding.set(t, list);
    return list;
  }

  private silentPath(start: Int32Array, goalKey: number, goal: (m: Int32Array) => boolean, silent: readonly number[] = this.net.silent): readonly number[] | null {
    if (silent.length === 0) return null;
    let byMarking = this.silentPaths.get(goalKey);
    if (byMarking === undefined) this.silentPaths.set(goalKey, (byMarking = new MarkingTable()));
    const startHash = hashMarking(start);
    const cached = byMarking.get(start, startHash);
    if (cached !== undefined) return cached;

    // Breadth first, successors built in one scratch marking and kept only when new: interleavings
    // of concurrent silent steps reach the same markings many times over.
    interface SearchNode {
      marking: Int32Array;
      parent: SearchNode | null;
      via: number;
    }
    const seen = new MarkingTable<true>();
    seen.set(Int32Array.from(start), true, startHash);
    let frontier: SearchNode[] = [{ marking: start, parent: null, via: -1 }];
    const scratch = new Int32Array(start.length);
    let expansions = 0;
    let found: number[] | null = null;
    search: while (frontier.length > 0) {
      const next: SearchNode[] = [];
      for (const node of frontier) {
        if (++expansions > this.maxExpansions) break search;
        for (const s of silent) {
          if (!this.enabled(node.marking, s)) continue;
          scratch.set(node.marking);
          this.fireEnabled(scratch, s);
          const hash = hashMarking(scratch);
          if (seen.get(scratch, hash) !== undefined) continue;
          const child: SearchNode = { marking: Int32Array.from(scratch), parent: node, via: s };
          seen.set(child.marking, true, hash);
          if (goal(child.marking)) {
            found = [];
            for (let n: SearchNode | null = child; n !== null && n.via >= 0; n = n.parent) found.push(n.via);
            found.reverse();
            break search;
          }
          next.push(child);
        }
      }
      frontier = next;
    }
    byMarking.set(Int32Array.from(start), found, startHash);
    return found;
  }
}

/** Goals of the end-of-trace searches (transition goals are the transition's index). */
const EXACT = -1;
const COVER = -2;

/** FNV-1a over the token counts. */
function hashMarking(marking: Int32Array): number {
  let h = 0x811c9dc5 ^ marking.length;
  for (let i = 0; i < marking.length; i++) h = Math.imul(h ^ marking[i]!, 0x01000193);
  return h;
}

/**
 * Markings as map keys, by hash and then by content. Replaces string keys: building a string
 * per marking was most of the replay of Inductive Miner nets (54 places, a lookup per event).
 * Stored markings must not change afterwards.
 */
class MarkingTable<V> {
  readonly #buckets = new Map<number, { marking: Int32Array; value: V }[]>();

  get(marking: Int32Array, hash: number): V | undefined {
    const bucket = this.#buckets.get(hash);
    if (bucket === undefined) return undefined;
    for (const entry of bucket) if (equals(entry.marking, marking)) return entry.value;
    return undefined;
  }

  set(marking: Int32Array, value: V, hash: number): void {
    const bucket = this.#buckets.get(hash);
    if (bucket === undefined) this.#buckets.set(hash, [{ marking, value }]);
    else bucket.push({ marking, value });
  }
}

function sum(a: Int32Array): number {
  let s = 0;
  for (const v of a) s += v;
  return s;
}

function equals(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function covers(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0; i < a.length; i++) if (a[i]! < b[i]!) return false;
  return true;
}
