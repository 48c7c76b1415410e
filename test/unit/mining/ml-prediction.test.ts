import { createReadStream } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { readEventLog, type EventLogFormat } from '../../../functions/mining/ingest/read-event-log.ts';
import type { EventLog } from '../../../functions/mining/log/event-log.ts';
import {
  buildTransitionSystem,
  END_OF_CASE,
  evaluatePredictions,
  predictAfter,
} from '../../../functions/mining/ml/transition-system-prediction.ts';
import { DATASETS_DIR, bytes } from './helpers.ts';

/**
 * Ten cases starting 1000 s apart. Oldest 8 (train): 6 x A,B,C (B at +10 s, C at +30 s) and
 * 2 x A,C (C at +20 s). Newest 2 (test): one A,B,C and one A,C. They come first in the file,
 * so a split by file order would differ from the split by start time.
 */
function lines(): string[] {
  const out = ['case,activity,timestamp'];
  const abc = (id: string, t: number) => out.push(`${id},A,${t}`, `${id},B,${t + 10}`, `${id},C,${t + 30}`);
  const ac = (id: string, t: number) => out.push(`${id},A,${t}`, `${id},C,${t + 20}`);
  abc('test-abc', 8000);
  ac('test-ac', 9000);
  for (let i = 0; i < 6; i++) abc(`abc${i}`, i * 1000);
  ac('ac0', 6000);
  ac('ac1', 7000);
  return out;
}

async function csvLog(text: string): Promise<EventLog> {
  return (await readEventLog(bytes(text), { format: 'csv' })).log;
}

describe('annotated transition system', async () => {
  const log = await csvLog(lines().join('\n'));

  it('annotates states with the most frequent next activity and mean remaining time', () => {
    const train = log.caseIds.map((id, c) => (id.startsWith('test') ? -1 : c)).filter((c) => c >= 0);
    const model = buildTransitionSystem(log, train, 1);
    const code = (a: string) => String.fromCharCode(log.activities.indexOf(a));
    expect(model.levels[1]!.get(code('A'))).toEqual({ visits: 8, next: log.activities.indexOf('B'), meanRemainingSeconds: (6 * 30 + 2 * 20) / 8 });
    expect(model.levels[1]!.get(code('B'))).toEqual({ visits: 6, next: log.activities.indexOf('C'), meanRemainingSeconds: 20 });
    expect(model.levels[1]!.get(code('C'))).toEqual({ visits: 8, next: END_OF_CASE, meanRemainingSeconds: 0 });
    expect(model.levels[0]!.get('')!.visits).toBe(22);
  });

  it('evaluates on the newest 20% of cases (hand-computed)', () => {
    // Test prefixes: abc A (next B, predicted B; remaining 30 vs 27.5), B (C, C; 20 vs 20),
    // C (end, end; 0 vs 0); ac A (C, predicted B: wrong; 20 vs 27.5), C (end, end; 0 vs 0).
    expect(evaluatePredictions(log, { k: 1 })).toEqual({
      accuracy: 4 / 5,
      meanAbsoluteErrorSeconds: (2.5 + 7.5) / 5,
      trainCases: 8,
      testCases: 2,
      predictionsEvaluated: 5,
      k: 1,
      selection: [],
    });
  });

  it('chooses k on a validation split of the training cases', () => {
    const result = evaluatePredictions(log)!;
    expect(result.selection.map((s) => s.k)).toEqual([1, 2, 3]);
    expect([1, 2, 3]).toContain(result.k);
    expect(result.trainCases + result.testCases).toBe(10);
  });

  it('backs off to shorter states, then to the whole training set', async () => {
    const withUnknown = await csvLog([...lines(), 'odd,D,50000', 'odd,A,50001'].join('\n'));
    const train = withUnknown.caseIds.map((id, c) => (id.startsWith('test') || id === 'odd' ? -1 : c)).filter((c) => c >= 0);
    const model = buildTransitionSystem(withUnknown, train, 2);
    const odd = withUnknown.caseIds.indexOf('odd');
    const from = withUnknown.caseOffsets[odd]!;
    // D alone: never seen, so the empty state; its most frequent next is C (8 times, seen before END's 8).
    expect(predictAfter(model, withUnknown, odd, from)).toEqual({ next: 'C', remainingSeconds: (6 * 50 + 2 * 20) / 22, stateSize: 0 });
    // D,A: unseen pair, but A is known.
    expect(predictAfter(model, withUnknown, odd, from + 1)).toMatchObject({ next: 'B', stateSize: 1 });
  });

  it('returns null when the log is too small for a holdout', async () => {
    const small = await csvLog(lines().slice(0, 1 + 3 + 2 + 4 * 3).join('\n'));
    expect(small.caseIds).toHaveLength(6);
    expect(evaluatePredictions(small)).toBeNull();
    expect(() => evaluatePredictions(log, { k: 0 })).toThrow(RangeError);
  });
});

describe('prediction on shared datasets', () => {
  const datasets: [string, EventLogFormat, number][] = [
    ['receipt.csv', 'csv', 1434],
    ['helpdesk.xes.gz', 'xes.gz', 4580],
    ['bpic2012.xes.gz', 'xes.gz', 13_087],
  ];
  for (const [file, format, cases] of datasets) {
    it(`${file}: measures accuracy and MAE on the newest 20% of cases`, async () => {
      const { log } = await readEventLog(createReadStream(join(DATASETS_DIR, file)), { format });
      const started = performance.now();
      const result = evaluatePredictions(log)!;
      expect(performance.now() - started).toBeLessThan(2000);
      expect(result.trainCases).toBe(Math.floor(cases * 0.8));
      expect(result.testCases).toBe(cases - Math.floor(cases * 0.8));
      expect(result.predictionsEvaluated).toBeGreaterThan(result.testCases);
      expect(result.accuracy).toBeGreaterThan(0.5);
      expect(result.accuracy).toBeLessThanOrEqual(1);
      expect(result.meanAbsoluteErrorSeconds).toBeGreaterThan(0);
      expect(result.selection).toHaveLength(3);
      // Deterministic: the same split and model every time.
      expect(evaluatePredictions(log)).toEqual(result);
    });
  }
});
