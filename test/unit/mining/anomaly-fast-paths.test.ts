import { describe, expect, it } from 'vitest';
import { seededRandom } from '../../../bench/synthetic-log.ts';
import { middleDistance, outlierBounds } from '../../../functions/mining/ml/anomalies.ts';

/**
 * The cycle-time outlier rule takes the MAD by merging the two runs of distances from the
 * median (anomalies.ts, middleDistance) instead of sorting them, and judges a case by comparing
 * its duration with the outermost non-outliers (outlierBounds) instead of its z: both must
 * give what the plain computations give, to the bit.
 */

function median(sorted: Float64Array): number {
  const n = sorted.length;
  return n % 2 ? sorted[(n - 1) / 2]! : (sorted[n / 2 - 1]! + sorted[n / 2]!) / 2;
}

/** The MAD as it was computed: every distance, sorted, and its median. */
function plainMad(sorted: Float64Array, m: number): number {
  return median(Float64Array.from(sorted, (x) => Math.abs(x - m)).sort());
}

/** Ascending log durations: a few clusters, ties, zeros, and far values on both sides. */
function randomSorted(random: () => number, n: number): Float64Array {
  const centres = Array.from({ length: 1 + Math.floor(random() * 3) }, () => random() * 12);
  const pool = Array.from({ length: 1 + Math.floor(random() * n) }, () => {
    const r = random();
    if (r < 0.05) return 0;
    if (r < 0.1) return random() * 20;
    return centres[Math.floor(random() * centres.length)]! + (random() - 0.5) * random();
  });
  return Float64Array.from({ length: n }, () => pool[Math.floor(random() * pool.length)]!).sort();
}

describe('median absolute deviation of ascending values', () => {
  it('equals the median of the sorted distances, bit for bit', () => {
    const random = seededRandom(11);
    for (let round = 0; round < 3000; round++) {
      const n = 1 + Math.floor(random() * (round % 10 === 0 ? 400 : 12));
      // Log durations (as the rule sees them), with ties and runs of equal values, and zeros.
      const distinct = 1 + Math.floor(random() * n);
      const pool = Array.from({ length: distinct }, () => (random() < 0.1 ? 0 : Math.log1p(random() * 10 ** (1 + Math.floor(random() * 7)))));
      const sorted = Float64Array.from({ length: n }, () => pool[Math.floor(random() * distinct)]!).sort();
      const m = median(sorted);
      expect(Object.is(middleDistance(sorted, m), plainMad(sorted, m))).toBe(true);
    }
  });
});

describe('outliers of ascending values', () => {
  it('are the values up to low and from high on: those whose |modified z| exceeds 3.5', () => {
    const random = seededRandom(12);
    let outliers = 0;
    let misjudged = 0;
    for (let round = 0; round < 2000; round++) {
      const sorted = randomSorted(random, 3 + Math.floor(random() * (round % 10 === 0 ? 400 : 40)));
      const m = median(sorted);
      const mad = plainMad(sorted, m);
      if (mad === 0) continue;
      const { low, high } = outlierBounds(sorted, { median: m, mad });
      for (const x of sorted) {
        const plain = Math.abs((0.6745 * (x - m)) / mad) > 3.5;
        if (plain) outliers++;
        if (x <= low || x >= high ? !plain : plain) misjudged++;
      }
    }
    expect(misjudged).toBe(0);
    expect(outliers).toBeGreaterThan(100);
  });
});
