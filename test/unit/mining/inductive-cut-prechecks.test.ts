import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../bench/synthetic-log.ts';
import { concurrencyCut } from '../../../functions/mining/discovery/inductive/cuts/concurrency.ts';
import { cutPrechecks } from '../../../functions/mining/discovery/inductive/cuts/cut-prechecks.ts';
import { exclusiveChoiceCut } from '../../../functions/mining/discovery/inductive/cuts/exclusive-choice.ts';
import { loopCut } from '../../../functions/mining/discovery/inductive/cuts/loop.ts';
import { strictSequenceCut } from '../../../functions/mining/discovery/inductive/cuts/sequence.ts';
import { withoutEachActivity } from '../../../functions/mining/discovery/inductive/dfg-without-activity.ts';
import { dfgOf, type InductiveDfg } from '../../../functions/mining/discovery/inductive/inductive-dfg.ts';
import { VariantLog } from '../../../functions/mining/discovery/inductive/variant-log.ts';

/**
 * The cut pre-checks against the full cut tests they let the Inductive Miner skip, on random
 * DFGs of every density: a pre-check saying no must mean the cut is null, and for the
 * exclusive-choice and sequence cuts a yes must mean a cut (anyCutHolds answers from them).
 */
function randomDfg(random: () => number, k: number, density: number, boundary: number): InductiveDfg {
  const edges = new Float64Array(k * k);
  let edgeCount = 0;
  for (let i = 0; i < k * k; i++) {
    if (random() < density) {
      edges[i] = 1 + Math.floor(random() * 9);
      edgeCount++;
    }
  }
  const start = Float64Array.from({ length: k }, () => (random() < boundary ? 1 + Math.floor(random() * 5) : 0));
  const end = Float64Array.from({ length: k }, () => (random() < boundary ? 1 + Math.floor(random() * 5) : 0));
  return { acts: Array.from({ length: k }, (_, a) => a * 2), edges, start, end, edgeCount };
}

describe('Inductive Miner cut pre-checks', () => {
  it('agree with the full cut tests on random DFGs', () => {
    const random = seededRandom(11);
    let held = { exclusiveChoice: 0, sequence: 0, concurrency: 0, loop: 0 };
    for (let n = 0; n < 6000; n++) {
      const k = [0, 1, 2, 3, 5, 8, 13, 21, 31, 32][n % 10]!;
      const dfg = randomDfg(random, k, [0.02, 0.08, 0.2, 0.5, 0.9][Math.floor(n / 10) % 5]!, [0.1, 0.3, 0.7][n % 3]!);
      const pre = cutPrechecks(dfg);
      const full = {
        exclusiveChoice: exclusiveChoiceCut(dfg) !== null,
        sequence: strictSequenceCut(dfg) !== null,
        concurrency: concurrencyCut(dfg) !== null,
        loop: loopCut(dfg) !== null,
      };
      expect(pre.exclusiveChoice).toBe(full.exclusiveChoice);
      expect(pre.sequence).toBe(full.sequence);
      if (full.concurrency) expect(pre.concurrency).toBe(true);
      if (full.loop) expect(pre.loop).toBe(true);
      held = {
        exclusiveChoice: held.exclusiveChoice + +full.exclusiveChoice,
        sequence: held.sequence + +full.sequence,
        concurrency: held.concurrency + +full.concurrency,
        loop: held.loop + +full.loop,
      };
    }
    // Every cut held on a good share of the DFGs, so both answers were exercised.
    for (const count of Object.values(held)) expect(count).toBeGreaterThan(100);
  });

  it('leave every cut possible above 32 activities', () => {
    const dfg = randomDfg(seededRandom(3), 40, 0.1, 0.3);
    expect(cutPrechecks(dfg)).toEqual({ exclusiveChoice: true, sequence: true, concurrency: true, loop: true });
  });

  it('from the bridge table match those of the DFG without each activity', () => {
    const random = seededRandom(7);
    let checked = 0;
    for (let n = 0; n < 300; n++) {
      const k = 1 + (n % 33);
      const alphabetSize = k + 3;
      const log = new VariantLog(alphabetSize);
      const traces = 1 + Math.floor(random() * 30);
      for (let t = 0; t < traces; t++) {
        const length = Math.floor(random() * 12);
        // Runs of one activity now and then, which the bridges jump over.
        const trace: number[] = [];
        while (trace.length < length) trace.push(random() < 0.2 && trace.length > 0 ? trace[trace.length - 1]! : Math.floor(random() * k) + (n % 3));
        log.add(trace, 1 + Math.floor(random() * 4));
      }
      const dfg = dfgOf(log, alphabetSize);
      const without = withoutEachActivity(log, dfg, alphabetSize);
      for (const removed of dfg.acts) {
        const fromBits = without.possibleCuts(removed);
        if (fromBits === null) continue;
        expect(fromBits).toEqual(cutPrechecks(without.dfg(removed)));
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});

