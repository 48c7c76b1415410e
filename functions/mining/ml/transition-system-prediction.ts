import { hasTimestamps, type EventLog } from '../log/event-log.ts';
import { IntIndex } from './int-index.ts';

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

export const END_OF_CASE = -1;

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
  const byStart = timed ? casesByStartTime(log) : Array.from({ length: cases }, (_, c) => c);
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
  for (let s = 0; s < trie.states; s++) {
    // A state's key is its parent's with its activity in front; parents come before children.
    const a = trie.activity[s]!;
    if (s > 0 && a === log.activities.length) {
      // A whole prefix shorter than its level: the same state at every level from there to k.
      const key = keys[trie.parent[s]!]!;
      keys.push(key);
      for (let l = trie.level[s]!; l <= k; l++) levels[l]!.set(key, trie.annotations[s]!);
      continue;
    }
    const key = s === 0 ? '' : tokens[a]! + keys[trie.parent[s]!]!;
    keys.push(key);
    levels[trie.level[s]!]!.set(key, trie.annotations[s]!);
  }
  return { k, activities: log.activities, levels };
}

/**
 * The transition system as a trie over reversed suffixes: state 0 is the empty state, and the
 * child of state s by activity a is s's suffix with a in front. Integer states instead of a
 * string key per event and level, and one fit for all candidate k: on the synthetic 2M-event
 * log evaluatePredictions went from 0.54 s to 0.23 s.
 */
interface StateTrie {
  states: number;
  /** (parent * (activities + 1) + activity) → child state; activity `activities.length` marks a whole (short) prefix. */
  children: IntIndex;
  stride: number;
  parent: Uint32Array;
  activity: Uint32Array;
  level: Uint32Array;
  annotations: StateAnnotation[];
}

function buildStateTrie(log: EventLog, cases: ArrayLike<number>, k: number): StateTrie {
  const builder = new StateTrieBuilder(log, k);
  builder.add(cases);
  return builder.trie();
}

/** Tallies cases into the trie of reversed suffixes; `trie()` annotates what was tallied so far. */
class StateTrieBuilder {
  private readonly startOfCase: number;
  private readonly stride: number;
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

  constructor(
    private readonly log: EventLog,
    private readonly k: number,
  ) {
    this.startOfCase = log.activities.length;
    this.stride = log.activities.length + 1;
  }

  add(cases: ArrayLike<number>): void {
    const { caseOffsets, activityCodes, timestamps } = this.log;
    const { startOfCase, stride, children, parent, activity, level, visits, remainingSums, nextIndex, nextState, nextCode, nextCount, k } = this;
    for (let i = 0; i < cases.length; i++) {
      const c = cases[i]!;
      const from = caseOffsets[c]!;
      const to = caseOffsets[c + 1]!;
      if (to === from) continue;
      const end = timestamps[to - 1]!;
      for (let e = from; e < to; e++) {
        const next = e + 1 < to ? activityCodes[e + 1]! : END_OF_CASE;
        const remaining = (end - timestamps[e]!) / 1000;
        let state = 0;
        for (let l = 0; l <= k; l++) {
          if (l > 0) {
            // A prefix shorter than l is its own state (the start of a case) at levels l..k.
            const short = e - l + 1 < from;
            const a = short ? startOfCase : activityCodes[e - l + 1]!;
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
          visits[state]!++;
          remainingSums[state]! += remaining;
          const pair = state * stride + (next + 1);
          const slot = nextIndex.get(pair);
          if (slot === undefined) {
            nextIndex.set(pair, nextCount.length);
            nextState.push(state);
            nextCode.push(next);
            nextCount.push(1);
          } else nextCount[slot]!++;
          if (activity[state] === startOfCase && state !== 0) break;
        }
      }
    }
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
    const annotations: StateAnnotation[] = [];
    // The root exists only once some case was tallied, as the string-keyed levels had it.
    for (let s = 0; s < states; s++) {
      annotations.push({ visits: visits[s]!, next: chosen[s]!, meanRemainingSeconds: remainingSums[s]! / visits[s]! });
    }
    return {
      states: visits[0] === 0 ? 0 : states,
      children: this.children,
      stride: this.stride,
      parent: Uint32Array.from(parent),
      activity: Uint32Array.from(this.activity),
      level: Uint32Array.from(this.level),
      annotations,
    };
  }
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

function lookup(
  model: TransitionSystemModel,
  log: EventLog,
  tokens: readonly string[],
  from: number,
  e: number,
): { state: StateAnnotation; level: number } {
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

const EMPTY_STATE: StateAnnotation = { visits: 0, next: END_OF_CASE, meanRemainingSeconds: 0 };

interface Measured {
  accuracy: number;
  mae: number;
  predictions: number;
}

/**
 * Next-activity accuracy and remaining-time error of the trie on `cases`, for each state size
 * of `ks`: one walk per prefix up to the largest, each size taking the state it reached (the
 * candidates were measured in a pass each before).
 */
function measure(log: EventLog, trie: StateTrie, ks: readonly number[], cases: ArrayLike<number>): Measured[] {
  const correct = new Float64Array(ks.length);
  const absoluteError = new Float64Array(ks.length);
  // The loop in a function of its own: compiled while it ran, with what follows it inline, the
  // code lacked that part and was thrown away after each call.
  const predictions = tally(log, trie, ks, cases, correct, absoluteError);
  return ks.map((_, j) => ({
    accuracy: predictions > 0 ? correct[j]! / predictions : 0,
    mae: predictions > 0 ? absoluteError[j]! / predictions : 0,
    predictions,
  }));
}

/** Adds up, per state size, the correct next activities and the remaining-time errors; returns the predictions made. */
function tally(log: EventLog, trie: StateTrie, ks: readonly number[], cases: ArrayLike<number>, correct: Float64Array, absoluteError: Float64Array): number {
  const { caseOffsets, activityCodes, timestamps } = log;
  const { children, stride, annotations } = trie;
  const deepest = Math.max(...ks);
  const reached = new Int32Array(deepest + 1);
  let predictions = 0;
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i]!;
    const from = caseOffsets[c]!;
    const to = caseOffsets[c + 1]!;
    if (to === from) continue;
    const end = timestamps[to - 1]!;
    for (let e = from; e < to; e++) {
      // The longest known state: a state is known only if its shorter suffixes are.
      let state = trie.states > 0 ? 0 : -1;
      reached[0] = state;
      let depth = 0;
      for (let l = 1; state >= 0 && l <= deepest && e - l + 1 >= from; l++) {
        const child = children.get(state * stride + activityCodes[e - l + 1]!);
        if (child === undefined) break;
        state = child;
        reached[l] = state;
        depth = l;
      }
      const actualNext = e + 1 < to ? activityCodes[e + 1]! : END_OF_CASE;
      const remaining = (end - timestamps[e]!) / 1000;
      for (let j = 0; j < ks.length; j++) {
        const known = reached[Math.min(ks[j]!, depth)]!;
        const annotation = known >= 0 ? annotations[known]! : EMPTY_STATE;
        if (annotation.next === actualNext) correct[j]!++;
        absoluteError[j]! += Math.abs(annotation.meanRemainingSeconds - remaining);
      }
      predictions++;
    }
  }
  return predictions;
}

/** Case indexes ordered by their first event's timestamp; ties keep case order (stable sort). */
function casesByStartTime(log: EventLog): number[] {
  const { caseOffsets, timestamps } = log;
  const order = Array.from({ length: log.caseIds.length }, (_, c) => c);
  // Logs usually list cases as they started (bpic2012 does): then the order is the case order,
  // and the sort with a comparator (9 ms cold on 13,087 cases) is not needed.
  let sorted = true;
  for (let c = 1; c < order.length && sorted; c++) sorted = timestamps[caseOffsets[c]!]! >= timestamps[caseOffsets[c - 1]!]!;
  return sorted ? order : order.sort((a, b) => timestamps[caseOffsets[a]!]! - timestamps[caseOffsets[b]!]!);
}

function splitOldest(ordered: readonly number[], trainShare: number): [number[], number[]] {
  const cut = Math.floor(ordered.length * trainShare);
  return [ordered.slice(0, cut), ordered.slice(cut)];
}

/**
 * One string per activity code, none a prefix of another, so concatenations are unambiguous
 * state keys: a single UTF-16 unit for codes below 0xffff (every real log), an escape beyond.
 */
function activityTokens(log: EventLog): string[] {
  return log.activities.map((_, code) => (code < 0xffff ? String.fromCharCode(code) : `\uffff${code.toString(36)}\uffff`));
}
