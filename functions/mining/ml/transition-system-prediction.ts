import { hasTimestamps, type EventLog } from '../log/event-log.ts';
import type { IntIndex } from './int-index.ts';
import { END_OF_CASE, StateTrieBuilder, type StateTrie } from './state-trie.ts';

export { END_OF_CASE } from './state-trie.ts';

/**
 * Next-activity and remaining-time prediction with an annotated transition system
 * (van der Aalst, Schonenberg & Song, "Time prediction based on process mining", 2011).
 *
 * A state is the last k activities of a case prefix (the whole prefix while it is shorter
 * than k, so the start of a case is its own state). Each state is annotated from the training
 * cases with the most frequent next activity (or the end of the case) and the mean remaining
 * time, from the prefix's last event to the case's last event. A state never seen in training
 * backs off to its last k-1, ..., 1 activities, then to the empty state (the whole training
 * set), so every prefix gets a prediction.
 */
export interface TransitionSystemModel {
  k: number;
  activities: readonly string[];
  /** levels[j]: states of j activities (level 0 has the one empty state). */
  levels: readonly ReadonlyMap<string, StateAnnotation>[];
}

export interface StateAnnotation {
  /** Training prefixes that ended in this state. */
  visits: number;
  /** Activity code of the most frequent next activity, {@link END_OF_CASE} when the case most often ends here; first seen wins ties. */
  next: number;
  meanRemainingSeconds: number;
}

export interface PredictionOptions {
  /**
   * Candidate state sizes; default [1, 2, 3]. With several, the one with the best next-activity
   * accuracy on a validation split of the training cases (their newest 20%) is kept, ties by
   * lower remaining-time error, then smaller k; the model is then refit on all training cases.
   */
  k?: number | readonly number[];
  /** Share of cases, oldest first by their first event, used for training; default 0.8. */
  trainShare?: number;
  /** Fewer cases than this give null; default 10, so that the validation split has cases too. */
  minCases?: number;
}

export interface PredictionEvaluation {
  /** Correct next-activity predictions (end of case included) / predictionsEvaluated. */
  accuracy: number;
  /** Mean |predicted - actual| remaining time over the same prefixes, seconds; null for a log without timestamps. */
  meanAbsoluteErrorSeconds: number | null;
  trainCases: number;
  testCases: number;
  /** Prefixes of the test cases evaluated: one per event (prefix lengths 1..n of each case). */
  predictionsEvaluated: number;
  k: number;
  /** Validation figures of each candidate k, measured on the training cases only. */
  selection: { k: number; accuracy: number; meanAbsoluteErrorSeconds: number | null }[];
}

/**
 * Splits cases by time (the oldest `trainShare` by first event timestamp train, the newest
 * test; ties by case order), so the evaluation predicts later cases from earlier ones as in
 * use. Returns null when the log has fewer than `minCases` cases.
 */
export function evaluatePredictions(log: EventLog, options: PredictionOptions = {}): PredictionEvaluation | null {
  const candidates = options.k === undefined ? [1, 2, 3] : typeof options.k === 'number' ? [options.k] : [...options.k];
  for (const k of candidates) if (!Number.isInteger(k) || k < 1) throw new RangeError(`k must be a positive integer, got ${k}`);
  if (candidates.length === 0) throw new RangeError('k needs at least one candidate');
  const trainShare = options.trainShare ?? 0.8;
  const cases = log.caseIds.length;
  if (cases < (options.minCases ?? 10)) return null;

  // Without timestamps there is no remaining time to predict, and cases keep file order.
  const timed = hasTimestamps(log);
  const byStart = casesByStartTime(log, timed);
  const [train, test] = splitOldest(byStart, trainShare);
  if (train.length === 0 || test.length === 0) return null;

  const selection: PredictionEvaluation['selection'] = [];
  let k = candidates[0]!;
  // A state's annotation does not depend on k (level j is tallied alike for every k >= j), so
  // one system of the largest k serves every candidate, each looking up to its own k. And the
  // training cases are the fitting ones followed by the validation ones, so the system fitted
  // on the first is extended with the second rather than built again. With one measuring pass
  // for all candidates, evaluatePredictions on bpic2012 went from 37 to 27 ms (CPU, cold).
  const builder = new StateTrieBuilder(log, Math.max(...candidates));
  if (candidates.length > 1) {
    const [fit, validation] = splitOldest(train, trainShare);
    if (fit.length === 0 || validation.length === 0) return null;
    let best: { accuracy: number; mae: number } | undefined;
    builder.add(fit);
    const measures = measure(log, builder.trie(), candidates, validation);
    for (const [i, candidate] of candidates.entries()) {
      const measured = measures[i]!;
      selection.push({ k: candidate, accuracy: measured.accuracy, meanAbsoluteErrorSeconds: timed ? measured.mae : null });
      if (best === undefined || measured.accuracy > best.accuracy || (measured.accuracy === best.accuracy && measured.mae < best.mae)) {
        best = measured;
        k = candidate;
      }
    }
    builder.add(validation);
  } else builder.add(train);

  const [result] = measure(log, builder.trie(), [k], test) as [Measured];
  return {
    accuracy: result.accuracy,
    meanAbsoluteErrorSeconds: timed ? result.mae : null,
    trainCases: train.length,
    testCases: test.length,
    predictionsEvaluated: result.predictions,
    k,
    selection,
  };
}

/** Builds the annotated transition system from the given cases (indexes into the log). */
export function buildTransitionSystem(log: EventLog, cases: ArrayLike<number>, k: number): TransitionSystemModel {
  const trie = buildStateTrie(log, cases, k);
  const tokens = activityTokens(log);
  const keys: string[] = [];
  const levels = Array.from({ length: k + 1 }, () => new Map<string, StateAnnotation>());
  const annotations = Array.from(
    { length: trie.states },
    (_, s): StateAnnotation => ({ visits: trie.visits[s]!, next: trie.next[s]!, meanRemainingSeconds: trie.mean[s]! }),
  );
  for (let s = 0; s < trie.states; s++) {
    // A state's key is its parent's with its activity in front; parents come before children.
    const a = trie.activity[s]!;
    if (s > 0 && a === log.activities.length) {
      // A whole prefix shorter than its level: the same state at every level from there to k.
      const key = keys[trie.parent[s]!]!;
      keys.push(key);
      for (let l = trie.level[s]!; l <= k; l++) levels[l]!.set(key, annotations[s]!);
      continue;
    }
    const key = s === 0 ? '' : tokens[a]! + keys[trie.parent[s]!]!;
    keys.push(key);
    levels[trie.level[s]!]!.set(key, annotations[s]!);
  }
  return { k, activities: log.activities, levels };
}

function buildStateTrie(log: EventLog, cases: ArrayLike<number>, k: number): StateTrie {
  const builder = new StateTrieBuilder(log, k);
  builder.add(cases);
  return builder.trie();
}

/**
 * Prediction after the prefix `[caseOffsets[c], e]` of case c: the annotation of the longest
 * known state. `next` is an activity name, or null for the end of the case.
 */
export function predictAfter(
  model: TransitionSystemModel,
  log: EventLog,
  c: number,
  e: number,
): { next: string | null; remainingSeconds: number; stateSize: number } {
  const annotation = lookup(model, log, activityTokens(log), log.caseOffsets[c]!, e);
  return {
    next: annotation.state.next === END_OF_CASE ? null : log.activities[annotation.state.next]!,
    remainingSeconds: annotation.state.meanRemainingSeconds,
    stateSize: annotation.level,
  };
}

function lookup(model: TransitionSystemModel, log: EventLog, tokens: readonly string[], from: number, e: number): { state: StateAnnotation; level: number } {
  const keys: string[] = [''];
  let key = '';
  for (let level = 1; level <= model.k && e - level + 1 >= from; level++) {
    key = tokens[log.activityCodes[e - level + 1]!]! + key;
    keys.push(key);
  }
  for (let level = keys.length - 1; level >= 0; level--) {
    const state = model.levels[level]!.get(keys[level]!);
    if (state !== undefined) return { state, level };
  }
  // Only reachable with a model built from no cases.
  return { state: { visits: 0, next: END_OF_CASE, meanRemainingSeconds: 0 }, level: 0 };
}

/** Largest dense table of windows: 4 MB. */
const MAX_WINDOWS = 1 << 20;

interface Measured {
  accuracy: number;
  mae: number;
  predictions: number;
}

/**
 * Next-activity accuracy and remaining-time error of the trie on `cases`, for each state size
 * of `ks`: one walk per prefix up to the largest, each size taking the state it reached (the
 * candidates were measured in a pass each before). The deepest state a prefix reaches depends
 * only on its last activities (up to the largest size), so it is walked to once per such window
 * and found again by one integer key; the state of each smaller size is its ancestor.
 */
function measure(log: EventLog, trie: StateTrie, ks: readonly number[], cases: ArrayLike<number>): Measured[] {
  // Whole counts: a Float64Array element is a heap number at every interpreted increment.
  const correct = new Uint32Array(ks.length);
  const absoluteError = new Float64Array(ks.length);
  const deepest = Math.max(...ks);
  // Per deepest state (row 0: none) and size: the prediction of its ancestor of that size (a
  // state no deeper than the size is its own), so that each prefix reads one entry per size
  // rather than a state and then its annotations (validation on bpic2012: 5.9-6.1 to 5.3-5.4 ms,
  // CPU, cold, min of 10, two runs).
  const width = ks.length;
  const sizedNext = new Int32Array((trie.states + 1) * width).fill(END_OF_CASE);
  const sizedMean = new Float64Array((trie.states + 1) * width);
  for (let s = 0; s < trie.states; s++) {
    for (let j = 0; j < width; j++) {
      let ancestor = s;
      while (trie.level[ancestor]! > ks[j]!) ancestor = trie.parent[ancestor]!;
      sizedNext[(s + 1) * width + j] = trie.next[ancestor]!;
      sizedMean[(s + 1) * width + j] = trie.mean[ancestor]!;
    }
  }
  // Window key (digits a + 1 in base stride, so windows of each length differ) → deepest state + 2
  // (0: not looked up yet, 1: no state, in a trie without cases),
  // for alphabets small enough for a dense table (up to 100 activities at k <= 3); else a walk per prefix.
  const keys = trie.stride ** deepest;
  const windows = new Int32Array(keys <= MAX_WINDOWS ? keys : 0);
  // The loop in a function of its own: compiled while it ran, with what follows it inline, the
  // code lacked that part and was thrown away after each call. The trie's typed arrays go in as
  // arguments: read from the trie object, their field types (generalised when the second trie
  // is made) threw the compiled loop away.
  const predictions = tally(
    log,
    trie.children,
    trie.stride,
    trie.states > 0,
    deepest,
    windows,
    sizedNext,
    sizedMean,
    width,
    cases,
    correct,
    absoluteError,
  );
  return ks.map((_, j) => ({
    accuracy: predictions > 0 ? correct[j]! / predictions : 0,
    mae: predictions > 0 ? absoluteError[j]! / predictions : 0,
    predictions,
  }));
}

/** Adds up, per state size, the correct next activities and the remaining-time errors; returns the predictions made. */
function tally(
  log: EventLog,
  children: IntIndex,
  stride: number,
  rooted: boolean,
  deepest: number,
  windows: Int32Array,
  sizedNext: Int32Array,
  sizedMean: Float64Array,
  width: number,
  cases: ArrayLike<number>,
  correct: Uint32Array,
  absoluteError: Float64Array,
): number {
  const { caseOffsets, activityCodes, timestamps } = log;
  const span = windows.length;
  const keyed = span > 0;
  let predictions = 0;
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i]!;
    const from = caseOffsets[c]!;
    const to = caseOffsets[c + 1]!;
    if (to === from) continue;
    const end = timestamps[to - 1]!;
    // The last activities (up to the largest size) as digits a + 1 in base stride, newest lowest.
    let key = 0;
    for (let e = from; e < to; e++) {
      key = (key * stride + activityCodes[e]! + 1) % span;
      let deep = keyed ? windows[key]! : 0;
      if (deep === 0) {
        deep = (rooted ? deepestState(children, stride, activityCodes, from, e, deepest) : -1) + 2;
        if (keyed) windows[key] = deep;
      }
      const actualNext = e + 1 < to ? activityCodes[e + 1]! : END_OF_CASE;
      const remaining = (end - timestamps[e]!) / 1000;
      for (let j = 0, at = (deep - 1) * width; j < width; j++, at++) {
        if (sizedNext[at] === actualNext) correct[j]!++;
        // Math.abs without its call (and its boxed result while interpreted); -0 adds as +0 to
        // a sum that starts at +0, and NaN stays NaN.
        const error = sizedMean[at]! - remaining;
        absoluteError[j]! += error < 0 ? -error : error;
      }
      predictions++;
    }
  }
  return predictions;
}

/** The longest known state of the prefix [from, e] up to `deepest` activities: a state is known only if its shorter suffixes are. */
function deepestState(children: IntIndex, stride: number, activityCodes: Uint32Array, from: number, e: number, deepest: number): number {
  let state = 0;
  for (let l = 1; l <= deepest && e - l + 1 >= from; l++) {
    const child = children.get(state * stride + activityCodes[e - l + 1]!);
    if (child === undefined) break;
    state = child;
  }
  return state;
}

/** Case indexes ordered by their first event's timestamp (file order without timestamps); ties keep case order (stable sort). */
function casesByStartTime(log: EventLog, timed: boolean): Uint32Array {
  const { caseOffsets, timestamps } = log;
  const cases = log.caseIds.length;
  const order = new Uint32Array(cases);
  // Logs usually list cases as they started (bpic2012 does): then the order is the case order,
  // and the sort with a comparator (9 ms cold on 13,087 cases) is not needed. One typed loop
  // for both: the array of numbers by Array.from and a closure cost 2 ms cold.
  // Each start read once (two reads per case were two boxed doubles while interpreted); a
  // NaN start, compared first with -Infinity, unsorts as it did compared with the next.
  let sorted = true;
  let previous = Number.NEGATIVE_INFINITY;
  for (let c = 0; c < cases; c++) {
    order[c] = c;
    if (!timed) continue;
    const start = timestamps[caseOffsets[c]!]!;
    if (!(start >= previous)) sorted = false;
    previous = start;
  }
  return sorted ? order : Uint32Array.from(Array.from(order).sort((a, b) => timestamps[caseOffsets[a]!]! - timestamps[caseOffsets[b]!]!));
}

function splitOldest(ordered: Uint32Array, trainShare: number): [Uint32Array, Uint32Array] {
  const cut = Math.floor(ordered.length * trainShare);
  return [ordered.subarray(0, cut), ordered.subarray(cut)];
}

/**
 * One string per activity code, none a prefix of another, so concatenations are unambiguous
 * state keys: a single UTF-16 unit for codes below 0xffff (every real log), an escape beyond.
 */
function activityTokens(log: EventLog): string[] {
  return log.activities.map((_, code) => (code < 0xffff ? String.fromCharCode(code) : `\uffff${code.toString(36)}\uffff`));
}
