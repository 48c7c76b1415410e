// Number and duration formatting shared by the renderers. Fixed 'en-US' grouping so that a
// report reads the same whatever the Lambda's locale is.

const countFormat = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });

export function formatCount(value: number): string {
  return countFormat.format(value);
}

/** Share as a percentage with one decimal, e.g. 0.1234 -> "12.3%". */
export function formatPercent(share: number): string {
  return `${(share * 100).toFixed(1)}%`;
}

/** Milliseconds in the largest unit that keeps the figure readable, e.g. "45 s", "12.5 min", "3.2 h", "2.1 d". */
export function formatDurationMs(ms: number): string {
  if (!Number.isFinite(ms)) return 'n/a';
  const sign = ms < 0 ? '-' : '';
  const abs = Math.abs(ms);
  const units: Array<[number, string]> = [
    [86_400_000, 'd'],
    [3_600_000, 'h'],
    [60_000, 'min'],
    [1_000, 's'],
  ];
  for (const [size, unit] of units) {
    if (abs >= size) return `${sign}${trim(abs / size)} ${unit}`;
  }
  return `${sign}${trim(abs)} ms`;
}

export function formatDurationSeconds(seconds: number): string {
  return formatDurationMs(seconds * 1000);
}

function trim(value: number): string {
  return value >= 100 ? value.toFixed(0) : value >= 10 ? value.toFixed(1).replace(/\.0$/, '') : value.toFixed(2).replace(/\.?0+$/, '');
}

const priorityRank: Record<string, number> = { critical: 0, high: 1, medium: 2, low: 3 };

/** Sort key of a recommendation priority: Critical/High first, unknown values last. */
export function priorityOrder(priority: string): number {
  return priorityRank[priority.trim().toLowerCase()] ?? 4;
}

/** Characters drawn two columns wide (CJK ideographs, kana, hangul, full-width forms). */
export function isWideChar(codePoint: number): boolean {
  return (
    (codePoint >= 0x1100 && codePoint <= 0x115f) ||
    (codePoint >= 0x2e80 && codePoint <= 0xa4cf) ||
    (codePoint >= 0xac00 && codePoint <= 0xd7a3) ||
    (codePoint >= 0xf900 && codePoint <= 0xfaff) ||
    (codePoint >= 0xfe30 && codePoint <= 0xfe4f) ||
    (codePoint >= 0xff00 && codePoint <= 0xff60) ||
    (codePoint >= 0xffe0 && codePoint <= 0xffe6) ||
    codePoint >= 0x20000
  );
}

/** True when the text needs a CJK font (used to tag PowerPoint runs as Japanese). */
export function hasWideChars(text: string): boolean {
  for (const ch of text) if (isWideChar(ch.codePointAt(0)!)) return true;
  return false;
}

/** Shown for a time figure the log cannot give (no timestamps, or no cases). */
export const NOT_AVAILABLE = 'n/a';
export const DURATIONS_NOT_AVAILABLE = 'Not available: the log has no timestamps (events were read in file order) or no cases.';
