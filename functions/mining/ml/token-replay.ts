import { caseVariants } from '../log/case-variants.ts';
import type { EventLog } from '../log/event-log.ts';
import { compileNet, type CompiledNet, type ReplayNet } from './replay-net.ts';
import { SilentSearch } from './silent-search.ts';

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

/** What one event does from one marking: the marking it leads to (by id) and its token counts. */
interface Step {
  next: number;
  missing: number;
  consumed: number;
  produced: number;
  activitiesNotInModel: number;
}

/**
 * Markings kept at most. Markings grow without bound only when tokens pile up (a model that
 * fits badly); past this many, traces replay on without the cache, so memory stays bounded.
 */
const MAX_CACHED_MARKINGS = 1 << 16;
const MAX_STEP_TABLE = 1 << 20;

function addCounts(to: Counts, from: Counts): void {
  to.missing += from.missing;
  to.consumed += from.consumed;
  to.produced += from.produced;
  to.activitiesNotInModel += from.activitiesNotInModel;
}

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
  const fitnessByVariant: number[] = [];
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
      fitnessByVariant[variant] = fitnessOf(counts);
    }
    const fitness = fitnessByVariant[variant]!;
    cases.push({
      caseId: log.caseIds[c]!,
      fitness,
      missing: counts.missing,
      consumed: counts.consumed,
      remaining: counts.remaining,
      produced: counts.produced,
      activitiesNotInModel: counts.activitiesNotInModel,
    });
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

  private readonly search: SilentSearch;

  constructor(
    private readonly net: CompiledNet,
    activities: readonly string[],
    private readonly maxExpansions: number,
  ) {
    this.candidates = activities.map((a) => net.byLabel.get(a));
    this.search = new SilentSearch(net);
  }

  /**
   * Markings met so far, interned: replaying an event depends only on the marking and the
   * activity, so each (marking, activity) pair is worked out once and its outcome reused. On
   * bpic2012 the 4,366 variants meet a few hundred markings: replay became one lookup per
   * event instead of a search-cache probe per event (0.5 s of discovery before).
   */
  private readonly markings: Int32Array[] = [];
  private readonly markingIds = new MarkingTable<number>();
  /** Outcome of an event by `state * activities + code`: in an array while the key is small, else in a map. */
  private stepIndex = new Int32Array(0);
  /** The outcomes `stepIndex` points at (its entries are positions + 1; 0 is "not yet"). */
  private readonly stepList: Step[] = [];
  private readonly steps = new Map<number, Step>();
  /** Outcome of the end of a trace by state. */
  private readonly ends: (Counts | undefined)[] = [];

  replay(sequence: Uint32Array): Counts {
    const counts: Counts = { missing: 0, consumed: 0, remaining: 0, produced: sum(this.net.initial), activitiesNotInModel: 0 };
    let state = this.stateOf(this.net.initial);
    const activities = this.candidates.length;
    for (let i = 0; i < sequence.length; i++) {
      const code = sequence[i]!;
      const key = state * activities + code;
      let step = key < this.stepIndex.length ? (this.stepIndex[key] === 0 ? undefined : this.stepList[this.stepIndex[key]! - 1]) : this.steps.get(key);
      if (step === undefined) {
        const marking = Int32Array.from(this.markings[state]!);
        const delta: Counts = { missing: 0, consumed: 0, remaining: 0, produced: 0, activitiesNotInModel: 0 };
        this.replayEvent(marking, code, delta);
        const next = this.stateOf(marking);
        if (next < 0) {
          // Too many markings to remember: the rest of this trace replays without the cache.
          addCounts(counts, delta);
          for (let j = i + 1; j < sequence.length; j++) this.replayEvent(marking, sequence[j]!, counts);
          this.replayEnd(marking, counts);
          return counts;
        }
        step = { next, missing: delta.missing, consumed: delta.consumed, produced: delta.produced, activitiesNotInModel: delta.activitiesNotInModel };
        if (key < MAX_STEP_TABLE) {
          if (key >= this.stepIndex.length) {
            const grown = new Int32Array(Math.min(MAX_STEP_TABLE, Math.max(key + 1, this.stepIndex.length * 2, 1024)));
            grown.set(this.stepIndex);
            this.stepIndex = grown;
          }
          this.stepList.push(step);
          this.stepIndex[key] = this.stepList.length;
        } else this.steps.set(key, step);
      }
      counts.missing += step.missing;
      counts.consumed += step.consumed;
      counts.produced += step.produced;
      counts.activitiesNotInModel += step.activitiesNotInModel;
      state = step.next;
    }
    let end = this.ends[state];
    if (end === undefined) {
      end = { missing: 0, consumed: 0, remaining: 0, produced: 0, activitiesNotInModel: 0 };
      this.replayEnd(Int32Array.from(this.markings[state]!), end);
      this.ends[state] = end;
    }
    counts.missing += end.missing;
    counts.consumed += end.consumed;
    counts.produced += end.produced;
    counts.remaining = end.remaining;
    return counts;
  }

  /** The id of a marking, interned on first sight; -1 when it is new and the table is full. */
  private stateOf(marking: Int32Array): number {
    const hash = hashMarking(marking);
    const known = this.markingIds.get(marking, hash);
    if (known !== undefined) return known;
    if (this.markings.length >= MAX_CACHED_MARKINGS) return -1;
    const id = this.markings.length;
    const stored = Int32Array.from(marking);
    this.markings.push(stored);
    this.markingIds.set(stored, id, hash);
    return id;
  }

  /** One event on `marking`, in place, its token counts added to `counts`. */
  private replayEvent(marking: Int32Array, code: number, counts: Counts): void {
    const transitions = this.candidates[code];
    if (transitions === undefined) {
      counts.activitiesNotInModel++;
      return;
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

  /** The end of a trace on `marking`: silent firings towards the final marking, which is then consumed. */
  private replayEnd(marking: Int32Array, counts: Counts): void {
    const net = this.net;
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

  /** Shortest sequence of silent firings from `start` to a marking where `goal` holds; null when none is found. */
  private silentPath(start: Int32Array, goalKey: number, goal: (m: Int32Array) => boolean, silent: readonly number[] = this.net.silent): readonly number[] | null {
    if (silent.length === 0) return null;
    let byMarking = this.silentPaths.get(goalKey);
    if (byMarking === undefined) this.silentPaths.set(goalKey, (byMarking = new MarkingTable()));
    const startHash = hashMarking(start);
    const cached = byMarking.get(start, startHash);
    if (cached !== undefined) return cached;

    const found = this.search.find(start, silent, goal, this.maxExpansions);
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
