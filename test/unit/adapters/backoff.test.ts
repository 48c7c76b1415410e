import { describe, expect, it } from 'vitest';
import { fullJitterMs } from '../../../functions/adapters/backoff.ts';

describe('full-jitter backoff', () => {
  it('waits up to base × 2^(attempt-1), capped, and never less than nothing', () => {
    expect([1, 2, 3, 4].map((attempt) => fullJitterMs(attempt, { random: () => 0.999999 }))).toEqual([1, 2, 3, 4].map((a) => 10 * 2 ** (a - 1) * 0.999999));
    expect(fullJitterMs(20, { random: () => 0.5 })).toBe(250);
    expect(fullJitterMs(3, { random: () => 0 })).toBe(0);
  });

  it('spreads writers that collided: 1,000 draws for the fourth try cover the window', () => {
    const waits = Array.from({ length: 1000 }, () => fullJitterMs(4));
    expect(Math.min(...waits)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...waits)).toBeLessThan(80);
    expect(new Set(waits.map((w) => Math.floor(w / 10))).size).toBe(8);
  });
});
