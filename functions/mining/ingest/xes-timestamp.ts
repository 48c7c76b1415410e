import { daysFromCivil, parseTimestampBytes } from './timestamp.ts';

const MS_PER_DAY = 86_400_000;

/**
 * {@link parseTimestampBytes} with a fast path for `YYYY-MM-DDThh:mm:ss.sss±hh:mm`, the form
 * OpenXES and ProM write (bpic2012, helpdesk), which the general parser reads through its
 * trimming and its per-field branches. Anything else, or a value the fast path would have to
 * think about (hour 24, an invalid date), goes to the general parser, which decides: the fast
 * path only ever returns what that parser returns, integers summed exactly in any order.
 * bpic2012 read from memory, cold, best of 10: ~10 ms less of ~280 ms CPU.
 */
export class XesTimestampParser {
  // The date part of consecutive events is nearly always the same day: its day count is reused.
  private lastDateKey = -1;
  private lastDateMs = 0;

  /** Epoch ms of `bytes[start, end)`, NaN when not a timestamp. */
  parse(bytes: Uint8Array, start: number, end: number): number {
    if (end - start === 29) {
      const ms = this.offsetForm(bytes, start);
      if (!Number.isNaN(ms)) return ms;
    }
    return parseTimestampBytes(bytes, start, end);
  }

  /** `YYYY-MM-DDThh:mm:ss.sss±hh:mm` at `s`, NaN when the bytes are not exactly that (valid) form. */
  private offsetForm(b: Uint8Array, s: number): number {
    const sign = b[s + 23]!;
    if (
      b[s + 4] !== 0x2d ||
      b[s + 7] !== 0x2d ||
      b[s + 10] !== 0x54 /* T */ ||
      b[s + 13] !== 0x3a ||
      b[s + 16] !== 0x3a ||
      b[s + 19] !== 0x2e ||
      (sign !== 0x2b && sign !== 0x2d) ||
      b[s + 26] !== 0x3a
    ) {
      return NaN;
    }
    const century = twoDigits(b, s);
    const yy = twoDigits(b, s + 2);
    const month = twoDigits(b, s + 5);
    const day = twoDigits(b, s + 8);
    const hour = twoDigits(b, s + 11);
    const minute = twoDigits(b, s + 14);
    const second = twoDigits(b, s + 17);
    const f0 = b[s + 20]! - 48;
    const f1 = b[s + 21]! - 48;
    const f2 = b[s + 22]! - 48;
    const offHours = twoDigits(b, s + 24);
    const offMinutes = twoDigits(b, s + 27);
    // twoDigits gives a negative number for a non-digit: every field is checked by its range.
    if (
      century < 0 ||
      yy < 0 ||
      month < 1 ||
      month > 12 ||
      day < 1 ||
      hour < 0 ||
      hour > 23 ||
      minute < 0 ||
      minute > 59 ||
      second < 0 ||
      second > 59 ||
      (f0 | (9 - f0) | f1 | (9 - f1) | f2 | (9 - f2)) < 0 ||
      offHours < 0 ||
      offHours > 23 ||
      offMinutes < 0 ||
      offMinutes > 59
    ) {
      return NaN;
    }
    const y = century * 100 + yy;
    const key = y * 10_000 + month * 100 + day;
    let dayMs = this.lastDateMs;
    if (key !== this.lastDateKey) {
      if (day > daysInMonth(y, month)) return NaN;
      dayMs = daysFromCivil(y, month, day) * MS_PER_DAY;
      this.lastDateKey = key;
      this.lastDateMs = dayMs;
    }
    const ms = dayMs + (hour * 3_600_000 + minute * 60_000 + second * 1000 + (f0 * 100 + f1 * 10 + f2));
    return ms - (sign === 0x2b ? 1 : -1) * (offHours * 3_600_000 + offMinutes * 60_000);
  }
}

/** The two-digit number at `i`, negative when either byte is not a digit. */
function twoDigits(b: Uint8Array, i: number): number {
  const d0 = b[i]! - 48;
  const d1 = b[i + 1]! - 48;
  return (d0 | (9 - d0) | d1 | (9 - d1)) < 0 ? -1 : d0 * 10 + d1;
}

function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 4 || month === 6 || month === 9 || month === 11 ? 30 : 31;
}
