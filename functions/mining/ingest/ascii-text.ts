/**
 * The text of the ASCII bytes `bytes[start, end)`, as `Buffer#toString('latin1', start, end)`
 * gives it. Values of up to 8 bytes (bpic2012's 13,087 case ids, each coded once) are built by
 * String.fromCharCode: toString's JavaScript wrappers (encoding lookup, range checks) cost more
 * than the copy; 13,087 6-byte values, cold: ~3.9 ms through toString, ~1.0 ms this way.
 */
export function asciiText(bytes: Buffer, start: number, end: number): string {
  const b = bytes;
  const s = start;
  switch (end - start) {
    case 0:
      return '';
    case 1:
      return String.fromCharCode(b[s]!);
    case 2:
      return String.fromCharCode(b[s]!, b[s + 1]!);
    case 3:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!);
    case 4:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!);
    case 5:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!);
    case 6:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!);
    case 7:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!);
    case 8:
      return String.fromCharCode(b[s]!, b[s + 1]!, b[s + 2]!, b[s + 3]!, b[s + 4]!, b[s + 5]!, b[s + 6]!, b[s + 7]!);
    default:
      return bytes.toString('latin1', start, end);
  }
}
