import { describe, expect, it } from 'vitest';
import { compareCodePoints } from '../../../functions/mining/discovery/code-point-order.ts';

/** The plain definition: the strings as code points (lone surrogates as themselves), compared in turn. */
function plainCompare(a: string, b: string): number {
  const x = Array.from(a, (c) => c.codePointAt(0)!);
  const y = Array.from(b, (c) => c.codePointAt(0)!);
  for (let i = 0; i < x.length && i < y.length; i++) if (x[i] !== y[i]) return x[i]! - y[i]!;
  return x.length - y.length;
}

// Units around the places where UTF-16 and code point order part: ASCII, the top of the BMP,
// high and low surrogates (in pairs and alone).
const units = [0x41, 0x42, 0x7a, 0xe000, 0xffff, 0xd800, 0xd83d, 0xdbff, 0xdc00, 0xde00, 0xdfff];

function randomString(random: () => number): string {
  const length = Math.floor(random() * 6);
  let s = '';
  for (let i = 0; i < length; i++) s += String.fromCharCode(units[Math.floor(random() * units.length)]!);
  return s;
}

function seeded(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

describe('compareCodePoints', () => {
  it('orders as Python does where UTF-16 does not: beyond U+FFFF after the top of the BMP', () => {
    expect(compareCodePoints('\u{1F600}', '\uffff')).toBeGreaterThan(0);
    expect('\u{1F600}' < '\uffff').toBe(true);
    expect(['b', 'a\u{1F600}', 'a\uffff', 'a', ''].sort(compareCodePoints)).toEqual(['', 'a', 'a\uffff', 'a\u{1F600}', 'b']);
  });

  it('agrees in sign with the plain comparison of code points on random strings, lone surrogates included', () => {
    const random = seeded(11);
    for (let n = 0; n < 20_000; n++) {
      const a = randomString(random);
      // Half the pairs share a prefix, where the subtle cases are.
      const b = random() < 0.5 ? a.slice(0, Math.floor(random() * (a.length + 1))) + randomString(random) : randomString(random);
      expect(Math.sign(compareCodePoints(a, b)), JSON.stringify([a, b])).toBe(Math.sign(plainCompare(a, b)));
    }
  });
});
