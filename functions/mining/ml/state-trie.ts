import type { EventLog } from '../log/event-log.ts';
import { IntIndex } from './int-index.ts';

/** The "next activity" of a case's last event. */
export const END_OF_CASE = -1;

/**
 * The transition system as a trie over reversed suffixes: state 0 is the empty state, and the
 * child of state s by activity a is s's suffix with a in front. Integer states instead of a
 * string key per event and level, and one fit for all candidate k: on the synthetic 2M-event
 * log evaluatePredictions went from 0.54 s to 0.23 s.
 */
export interface StateTrie {
  states: number;
  /** (parent * (activities + 1) + activity) → child state; activity `activities.length` marks a whole (short) prefix. */
  children: IntIndex;
  stride: number;
  parent: Uint32Array;
  activity: Uint32Array;
  level: Uint32Array;
  /** Per state: training prefixes that ended in it, most frequent next activity, mean remaining seconds. */
  visits: Uint32Array;
  next: Int32Array;
  mean: Float64Array;
}

/**
 * The states an event's prefix passes through (levels 0..k) depend only on its last k
 * activities (fewer, ending with the start of the case, at the start of a case), and its
 * next-activity tallies on those and the next activity. So each such window, with the next
 * activity, is walked through the trie once and its states and tally slots recorded; a later
 * event with the same window finds them by one integer key instead of k+1 trie look-ups and k+1
 * tally look-ups, and counts them by one increment. The 262,200 events of bpic2012 have 607
 * windows; training on its fitting cases went from ~16 to ~10 ms (CPU, cold, min of 5).
 * Remaining times are summed as before, event by event in case order, since floating-point
 * sums depend on their order.
 */
export class StateTrieBuilder {
  private readonly startOfCase: number;
  private readonly stride: number;
  /** Levels per event: 0..k. */
  private readonly depth: number;
  /** (stride + 1)^k, the number of windows, or 0 when window keys would not be exact integers (then each event is walked, as before). */
  private readonly span: number;
  /**
   * Whether windows are numbered through dense tables (`slots`, `pathOf`) rather than keyed in
   * `windows`: while span * stride is at most 2^22 (up to 44 activities at k 3). The keyed
   * index grows a dense table up to its largest key (1.7 MB on bpic2012), whose pages are
   * touched as it grows and is copied; the slots take 70 KB, the paths by slot 25 entries per
   * window. Training on bpic2012's fitting cases: 11.7-12.0 to 9.5-10.2 ms (CPU, cold, min of
   * 10, three runs).
   */
  private readonly dense: boolean;
  /** Window → its number from 1 in order of appearance (0: not seen yet). */
  private readonly slots: Int32Array;
  private slotCount = 0;
  /** (slot, next) key `slot * stride + next + 1` → path id (0: none yet). */
  private pathOf = new Int32Array(0);
  private readonly children = new IntIndex();
  private readonly parent: number[] = [0];
  private readonly activity: number[] = [0];
  private readonly level: number[] = [0];
  private readonly visits: number[] = [0];
  private readonly remainingSums: number[] = [0];
  // Next-activity tallies per (state, next), in order of first appearance (ties go to the first seen).
  private readonly nextIndex = new IntIndex();
  private readonly nextState: number[] = [];
  private readonly nextCode: number[] = [];
  private readonly nextCount: number[] = [];
  /** Without dense tables, (window, next) key → its path: the states per level (-1 past a whole short prefix) and tally slots, `depth` each from id * depth; id 0 is scratch. */
  private readonly windows = new IntIndex();
  private paths = new Int32Array(0);
  private pairs = new Int32Array(0);
  /** Events on each path since they were last spread into the tallies. */
  private readonly hits: number[] = [0];

  constructor(
    private readonly log: EventLog,
    private readonly k: number,
  ) {
    this.startOfCase = log.activities.length;
    this.stride = log.activities.length + 1;
    this.depth = k + 1;
    const span = (this.stride + 1) ** k;
    this.span = span * (this.stride + 1) <= Number.MAX_SAFE_INTEGER ? span : 0;
    this.dense = this.span > 0 && this.span * this.stride <= 1 << 22;
    this.slots = new Int32Array(this.dense ? this.span : 0);
    this.grow(16);
  }

  add(cases: ArrayLike<number>): void {
    this.tally(cases);
    for (let id = 1; id < this.hits.length; id++) this.spread(id);
  }

  /**
   * The walk over the events, alone in its function: compiled while it ran, with the spreading
   * after it inline, the code lacked that part and was thrown away at its end.
   */
  private tally(cases: ArrayLike<number>): void {
    const { caseOffsets, activityCodes, timestamps } = this.log;
    const { startOfCase, stride, depth, span, dense, slots, windows, hits, remainingSums } = this;
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      const from = caseOffsets[c]!;
      const to = caseOffsets[c + 1]!;
      if (to === from) continue;
      const end = timestamps[to - 1]!;
      // The last k activities as digits a + 1 in base stride + 1, newest lowest, the start of
      // the case as one more digit while the prefix is shorter than k (so lengths differ).
      let window = startOfCase + 1;
      for (let e = from; e < to; e++) {
        window = (window * (stride + 1) + activityCodes[e]! + 1) % span;
        const next = e + 1 < to ? activityCodes[e + 1]! : END_OF_CASE;
        let key: number;
        let id: number | undefined;
        if (dense) {
          const slot = slots[window]! || this.slot(window);
          key = slot * stride + next + 1;
          id = this.pathOf[key]!;
        } else {
          key = window * stride + next + 1;
          id = span > 0 ? windows.get(key) : 0;
        }
        if (id === undefined || id === 0) id = this.walk(e, from, to, span > 0 ? key : -1);
        hits[id]!++;
        if (id === 0) this.spread(0);
        const remaining = (end - timestamps[e]!) / 1000;
        const { paths } = this;
        for (let at = id * depth, l = 0; l < depth; l++, at++) {
          const state = paths[at]!;
          if (state < 0) break;
          remainingSums[state]! += remaining;
        }
      }
    }
  }

  /** Adds the events counted on a path to the visits and next-activity tallies of its states. */
  private spread(id: number): void {
    const { paths, pairs, hits, visits, nextCount, depth } = this;
    const count = hits[id]!;
    if (count === 0) return;
    hits[id] = 0;
    for (let at = id * depth, l = 0; l < depth; l++, at++) {
      const state = paths[at]!;
      if (state < 0) break;
      visits[state]! += count;
      nextCount[pairs[at]!]! += count;
    }
  }

  /** Finds (creating) the states and tally slots of event e of the case [from, to); records them under `key` (or in the scratch path for -1) and returns the path's id. */
  private walk(e: number, from: number, to: number, key: number): number {
    const { activityCodes } = this.log;
    const { startOfCase, stride, children, parent, activity, level, visits, remainingSums, nextIndex, nextState, nextCode, nextCount, k, depth } = this;
    let id = 0;
    if (key >= 0) {
      id = this.hits.length;
      this.hits.push(0);
      if (this.hits.length * depth > this.paths.length) this.grow(this.hits.length * 2);
      if (this.dense) this.pathOf[key] = id;
      else this.windows.set(key, id);
    }
    const { paths, pairs } = this;
    const base = id * depth;
    const next = e + 1 < to ? activityCodes[e + 1]! : END_OF_CASE;
    let state = 0;
    for (let l = 0; l <= k; l++) {
      if (l > 0) {
        // A prefix shorter than l is its own state (the start of a case) at levels l..k.
        const a = e - l + 1 < from ? startOfCase : activityCodes[e - l + 1]!;
        const edge = state * stride + a;
        let child = children.get(edge);
        if (child === undefined) {
          child = parent.length;
          children.set(edge, child);
          parent.push(state);
          activity.push(a);
          level.push(l);
          visits.push(0);
          remainingSums.push(0);
        }
        state = child;
      }
      paths[base + l] = state;
      const pair = state * stride + (next + 1);
      let slot = nextIndex.get(pair);
      if (slot === undefined) {
        slot = nextCount.length;
        nextIndex.set(pair, slot);
        nextState.push(state);
        nextCode.push(next);
        nextCount.push(0);
      }
      pairs[base + l] = slot;
      if (activity[state] === startOfCase && state !== 0) {
        for (let rest = l + 1; rest <= k; rest++) paths[base + rest] = -1;
        break;
      }
    }
    return id;
  }

  /** Numbers a window seen for the first time, making room for its (slot, next) keys. */
  private slot(window: number): number {
    const slot = ++this.slotCount;
    this.slots[window] = slot;
    if ((slot + 1) * this.stride > this.pathOf.length) {
      const grown = new Int32Array(Math.min(Math.max(1024, (slot + 1) * this.stride * 2), (this.span + 1) * this.stride));
      grown.set(this.pathOf);
      this.pathOf = grown;
    }
    return slot;
  }

  private grow(paths: number): void {
    const grownPaths = new Int32Array(paths * this.depth);
    grownPaths.set(this.paths);
    this.paths = grownPaths;
    const grownPairs = new Int32Array(paths * this.depth);
    grownPairs.set(this.pairs);
    this.pairs = grownPairs;
  }

  trie(): StateTrie {
    const { parent, visits, remainingSums, nextState, nextCode, nextCount } = this;
    const states = parent.length;
    const best = new Uint32Array(states);
    const chosen = new Int32Array(states).fill(END_OF_CASE);
    for (let p = 0; p < nextCount.length; p++) {
      const s = nextState[p]!;
      if (nextCount[p]! > best[s]!) {
        best[s] = nextCount[p]!;
        chosen[s] = nextCode[p]!;
      }
    }
    const mean = new Float64Array(states);
    for (let s = 0; s < states; s++) mean[s] = remainingSums[s]! / visits[s]!;
    return {
      // The root exists only once some case was tallied, as the string-keyed levels had it.
      states: visits[0] === 0 ? 0 : states,
      children: this.children,
      stride: this.stride,
      parent: Uint32Array.from(parent),
      activity: Uint32Array.from(this.activity),
      level: Uint32Array.from(this.level),
      visits: Uint32Array.from(visits),
      next: chosen,
      mean,
    };
  }
}
