import { describe, expect, it } from 'vitest';
import { asciiText } from '../../../functions/mining/ingest/ascii-text.ts';

describe('ASCII text of a byte range', () => {
  it("equals Buffer#toString('latin1') for every length, at any offset", () => {
    let seed = 12345;
    const random = () => ((seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) >>> 16) / 65536;
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = Math.floor(random() * 128);
    for (let trial = 0; trial < 2000; trial++) {
      const length = Math.floor(random() * 14);
      const start = Math.floor(random() * (bytes.length - length));
      expect(asciiText(bytes, start, start + length)).toBe(bytes.toString('latin1', start, start + length));
    }
  });
});
