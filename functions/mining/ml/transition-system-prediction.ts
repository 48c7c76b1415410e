import type { EventLog } from '../log/event-log.ts';

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
  /** Mean |predicted - actual| remaining time over the same prefixes, seconds. */
  meanAbsoluteErrorSeconds: number;
  trainCases: number;
  testCases: number;
  /** Prefixes of the test cases evaluated: one per event (prefix lengths 1..n of each case). */
  predictionsEvaluated: number;
  k: number;
  /** Validation figures of each candidate k, measured on the training cases only. */
  selection: { k: number; accuracy: number; meanAbsoluteErrorSeconds: number }[];
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

  const byStart = casesByStartTime(log);
  const [train, test] = splitOldest(byStart, trainShare);
  if (train.length === 0 || test.length === 0) return null;

  const selection: PredictionEvaluation['selection'] = [];
  let k = candidates[0]!;
  if (candidates.length > 1) {
    const [fit, validation] = splitOldest(train, trainShare);
    if (fit.length === 0 || validation.length === 0) return null;
    let best: { accuracy: number; mae: number } | undefined;
    for (const candidate of candidates) {
      const measured = measure(log, buildTransitionSystem(log, fit, candidate), validation);
      selection.push({ k: candidate, accuracy: measured.accuracy, meanAbsoluteErrorSeconds: measured.mae });
      if (best === undefined || measured.accuracy > best.accuracy || (measured.accuracy === best.accuracy && measured.mae < best.mae)) {
        best = measured;
        k = candidate;
      }
    }
  }

  const result = measure(log, buildTransitionSystem(log, train, k), test);
  return {
    accuracy: result.accuracy,
    meanAbsoluteErrorSeconds: result.mae,
    trainCases: train.length,
    testCases: test.length,
    predictionsEvaluated: result.predictions,
    k,
    selection,
  };
}

/** Builds the annotated transition system from the given cases (indexes into the log). */
export function buildTransitionSystem(log: EventLog, cases: ArrayLike<number>, k: number): TransitionSystemModel {
  const { caseOffsets, activityCodes, timestamps } = log;
  const tokens = activityTokens(log);
  type Tally = { visits: number; remainingSum: number; nextCounts: Map<number, number> };
  const tallies: Map<string, Tally>[] = Array.from({ length: k + 1 }, () => new Map());
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i]!;
    const from = caseOffsets[c]!;
    const to = caseOffsets[c + 1]!;
    if (to === from) continue;
    const end = timestamps[to - 1]!;
    for (let e = from; e < to; e++) {
      const next = e + 1 < to ? activityCodes[e + 1]! : END_OF_CASE;
      const remaining = (end - timestamps[e]!) / 1000;
      let key = '';
      for (let level = 0; level <= k; level++) {
        // Level j's key is level j-1's with one more activity in front, while the prefix has one.
        if (level > 0 && e - level + 1 >= from) key = tokens[activityCodes[e - level + 1]!]! + key;
        let tally = tallies[level]!.get(key);
        if (tally === undefined) {
          tally = { visits: 0, remainingSum: 0, nextCounts: new Map() };
          tallies[level]!.set(key, tally);
        }
        tally.visits++;
        tally.remainingSum += remaining;
        tally.nextCounts.set(next, (tally.nextCounts.get(next) ?? 0) + 1);
      }
    }
  }
  const levels = tallies.map((level) => {
    const annotated = new Map<string, StateAnnotation>();
    for (const [key, tally] of level) {
      let next = END_OF_CASE;
      let best = 0;
      for (const [activity, count] of tally.nextCounts) {
        if (count > best) {
          best = count;
          next = activity;
        }
      }
      annotated.set(key, { visits: tally.visits, next, meanRemainingSeconds: tally.remainingSum / tally.visits });
    }
    return annotated;
  });
  return { k, activities: log.activities, levels };
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

function measure(log: EventLog, model: TransitionSystemModel, cases: ArrayLike<number>): { accuracy: number; mae: number; predictions: number } {
  const { caseOffsets, activityCodes, timestamps } = log;
  const tokens = activityTokens(log);
  let correct = 0;
  let absoluteError = 0;
  let predictions = 0;
  for (let i = 0; i < cases.length; i++) {
    const c = cases[i]!;
    const from = caseOffsets[c]!;
    const to = caseOffsets[c + 1]!;
    if (to === from) continue;
    const end = timestamps[to - 1]!;
    for (let e = from; e < to; e++) {
      const { state } = lookup(model, log, tokens, from, e);
      const actualNext = e + 1 < to ? activityCodes[e + 1]! : END_OF_CASE;
      if (state.next === actualNext) correct++;
      absoluteError += Math.abs(state.meanRemainingSeconds - (end - timestamps[e]!) / 1000);
      predictions++;
    }
  }
  return { accuracy: predictions > 0 ? correct / predictions : 0, mae: predictions > 0 ? absoluteError / predictions : 0, predictions };
}

/** Case indexes ordered by their first event's timestamp; ties keep case order (stable sort). */
function casesByStartTime(log: EventLog): number[] {
  const { caseOffsets, timestamps } = log;
  const order = Array.from({ length: log.caseIds.length }, (_, c) => c);
  return order.sort((a, b) => timestamps[caseOffsets[a]!]! - timestamps[caseOffsets[b]!]!);
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
