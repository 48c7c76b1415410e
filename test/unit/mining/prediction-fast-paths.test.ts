import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../bench/synthetic-log.ts';
import { readEventLog } from '../../../functions/mining/ingest/read-event-log.ts';
import type { EventLog } from '../../../functions/mining/log/event-log.ts';
import {
  buildTransitionSystem,
  END_OF_CASE,
  evaluatePredictions,
  predictAfter,
  type PredictionEvaluation,
  type StateAnnotation,
} from '../../../functions/mining/ml/transition-system-prediction.ts';
import { annotated, bytes, type Tally } from './helpers.ts';

/**
 * The transition-system predictor walks each window of last activities once and finds it again
 * by an integer key (a dense table while the keys are small, one walk per event beyond): it must
 * give exactly what the string-keyed system and a prediction per prefix give, in every mode.
 */

/** Random cases over `alphabet` activities, started at random (unsorted) times, with random gaps of fractional seconds. */
async function randomLog(seed: number, cases: number, alphabet: number): Promise<EventLog> {
  const random = seededRandom(seed);
  const rows = ['case,activity,timestamp'];
  // A few frequent shapes, so that windows and variants repeat, and random ones.
  const shapes = Array.from({ length: 5 }, () => Array.from({ length: 2 + Math.floor(random() * 6) }, () => Math.floor(random() * alphabet)));
  for (let c = 0; c < cases; c++) {
    const shape =
      random() < 0.6
        ? shapes[Math.floor(random() * shapes.length)]!
        : Array.from({ length: 1 + Math.floor(random() * 9) }, () => Math.floor(random() * alphabet));
    let t = Date.UTC(2024, 0, 1) + Math.floor(random() * 1e9);
    for (const a of shape) {
      rows.push(`c${c},A${a},${new Date(t).toISOString()}`);
      t += Math.floor(random() * 1e7) + 1;
    }
  }
  return (await readEventLog(bytes(rows.join('\n')), { format: 'csv' })).log;
}

/** The levels of the system as string keys (activity names joined, newest first, "^" for the start of a short prefix). */
function referenceLevels(log: EventLog, cases: readonly number[], k: number): Map<string, StateAnnotation>[] {
  const tallies = Array.from({ length: k + 1 }, () => new Map<string, Tally>());
  for (const c of cases) {
    const from = log.caseOffsets[c]!;
    const to = log.caseOffsets[c + 1]!;
    for (let e = from; e < to; e++) {
      const next = e + 1 < to ? log.activityCodes[e + 1]! : END_OF_CASE;
      const remaining = (log.timestamps[to - 1]! - log.timestamps[e]!) / 1000;
      const parts: string[] = [];
      for (let l = 0; l <= k; l++) {
        if (l > 0) parts.push(e - l + 1 < from ? '^' : log.activities[log.activityCodes[e - l + 1]!]!);
        const key = parts.join('\u0001');
        const tally = tallies[l]!.get(key) ?? { visits: 0, sum: 0, next: new Map<number, number>() };
        tallies[l]!.set(key, tally);
        tally.visits++;
        tally.sum += remaining;
        tally.next.set(next, (tally.next.get(next) ?? 0) + 1);
        if (parts[parts.length - 1] === '^') break;
      }
    }
  }
  const levels = tallies.map(annotated);
  // A whole short prefix is the same state at every longer level.
  levels.forEach((level, l) => {
    for (const [key, annotation] of level)
      if (key.endsWith('^') && key.split('\u0001').length === l) for (let m = l + 1; m <= k; m++) levels[m]!.set(key, annotation);
  });
  return levels;
}

/** The model's levels re-keyed by activity names, short prefixes marked as in the reference. */
function namedLevels(log: EventLog, levels: readonly ReadonlyMap<string, StateAnnotation>[]): Map<string, StateAnnotation>[] {
  const named = levels.map(() => new Map<string, StateAnnotation>());
  // Model keys are one character per activity code, oldest first; a key shorter than its level is a short prefix.
  levels.forEach((level, l) => {
    for (const [key, annotation] of level) {
      const names = [...key].reverse().map((ch) => log.activities[ch.charCodeAt(0)]!);
      if (names.length < l) names.push('^');
      named[l]!.set(names.join('\u0001'), annotation);
    }
  });
  return named;
}

/** evaluatePredictions as plainly as it can be written: a model per candidate, a lookup per prefix. */
function referenceEvaluation(log: EventLog, candidates: number[]): PredictionEvaluation {
  const firstTime = (c: number) => log.timestamps[log.caseOffsets[c]!]!;
  const byStart = Array.from({ length: log.caseIds.length }, (_, c) => c).sort((a, b) => firstTime(a) - firstTime(b) || a - b);
  const split = (ordered: number[]) => [ordered.slice(0, Math.floor(ordered.length * 0.8)), ordered.slice(Math.floor(ordered.length * 0.8))] as const;
  const [train, test] = split(byStart);
  const measure = (cases: readonly number[], fitted: readonly number[], k: number) => {
    const model = buildTransitionSystem(log, fitted, k);
    let correct = 0;
    let error = 0;
    let predictions = 0;
    for (const c of cases) {
      const from = log.caseOffsets[c]!;
      const to = log.caseOffsets[c + 1]!;
      for (let e = from; e < to; e++) {
        const predicted = predictAfter(model, log, c, e);
        const actual = e + 1 < to ? log.activities[log.activityCodes[e + 1]!]! : null;
        if (predicted.next === actual) correct++;
        error += Math.abs(predicted.remainingSeconds - (log.timestamps[to - 1]! - log.timestamps[e]!) / 1000);
        predictions++;
      }
    }
    return { accuracy: correct / predictions, mae: error / predictions, predictions };
  };
  const selection: PredictionEvaluation['selection'] = [];
  let k = candidates[0]!;
  if (candidates.length > 1) {
    const [fit, validation] = split(train);
    let best: { accuracy: number; mae: number } | undefined;
    for (const candidate of candidates) {
      const measured = measure(validation, fit, candidate);
      selection.push({ k: candidate, accuracy: measured.accuracy, meanAbsoluteErrorSeconds: measured.mae });
      if (best === undefined || measured.accuracy > best.accuracy || (measured.accuracy === best.accuracy && measured.mae < best.mae)) {
        best = measured;
        k = candidate;
      }
    }
  }
  const result = measure(test, train, k);
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

describe('transition-system predictor by windows', () => {
  // 6 activities: dense window tables; 150: no dense table for the measurement at k = 3;
  // k = 11 over 30 activities: window keys past exact integers, so one walk per event throughout.
  const cases: { seed: number; alphabet: number; k: number[] }[] = [
    { seed: 1, alphabet: 6, k: [1, 2, 3] },
    { seed: 2, alphabet: 6, k: [2] },
    { seed: 3, alphabet: 150, k: [1, 2, 3] },
    { seed: 4, alphabet: 30, k: [3, 11] },
  ];
  for (const { seed, alphabet, k } of cases) {
    it(`equals the string-keyed system and a lookup per prefix (${alphabet} activities, k ${k.join(', ')})`, async () => {
      const log = await randomLog(seed, 400, alphabet);
      const all = Array.from({ length: log.caseIds.length }, (_, c) => c);
      for (const size of k) {
        expect(namedLevels(log, buildTransitionSystem(log, all, size).levels)).toEqual(referenceLevels(log, all, size));
      }
      const evaluation = evaluatePredictions(log, { k });
      const reference = referenceEvaluation(log, k);
      // Exactly: the floating-point sums must run in the same order.
      expect(JSON.stringify(evaluation)).toBe(JSON.stringify(reference));
    });
  }
});
