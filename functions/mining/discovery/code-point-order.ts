/**
 * Python's string order (by Unicode code point). PM4Py sorts activity names this way, and
 * JavaScript's `<` (UTF-16 code units) disagrees with it on characters beyond U+FFFF.
 *
 * Compared where the strings first differ, without splitting them into code points (two arrays
 * per comparison, which discovery's sorts of activity names made thousands of times, cold).
 * Up to that unit the code points agree; there, the code points starting at it decide, unless
 * it is the low half of a pair whose high half both share, where the pairs decide. Lone
 * surrogates count as their own value, as spreading the string into code points counts them.
 */
export function compareCodePoints(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  if (i === n) return a.length - b.length;
  if (i > 0 && isHigh(a.charCodeAt(i - 1)) && (isLow(a.charCodeAt(i)) || isLow(b.charCodeAt(i)))) i--;
  return a.codePointAt(i)! - b.codePointAt(i)!;
}

const isHigh = (unit: number): boolean => unit >= 0xd800 && unit <= 0xdbff;
const isLow = (unit: number): boolean => unit >= 0xdc00 && unit <= 0xdfff;
