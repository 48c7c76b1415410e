import type { ReportAnomaly } from './report-input.ts';

const COLUMNS = ['caseId', 'rule', 'severity', 'score', 'reason'] as const;

/**
 * Anomalies as CSV (RFC 4180): header line, CRLF line ends, fields quoted when they hold a
 * comma, quote, CR or LF, quotes doubled. No byte-order mark: callers serving it to Excel can
 * prepend one.
 */
export function renderAnomaliesCsv(anomalies: readonly ReportAnomaly[]): string {
  const lines = [COLUMNS.join(',')];
  for (const a of anomalies) {
    lines.push([a.caseId, a.rule, a.severity, formatScore(a.score), a.reason].map(field).join(','));
  }
  return `${lines.join('\r\n')}\r\n`;
}

function formatScore(score: number): string {
  return Number.isFinite(score) ? String(score) : '';
}

function field(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}
