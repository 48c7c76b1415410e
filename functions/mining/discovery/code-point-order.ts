/**
 * Python's string order (by Unicode code point). PM4Py sorts activity names this way, and
 * JavaScript's `<` (UTF-16 code units) disagrees with it on characters beyond U+FFFF.
 */
export function compareCodePoints(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < x.length && i < y.length; i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}
