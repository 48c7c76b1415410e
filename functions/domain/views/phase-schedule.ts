import type { OperationRecord } from '../records.ts';

export interface PhaseSlot {
  phaseId: string;
  name: string;
  estimatedStartTime: string | null;
  estimatedEndTime: string | null;
}

/**
 * When the unfinished phases are expected to start and end: the time the job's estimate leaves
 * (estimatedCompletion − now) shared equally among them, the running one first. Null without an estimate.
 */
export function phaseSchedule(op: OperationRecord, estimatedCompletion: string | null, now: Date): PhaseSlot[] {
  const unfinished = op.phases.filter((p) => p.status === 'Running' || p.status === 'Pending');
  if (!estimatedCompletion || !unfinished.length) return unfinished.map((p) => ({ phaseId: p.id, name: p.name, estimatedStartTime: null, estimatedEndTime: null }));
  const share = Math.max(0, Date.parse(estimatedCompletion) - now.getTime()) / unfinished.length;
  return unfinished.map((p, i) => ({
    phaseId: p.id,
    name: p.name,
    estimatedStartTime: p.status === 'Running' ? (p.startTime ?? null) : new Date(now.getTime() + share * i).toISOString(),
    estimatedEndTime: new Date(now.getTime() + share * (i + 1)).toISOString(),
  }));
}
