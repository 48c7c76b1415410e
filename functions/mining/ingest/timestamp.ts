/**
 * Timestamp parsing, written by hand: it runs once per event, and `Date.parse` both rejects
 * forms we must accept (9-digit fractions, `+hhmm` offsets) and, on normalized strings,
 * needs a string allocation per call. The byte form the readers use allocates nothing.
 *
 * Accepted:
 * - ISO 8601 / RFC 3339 `YYYY-MM-DD`, optionally followed by `T`, `t` or a space and
 *   `hh:mm[:ss[.fraction]]` (fraction of 1 to 9 digits, `.` or `,`), optionally followed by
 *   `Z`, `z`, `±hh`, `±hh:mm` or `±hhmm`. Without an offset the time is taken as UTC.
 * - Epoch numbers (optional sign and decimals): absolute values of at least 1e11 are
 *   milliseconds, anything smaller is seconds (1e11 s is the year 5138, 1e11 ms is 1973).
 * Surrounding whitespace is ignored. Returns epoch milliseconds, NaN for anything else.
 */
export function parseTimestamp(text: string): number {
  let start = 0;
  let end = text.length;
  while (start < end && isSpace(text.charCodeAt(start))) start++;
  while (end > start && isSpace(text.charCodeAt(end - 1))) end--;
  if (end - start >= 10 && text.charCodeAt(start + 4) === DASH) {
    // One ISO parser, on bytes (the readers' hot path); latin1 is exact because it accepts ASCII only.
    for (let i = start; i < end; i++) if (text.charCodeAt(i) > 0x7f) return NaN;
    return parseIsoBytes(Buffer.from(text.slice(start, end), 'latin1'), 0, end - start);
  }
  return parseEpoch(text, start, end);
}

const DASH = 45;
const PLUS = 43;
const COLON = 58;
const DOT = 46;
const COMMA = 44;
const MS_PER_DAY = 86_400_000;

function isSpace(c: number): boolean {
  return c === 32 || c === 9 || c === 10 || c === 13;
}

function digit(text: string, i: number): number {
  const d = text.charCodeAt(i) - 48;
  // NaN-free sentinel: callers check for < 0 to reject.
  return d >= 0 && d <= 9 ? d : -1;
}

/**
 * {@link parseTimestamp} on the bytes `[start, end)` (read as latin1, which is exact: the parser
 * accepts ASCII only), without making a string: readers call it once per event, and on the
 * synthetic 2M-event CSV the per-event timestamp string was ~80 ms of decoding plus its garbage.
 * Reads stop at `end` (a byte beyond it counts as no digit, as past the end of a string).
 */
export function parseTimestampBytes(bytes: Uint8Array, from: number, to: number): number {
  let start = from;
  let end = to;
  while (start < end && isSpace(bytes[start]!)) start++;
  while (end > start && isSpace(bytes[end - 1]!)) end--;
  if (end - start >= 10 && bytes[start + 4] === DASH) return parseIsoBytes(bytes, start, end);
  // Epoch numbers are rare in logs; the string path keeps them exactly as they were.
  return parseTimestamp(Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('latin1'));
}

/** Byte i, or NaN at or beyond `end` (as charCodeAt past a string's end). */
function at(bytes: Uint8Array, end: number, i: number): number {
  return i < end ? bytes[i]! : NaN;
}

function digitB(bytes: Uint8Array, end: number, i: number): number {
  if (i >= end) return -1;
  const d = bytes[i]! - 48;
  return d >= 0 && d <= 9 ? d : -1;
}

function twoDigitsB(bytes: Uint8Array, end: number, i: number): number {
  const a = digitB(bytes, end, i);
  const b = digitB(bytes, end, i + 1);
  return a < 0 || b < 0 ? -1 : a * 10 + b;
}

// Keep in step with parseIso: the same code on bytes.
function parseIsoBytes(text: Uint8Array, start: number, end: number): number {
  const y0 = twoDigitsB(text, end, start);
  const y1 = twoDigitsB(text, end, start + 2);
  const month = twoDigitsB(text, end, start + 5);
  const day = twoDigitsB(text, end, start + 8);
  if (y0 < 0 || y1 < 0 || month < 1 || month > 12 || day < 1) return NaN;
  if (at(text, end, start + 7) !== DASH) return NaN;
  const year = y0 * 100 + y1;
  if (day > daysInMonth(year, month)) return NaN;

  let ms = daysFromCivil(year, month, day) * MS_PER_DAY;
  let i = start + 10;
  if (i === end) return ms;

  const sep = at(text, end, i);
  if (sep !== 84 /* T */ && sep !== 116 /* t */ && sep !== 32) return NaN;
  i++;
  if (end - i < 5) return NaN;
  const hour = twoDigitsB(text, end, i);
  const minute = twoDigitsB(text, end, i + 3);
  if (hour < 0 || minute < 0 || at(text, end, i + 2) !== COLON || minute > 59) return NaN;
  i += 5;
  let second = 0;
  let fractionMs = 0;
  if (i < end && at(text, end, i) === COLON) {
    second = twoDigitsB(text, end, i + 1);
    if (second < 0 || second > 59) return NaN;
    i += 3;
    const f = at(text, end, i);
    if (i < end && (f === DOT || f === COMMA)) {
      i++;
      let value = 0;
      let digits = 0;
      while (i < end) {
        const d = digitB(text, end, i);
        if (d < 0) break;
        // Digits beyond nanoseconds are below float precision at epoch scale anyway.
        if (digits < 9) {
          value = value * 10 + d;
          digits++;
        }
        i++;
      }
      if (digits === 0) return NaN;
      // Scale by an exact power of ten so that e.g. `.276000` gives exactly 276 ms.
      fractionMs = digits <= 3 ? value * POW10[3 - digits]! : value / POW10[digits - 3]!;
    }
  }
  // ISO 8601 allows 24:00:00 as the end of a day.
  if (hour > 24 || (hour === 24 && (minute !== 0 || second !== 0 || fractionMs !== 0))) return NaN;
  ms += hour * 3_600_000 + minute * 60_000 + second * 1000 + fractionMs;

  if (i === end) return ms;
  const z = at(text, end, i);
  if (z === 90 /* Z */ || z === 122 /* z */) return i + 1 === end ? ms : NaN;
  if (z !== PLUS && z !== DASH) return NaN;
  const sign = z === PLUS ? 1 : -1;
  i++;
  const offHours = twoDigitsB(text, end, i);
  if (offHours < 0 || offHours > 23) return NaN;
  i += 2;
  let offMinutes = 0;
  if (i < end) {
    if (at(text, end, i) === COLON) i++;
    offMinutes = twoDigitsB(text, end, i);
    if (offMinutes < 0 || offMinutes > 59 || i + 2 !== end) return NaN;
  }
  return ms - sign * (offHours * 3_600_000 + offMinutes * 60_000);
}

const POW10 = [1, 10, 100, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9];

function parseEpoch(text: string, start: number, end: number): number {
  if (start === end) return NaN;
  let i = start;
  const c = text.charCodeAt(i);
  if (c === DASH || c === PLUS) i++;
  let digits = 0;
  while (i < end && digit(text, i) >= 0) {
    i++;
    digits++;
  }
  if (i < end && text.charCodeAt(i) === DOT) {
    i++;
    while (i < end && digit(text, i) >= 0) {
      i++;
      digits++;
    }
  }
  if (i !== end || digits === 0) return NaN;
  const value = Number(text.slice(start, end));
  if (!Number.isFinite(value)) return NaN;
  return Math.abs(value) >= 1e11 ? value : value * 1000;
}

function isLeapYear(year: number): boolean {
  return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return isLeapYear(year) ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's `days_from_civil`). */
export function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yoe = y - era * 400;
  const doy = Math.floor((153 * (month > 2 ? month - 3 : month + 9) + 2) / 5) + day - 1;
  const doe = yoe * 365 + Math.floor(yoe / 4) - Math.floor(yoe / 100) + doy;
  return era * 146_097 + doe - 719_468;
}
