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
  if (to - from === 24) {
    const ms = parseIsoMillisecondsZ(bytes, from);
    if (!Number.isNaN(ms)) return ms;
  }
  let start = from;
  let end = to;
  while (start < end && isSpace(bytes[start]!)) start++;
  while (end > start && isSpace(bytes[end - 1]!)) end--;
  if (end - start >= 10 && bytes[start + 4] === DASH) return parseIsoBytes(bytes, start, end);
  // Epoch numbers are rare in logs; the string path keeps them exactly as they were.
  return parseTimestamp(Buffer.from(bytes.buffer, bytes.byteOffset + from, to - from).toString('latin1'));
}

/** Digit value of byte `c`, or a value outside 0-9 (callers test with {@link bad}). */
function dig(c: number): number {
  return c - 48;
}

/** Whether `d` (from {@link dig}) is not a digit: negative, or above 9. */
function bad(d: number): boolean {
  return (d | (9 - d)) < 0;
}

// The date part of consecutive events is nearly always the same day: its day count is reused.
// In an array, as a double in a module variable would be a new heap object each time it changed.
let lastDateKey = -1;
const lastDay = new Float64Array(1);

/**
 * The 24 bytes at `s` as `YYYY-MM-DDThh:mm:ss.sssZ`, the form PM4Py, ProM and our own exports
 * write, read without the general parser's branches. NaN when they are not exactly that form
 * (hour 24 included): the general parser decides then. Same arithmetic as parseIsoBytes, so the
 * same value to the bit. None of those bytes can be a CSV delimiter, quote or line end.
 */
export function parseIsoMillisecondsZ(b: Uint8Array, s: number): number {
  return readIsoMillisecondsZ(b, s, scratch) ? scratch[0]! : NaN;
}

const scratch = new Float64Array(1);

/**
 * {@link parseIsoMillisecondsZ} into `out[0]`; false, `out` untouched, when the bytes are not
 * that form. The CSV scanner calls it once per event: a double returned from a function V8 does
 * not inline is a new heap object each time, one written to a Float64Array is not.
 */
export function readIsoMillisecondsZ(b: Uint8Array, s: number, out: Float64Array): boolean {
  if (b[s + 23] !== 90 /* Z */) return false;
  if (b[s + 4] !== DASH || b[s + 7] !== DASH || b[s + 10] !== 84 /* T */ || b[s + 13] !== COLON || b[s + 16] !== COLON || b[s + 19] !== DOT) {
    return false;
  }
  const y0 = b[s]! - 48;
  const y1 = b[s + 1]! - 48;
  const y2 = b[s + 2]! - 48;
  const y3 = b[s + 3]! - 48;
  const m0 = b[s + 5]! - 48;
  const m1 = b[s + 6]! - 48;
  const d0 = b[s + 8]! - 48;
  const d1 = b[s + 9]! - 48;
  const h0 = b[s + 11]! - 48;
  const h1 = b[s + 12]! - 48;
  const n0 = b[s + 14]! - 48;
  const n1 = b[s + 15]! - 48;
  const s0 = b[s + 17]! - 48;
  const s1 = b[s + 18]! - 48;
  const f0 = b[s + 20]! - 48;
  const f1 = b[s + 21]! - 48;
  const f2 = b[s + 22]! - 48;
  // One test of every digit; the day's cache checked here rather than in a call (readDay):
  // bpic2012's cold ingest spent ~3 ms in that call.
  const date = y0 | (9 - y0) | y1 | (9 - y1) | y2 | (9 - y2) | y3 | (9 - y3) | m0 | (9 - m0) | m1 | (9 - m1) | d0 | (9 - d0) | d1 | (9 - d1);
  const time = h0 | (9 - h0) | h1 | (9 - h1) | n0 | (5 - n0) | n1 | (9 - n1) | s0 | (5 - s0) | s1 | (9 - s1) | f0 | (9 - f0) | f1 | (9 - f1) | f2 | (9 - f2);
  if ((date | time) < 0) return false;
  const hour = h0 * 10 + h1;
  if (hour > 23) return false;
  const key = (y0 * 1000 + y1 * 100 + y2 * 10 + y3) * 10_000 + (m0 * 10 + m1) * 100 + (d0 * 10 + d1);
  if (key !== lastDateKey && !cacheDay(key)) return false;
  out[0] = lastDay[0]! + (hour * 3_600_000 + (n0 * 10 + n1) * 60_000 + (s0 * 10 + s1) * 1000 + (f0 * 100 + f1 * 10 + f2));
  return true;
}

/** Epoch ms of the date `YYYY?MM?DD` at `start` (separators unchecked), NaN when not a date. */
function dayMilliseconds(text: Uint8Array, start: number): number {
  return readDay(text, start) ? lastDay[0]! : NaN;
}

/** Whether `YYYY?MM?DD` at `start` (separators unchecked) is a date; its epoch ms are then in `lastDay[0]`. */
function readDay(text: Uint8Array, start: number): boolean {
  const y0 = dig(text[start]!);
  const y1 = dig(text[start + 1]!);
  const y2 = dig(text[start + 2]!);
  const y3 = dig(text[start + 3]!);
  const m0 = dig(text[start + 5]!);
  const m1 = dig(text[start + 6]!);
  const d0 = dig(text[start + 8]!);
  const d1 = dig(text[start + 9]!);
  if ((y0 | (9 - y0) | y1 | (9 - y1) | y2 | (9 - y2) | y3 | (9 - y3) | m0 | (9 - m0) | m1 | (9 - m1) | d0 | (9 - d0) | d1 | (9 - d1)) < 0) {
    return false;
  }
  const key = (y0 * 1000 + y1 * 100 + y2 * 10 + y3) * 10_000 + (m0 * 10 + m1) * 100 + (d0 * 10 + d1);
  return key === lastDateKey || cacheDay(key);
}

/**
 * Days already computed, by `key & DAY_SLOTS - 1` (distinct for any two dates less than a year
 * apart): a log grouped by case goes back in time at each new case, so the last day alone
 * missed often (bpic2012: 39,623 day changes among 262,200 events, 167 distinct days). Its cold
 * CSV ingest, main-thread CPU, min of 12 alternating runs: 91.5 -> 88.7 ms.
 */
const DAY_SLOTS = 4096;
const dayKeys = new Int32Array(DAY_SLOTS).fill(-1);
const dayMs = new Float64Array(DAY_SLOTS);

/** Whether `key` (year * 10,000 + month * 100 + day) is a date; it is then the cached day. */
function cacheDay(key: number): boolean {
  const slot = key & (DAY_SLOTS - 1);
  if (dayKeys[slot] === key) {
    lastDateKey = key;
    lastDay[0] = dayMs[slot]!;
    return true;
  }
  const year = Math.floor(key / 10_000);
  const month = Math.floor(key / 100) % 100;
  const day = key % 100;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return false;
  lastDateKey = key;
  lastDay[0] = daysFromCivil(year, month, day) * MS_PER_DAY;
  dayKeys[slot] = key;
  dayMs[slot] = lastDay[0]!;
  return true;
}

/**
 * ISO 8601 on bytes `[start, end)`, the caller having checked `end - start >= 10` and the dash
 * at `start + 4`. Straight-line reads rather than a bounds-checked helper per digit; with this
 * and the fast path above, bpic2012's 262,200 timestamps parsed in 12 ms cold instead of 28
 * (first pass in a fresh process, best of 5). No byte at or beyond `end` is read (it counts
 * as no digit, as past the end of a string).
 */
function parseIsoBytes(text: Uint8Array, start: number, end: number): number {
  if (text[start + 7] !== DASH) return NaN;
  let ms = dayMilliseconds(text, start);
  if (Number.isNaN(ms)) return NaN;
  let i = start + 10;
  if (i === end) return ms;

  const sep = text[i]!;
  if (sep !== 84 /* T */ && sep !== 116 /* t */ && sep !== 32) return NaN;
  i++;
  if (end - i < 5) return NaN;
  const h0 = dig(text[i]!);
  const h1 = dig(text[i + 1]!);
  const n0 = dig(text[i + 3]!);
  const n1 = dig(text[i + 4]!);
  if (bad(h0) || bad(h1) || bad(n0) || bad(n1) || text[i + 2] !== COLON) return NaN;
  const hour = h0 * 10 + h1;
  const minute = n0 * 10 + n1;
  if (minute > 59) return NaN;
  i += 5;
  let second = 0;
  let fractionMs = 0;
  if (i < end && text[i] === COLON) {
    if (i + 3 > end) return NaN;
    const s0 = dig(text[i + 1]!);
    const s1 = dig(text[i + 2]!);
    if (bad(s0) || bad(s1)) return NaN;
    second = s0 * 10 + s1;
    if (second > 59) return NaN;
    i += 3;
    const f = i < end ? text[i]! : -1;
    if (f === DOT || f === COMMA) {
      i++;
      let value = 0;
      let digits = 0;
      while (i < end) {
        const d = dig(text[i]!);
        if (bad(d)) break;
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
  const z = text[i]!;
  if (z === 90 /* Z */ || z === 122 /* z */) return i + 1 === end ? ms : NaN;
  if (z !== PLUS && z !== DASH) return NaN;
  const sign = z === PLUS ? 1 : -1;
  i++;
  if (i + 2 > end) return NaN;
  const o0 = dig(text[i]!);
  const o1 = dig(text[i + 1]!);
  if (bad(o0) || bad(o1)) return NaN;
  const offHours = o0 * 10 + o1;
  if (offHours > 23) return NaN;
  i += 2;
  let offMinutes = 0;
  if (i < end) {
    if (text[i] === COLON) i++;
    if (i + 2 !== end) return NaN;
    const p0 = dig(text[i]!);
    const p1 = dig(text[i + 1]!);
    if (bad(p0) || bad(p1)) return NaN;
    offMinutes = p0 * 10 + p1;
    if (offMinutes > 59) return NaN;
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
