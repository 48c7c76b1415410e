import type { OperationRecord } from './records.ts';

export interface Progress {
  percentage: number;
  currentPhase: string | null;
  phasesCompleted: number;
  totalPhases: number;
}

/**
 * Progress is the share of phases finished. A running phase counts by the share of
 * records it has processed when it knows its total, otherwise as not yet started:
 * the figure never claims work that has not been observed.
 */
export function progressOf(operation: OperationRecord): Progress {
  const totalPhases = operation.phases.length;
  const phasesCompleted = operation.phases.filter((p) => p.status === 'Completed').length;
  const running = operation.phases.find((p) => p.status === 'Running');
  let fraction = 0;
  if (running && operation.totalRecords && running.recordsProcessed) {
    fraction = Math.min(1, running.recordsProcessed / operation.totalRecords);
  }
  const percentage = operation.status === 'Completed' ? 100 : Math.floor((100 * (phasesCompleted + fraction)) / Math.max(1, totalPhases));
  return { percentage, currentPhase: running?.name ?? null, phasesCompleted, totalPhases };
}
