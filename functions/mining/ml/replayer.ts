import type { CompiledNet } from './replay-net.ts';
import { SilentSearch } from './silent-search.ts';

/** Token counts of one trace's replay. */
interface Counts {
  missing: number;
  consumed: number;
  remaining: number;
  produced: number;
  activitiesNotInModel: number;
}

/**
 * Markings kept at most. Markings grow without bound only when tokens pile up (a model that
 * fits badly); past this many, traces replay on without the cache, so memory stays bounded.
 */
const MAX_CACHED_MARKINGS = 1 << 16;
const MAX_STEP_TABLE = 1 << 20;

/** Goal key of the end-of-trace searches (transition goals are the transition's index). */
const END = -1;

/**
 * Replays activity sequences on a compiled net (see tokenReplay for the rules).
 *
 * Markings met are interned, and replaying an event depends only on the marking and the
 * activity, so each (marking, activity) pair is worked out once: replay is a table lookup per
 * event. On bpic2012 the 4,366 variants meet a few hundred markings. The tables are typed arrays
 * and the markings one flat pool: replay runs once per process, mostly before the JIT has
 * compiled it, where every object and closure on the way costs.
 */
export class Replayer {
  /** Visible transitions per activity code of the log. */
  private readonly candidates: (readonly number[] | undefined)[];
  private readonly activities: number;
  private readonly places: number;
  private readonly search: SilentSearch;
  private readonly initialTokens: number;
  private readonly initialState: number;
  /** Silent firing sequences found before, by goal, then by marking (for traces past the marking cache). */
  private readonly silentPaths = new Map<number, MarkingTable<readonly number[] | null>>();
  /** Silent transitions that can put a token, directly or through other silent ones, into a transition's inputs. */
  private readonly feeding = new Map<number, readonly number[]>();
  /** The distinct lists in `feeding`. */
  private readonly lists: (readonly number[])[] = [];
  private producers: number[][] | undefined;

  /** Interned markings: state s at pool[s * places ..], found by hash in `table`. */
  private pool = new Int32Array(0);
  private hashes = new Int32Array(0);
  private table = new Int32Array(0);
  private states = 0;
  /** Outcome of an event by `state * activities + code`: step + 1 in `stepIndex` while the key is small, else in `steps`. */
  private stepIndex = new Int32Array(0);
  private readonly steps = new Map<number, number>();
  /** Per step: the next state, and missing, consumed, produced, activities-not-in-model (4 per step). */
  private stepNext = new Int32Array(0);
  /**
   * Token counts are small integers, kept in plain arrays (and the trace's sums in fields) rather
   * than Float64Arrays: most of a replay runs before the JIT has compiled it, and there every
   * number read from a Float64Array is a new heap number (2.4 MB of them in the walk of the
   * Inductive Miner net's replay of bpic2012), where one read from an array of small integers is
   * not. A count that is not a small integer still reads back exactly.
   */
  private readonly stepCounts: number[] = [];
  private stepCount = 0;
  /** Per state, the end of a trace there: missing, consumed, produced, remaining (4 per state); endKnown[s] once worked out. */
  private readonly endCounts: number[] = [];
  private endKnown = new Uint8Array(0);

  private readonly scratch: Int32Array;
  /** Counts of the trace being replayed. */
  private missing = 0;
  private consumed = 0;
  private produced = 0;
  private notInModel = 0;
  /** Where the replay is: variant, event, and the state there (`walked`). */
  private variant = 0;
  private event = 0;
  private walked = 0;
  private readonly delta: Counts = { missing: 0, consumed: 0, remaining: 0, produced: 0, activitiesNotInModel: 0 };

  constructor(
    private readonly net: CompiledNet,
    activities: readonly string[],
    private readonly maxExpansions: number,
  ) {
    this.candidates = activities.map((a) => net.byLabel.get(a));
    this.activities = Math.max(1, activities.length);
    this.places = net.placeIds.length;
    this.search = new SilentSearch(net);
    this.scratch = new Int32Array(this.places);
    let tokens = 0;
    for (let p = 0; p < this.places; p++) tokens += net.initial[p]!;
    this.initialTokens = tokens;
    this.initialState = this.stateOf(net.initial);
  }

  /**
   * Replays the trace of each first case (`firstCase[v]` for variant v) and writes its counts to
   * `out` (missing, consumed, remaining, produced, activities not in the model: 5 per variant).
   * `walk` goes through everything already worked out; this loop only works out what it meets
   * for the first time, a few hundred times on bpic2012 against 182,000 events walked.
   */
  replayAll(caseOffsets: Uint32Array, activityCodes: Uint32Array, firstCase: Uint32Array, out: number[]): void {
    const variants = firstCase.length;
    this.startVariant(0, caseOffsets, firstCase);
    while (this.variant < variants) {
      this.walk(caseOffsets, activityCodes, firstCase, out);
      if (this.variant >= variants) break;
      const state = this.walked;
      const e = this.event;
      const to = caseOffsets[firstCase[this.variant]! + 1]!;
      if (e === to) {
        this.learnEnd(state);
        continue;
      }
      const key = state * this.activities + activityCodes[e]!;
      let step = key < MAX_STEP_TABLE ? -1 : (this.steps.get(key) ?? -1);
      if (step < 0) step = this.learn(state, activityCodes[e]!, key);
      if (step < 0) {
        // Too many markings to remember: the rest of this trace replays without the cache.
        this.replayUncached(activityCodes.subarray(e + 1, to), out, this.variant * 5);
        this.startVariant(this.variant + 1, caseOffsets, firstCase);
        continue;
      }
      const at = step * 4;
      this.missing += this.stepCounts[at]!;
      this.consumed += this.stepCounts[at + 1]!;
      this.produced += this.stepCounts[at + 2]!;
      this.notInModel += this.stepCounts[at + 3]!;
      this.walked = this.stepNext[step]!;
      this.event = e + 1;
    }
  }

  private startVariant(v: number, caseOffsets: Uint32Array, firstCase: Uint32Array): void {
    this.variant = v;
    this.event = v < firstCase.length ? caseOffsets[firstCase[v]!]! : 0;
    this.walked = this.initialState;
    this.missing = 0;
    this.consumed = 0;
    this.produced = this.initialTokens;
    this.notInModel = 0;
  }

  /**
   * From (variant, event, walked state, sums), follows the steps and trace ends already worked
   * out, writing each finished variant's counts, until one is not (or all variants are done).
   * Small and without calls: it runs once per event, and the JIT compiles it quickly.
   */
  private walk(caseOffsets: Uint32Array, activityCodes: Uint32Array, firstCase: Uint32Array, out: number[]): void {
    const activities = this.activities;
    const stepIndex = this.stepIndex;
    // Lengths read once: before the JIT has compiled this, a typed array's length is a getter call.
    const indexed = stepIndex.length;
    const stepNext = this.stepNext;
    const stepCounts = this.stepCounts;
    const endKnown = this.endKnown;
    const endCounts = this.endCounts;
    const variants = firstCase.length;
    let v = this.variant;
    let e = this.event;
    let state = this.walked;
    let missing = this.missing;
    let consumed = this.consumed;
    let produced = this.produced;
    let notInModel = this.notInModel;
    while (v < variants) {
      const to = caseOffsets[firstCase[v]! + 1]!;
      for (; e < to; e++) {
        const key = state * activities + activityCodes[e]!;
        if (key >= indexed || stepIndex[key] === 0) break;
        const at = (stepIndex[key]! - 1) * 4;
        missing += stepCounts[at]!;
        consumed += stepCounts[at + 1]!;
        produced += stepCounts[at + 2]!;
        notInModel += stepCounts[at + 3]!;
        state = stepNext[stepIndex[key]! - 1]!;
      }
      if (e < to || endKnown[state] === 0) break;
      const at = state * 4;
      const o = v * 5;
      out[o] = missing + endCounts[at]!;
      out[o + 1] = consumed + endCounts[at + 1]!;
      out[o + 2] = endCounts[at + 3]!;
      out[o + 3] = produced + endCounts[at + 2]!;
      out[o + 4] = notInModel;
      v++;
      e = v < variants ? caseOffsets[firstCase[v]!]! : 0;
      state = this.initialState;
      missing = 0;
      consumed = 0;
      produced = this.initialTokens;
      notInModel = 0;
    }
    this.variant = v;
    this.event = e;
    this.walked = state;
    this.missing = missing;
    this.consumed = consumed;
    this.produced = produced;
    this.notInModel = notInModel;
  }

  /** The rest of a trace after `learn` could not intern its marking (left in `scratch`, its event's counts in `delta`). */
  private replayUncached(rest: Uint32Array, out: number[], o: number): void {
    const counts: Counts = {
      missing: this.missing + this.delta.missing,
      consumed: this.consumed + this.delta.consumed,
      remaining: 0,
      produced: this.produced + this.delta.produced,
      activitiesNotInModel: this.notInModel + this.delta.activitiesNotInModel,
    };
    const marking = this.scratch.slice();
    for (let j = 0; j < rest.length; j++) this.replayEvent(marking, rest[j]!, counts);
    this.replayEnd(marking, counts);
    out[o] = counts.missing;
    out[o + 1] = counts.consumed;
    out[o + 2] = counts.remaining;
    out[o + 3] = counts.produced;
    out[o + 4] = counts.activitiesNotInModel;
  }

  /** Works out an event from an interned marking; -1 (with the marking in `scratch`, counts in `delta`) when its result cannot be interned. */
  private learn(state: number, code: number, key: number): number {
    const marking = this.scratch;
    marking.set(this.pool.subarray(state * this.places, (state + 1) * this.places));
    const delta = this.delta;
    delta.missing = 0;
    delta.consumed = 0;
    delta.produced = 0;
    delta.activitiesNotInModel = 0;
    this.replayEvent(marking, code, delta);
    const next = this.stateOf(marking);
    if (next < 0) return -1;
    const step = this.stepCount++;
    if (step === this.stepNext.length) {
      const nextGrown = new Int32Array(Math.max(256, step * 2));
      nextGrown.set(this.stepNext);
      this.stepNext = nextGrown;
    }
    this.stepNext[step] = next;
    this.stepCounts.push(delta.missing, delta.consumed, delta.produced, delta.activitiesNotInModel);
    if (key < MAX_STEP_TABLE) {
      if (key >= this.stepIndex.length) {
        const grown = new Int32Array(Math.min(MAX_STEP_TABLE, Math.max(key + 1, this.stepIndex.length * 2, 1024)));
        grown.set(this.stepIndex);
        this.stepIndex = grown;
      }
      this.stepIndex[key] = step + 1;
    } else this.steps.set(key, step);
    return step;
  }

  private learnEnd(state: number): void {
    const marking = this.scratch;
    marking.set(this.pool.subarray(state * this.places, (state + 1) * this.places));
    const counts: Counts = { missing: 0, consumed: 0, remaining: 0, produced: 0, activitiesNotInModel: 0 };
    this.replayEnd(marking, counts);
    const at = state * 4;
    this.endCounts[at] = counts.missing;
    this.endCounts[at + 1] = counts.consumed;
    this.endCounts[at + 2] = counts.produced;
    this.endCounts[at + 3] = counts.remaining;
    this.endKnown[state] = 1;
  }

  /** The id of a marking, interned on first sight; -1 when it is new and the table is full. */
  private stateOf(marking: Int32Array): number {
    const places = this.places;
    const hash = hashMarking(marking);
    const table = this.table;
    const mask = table.length - 1;
    let slot = hash & mask;
    if (table.length > 0) {
      for (; ; slot = (slot + 1) & mask) {
        const state = table[slot]!;
        if (state < 0) break;
        if (this.hashes[state] !== hash) continue;
        const base = state * places;
        let p = 0;
        while (p < places && this.pool[base + p] === marking[p]) p++;
        if (p === places) return state;
      }
    }
    if (this.states >= MAX_CACHED_MARKINGS) return -1;
    const state = this.states++;
    if (state === this.hashes.length) this.grow();
    this.pool.set(marking, state * places);
    this.hashes[state] = hash;
    if (this.states * 2 > this.table.length) {
      this.table = new Int32Array(Math.max(64, this.table.length * 2)).fill(-1);
      for (let s = 0; s < this.states; s++) this.insert(s);
    } else this.table[slot] = state;
    return state;
  }

  private insert(state: number): void {
    const mask = this.table.length - 1;
    let slot = this.hashes[state]! & mask;
    while (this.table[slot]! >= 0) slot = (slot + 1) & mask;
    this.table[slot] = state;
  }

  private grow(): void {
    const capacity = Math.max(64, this.hashes.length * 2);
    const pool = new Int32Array(capacity * this.places);
    pool.set(this.pool);
    this.pool = pool;
    const hashes = new Int32Array(capacity);
    hashes.set(this.hashes);
    this.hashes = hashes;
    while (this.endCounts.length < capacity * 4) this.endCounts.push(0);
    const known = new Uint8Array(capacity);
    known.set(this.endKnown);
    this.endKnown = known;
  }

  /** One event on `marking`, in place, its token counts added to `counts`. */
  private replayEvent(marking: Int32Array, code: number, counts: Counts): void {
    const transitions = this.candidates[code];
    if (transitions === undefined) {
      counts.activitiesNotInModel++;
      return;
    }
    let chosen = -1;
    for (let i = 0; i < transitions.length && chosen < 0; i++) if (this.enabled(marking, transitions[i]!)) chosen = transitions[i]!;
    if (chosen < 0) {
      let best: readonly number[] | null = null;
      for (let i = 0; i < transitions.length; i++) {
        const t = transitions[i]!;
        const path = this.silentPath(marking, t, { kind: 'enables', transition: t }, this.feeders(t));
        if (path !== null && (best === null || path.length < best.length)) {
          best = path;
          chosen = t;
        }
      }
      if (best !== null) for (let i = 0; i < best.length; i++) this.fire(marking, best[i]!, counts);
    }
    this.fire(marking, chosen >= 0 ? chosen : transitions[0]!, counts);
  }

  /** The end of a trace on `marking`: silent firings towards the final marking, which is then consumed. */
  private replayEnd(marking: Int32Array, counts: Counts): void {
    const final = this.net.final;
    if (!equals(marking, final)) {
      // The final marking, else (when the marking does not cover it already) the first marking met covering it.
      const path = this.silentPath(marking, END, { kind: 'ends', target: final });
      if (path !== null) for (let i = 0; i < path.length; i++) this.fire(marking, path[i]!, counts);
    }
    let remaining = 0;
    for (let p = 0; p < final.length; p++) {
      const need = final[p]!;
      counts.consumed += need;
      if (marking[p]! < need) counts.missing += need - marking[p]!;
      marking[p] = Math.max(0, marking[p]! - need);
      remaining += marking[p]!;
    }
    counts.remaining = remaining;
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
    if (this.producers === undefined) {
      const producers: number[][] = Array.from({ length: this.places }, () => []);
      for (let j = 0; j < net.silent.length; j++) {
        const s = net.silent[j]!;
        const outputs = net.outputs[s]!;
        for (let i = 0; i < outputs.length; i += 2) producers[outputs[i]!]!.push(s);
      }
      this.producers = producers;
    }
    const chosen = new Uint8Array(net.inputs.length);
    const seenPlaces = new Uint8Array(this.places);
    const places: number[] = [];
    const inputs = net.inputs[t]!;
    for (let i = 0; i < inputs.length; i += 2) places.push(inputs[i]!);
    while (places.length > 0) {
      const p = places.pop()!;
      if (seenPlaces[p] === 1) continue;
      seenPlaces[p] = 1;
      const feeding: readonly number[] = this.producers[p]!;
      for (let j = 0; j < feeding.length; j++) {
        const s = feeding[j]!;
        if (chosen[s] === 1) continue;
        chosen[s] = 1;
        const needs = net.inputs[s]!;
        for (let i = 0; i < needs.length; i += 2) places.push(needs[i]!);
      }
    }
    const own = net.silent.filter((s) => chosen[s] === 1);
    // Transitions fed by the same silent ones share one list, so that the searches compile it
    // once (they keep what they build per list by identity): 7 lists for 21 transitions
    // searched for on bpic2012's Inductive Miner net.
    list = own;
    for (let i = 0; i < this.lists.length && list === own; i++) if (sameList(this.lists[i]!, own)) list = this.lists[i]!;
    if (list === own) this.lists.push(own);
    this.feeding.set(t, list);
    return list;
  }

  /** Shortest sequence of silent firings from `start` to a marking where `goal` holds; null when none is found. */
  private silentPath(
    start: Int32Array,
    goalKey: number,
    goal: Parameters<SilentSearch['find']>[2],
    silent: readonly number[] = this.net.silent,
  ): readonly number[] | null {
    if (silent.length === 0) return null;
    let byMarking = this.silentPaths.get(goalKey);
    if (byMarking === undefined) this.silentPaths.set(goalKey, (byMarking = new MarkingTable()));
    const startHash = hashMarking(start);
    const cached = byMarking.get(start, startHash);
    if (cached !== undefined) return cached;
    const found = this.search.find(start, silent, goal, this.maxExpansions);
    byMarking.set(start.slice(), found, startHash);
    return found;
  }
}

/** FNV-1a over the token counts. */
function hashMarking(marking: Int32Array): number {
  let h = 0x811c9dc5 ^ marking.length;
  for (let i = 0, n = marking.length; i < n; i++) h = Math.imul(h ^ marking[i]!, 0x01000193);
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
    for (let i = 0; i < bucket.length; i++) if (equals(bucket[i]!.marking, marking)) return bucket[i]!.value;
    return undefined;
  }

  set(marking: Int32Array, value: V, hash: number): void {
    const bucket = this.#buckets.get(hash);
    if (bucket === undefined) this.#buckets.set(hash, [{ marking, value }]);
    else bucket.push({ marking, value });
  }
}

function sameList(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function equals(a: Int32Array, b: Int32Array): boolean {
  for (let i = 0, n = a.length; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}
