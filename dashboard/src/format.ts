import type { OperationStatus } from '../../client/types.ts';

export const statuses: readonly OperationStatus[] = ['Initiated', 'Queued', 'Running', 'Completed', 'Failed', 'Cancelled', 'Timeout'];
export const operationTypes = ['ProcessMiningAnalysis', 'DataEnrichment', 'ReportGeneration'] as const;
export const priorities = ['Low', 'Normal', 'High', 'Critical'] as const;

const time = new Intl.DateTimeFormat(undefined, { dateStyle: 'short', timeStyle: 'medium' });
export const when = (iso: string | null | undefined): string => (iso ? time.format(new Date(iso)) : '—');

export function bytes(value: number | null | undefined): string {
  if (value === null || value === undefined) return '—';
  const units = ['B', 'KB', 'MB', 'GB'];
  let v = value;
  let unit = 0;
  while (v >= 1024 && unit < units.length - 1) (v /= 1024), unit++;
  return `${v.toFixed(unit ? 1 : 0)} ${units[unit]}`;
}

export const message = (error: unknown): string => (error instanceof Error ? error.message : String(error));
