import type { PhaseId } from './operation-types.ts';
import type { OperationRecord, PhaseRecord, PhaseWeights } from './records.ts';

export interface Progress {
  percentage: number;
  currentPhase: string | null;
  phasesCompleted: number;
  totalPhases: number;
}

/** Fewer completed runs than this say too little about how a type's run time divides among its phases. */
export const minimumWeightHistory = 3;

const median = (values: number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = (sorted.length - 1) / 2;
  return (sorted[Math.floor(mid)]! + sorted[Math.ceil(mid)]!) / 2;
};

/**
 * Each phase's share of the run time: the median duration of that phase in the completed runs of the type, over the
 * sum of those medians. Equal shares when fewer than `minimumWeightHistory` runs completed every phase, or when the
 * measured durations are all zero.
 */
export function phaseWeightsFrom(completed: readonly OperationRecord[], phaseIds: readonly PhaseId[]): PhaseWeights {
  const equal: PhaseWeights = { weights: Object.fromEntries(phaseIds.map((id) => [id, 1 / phaseIds.length])), basedOnOperations: 0 };
  const measured = completed.filter((op) => phaseIds.every((id) => op.phases.some((p) => p.id === id && p.status === 'Completed' && p.durationMs !== undefined)));
  if (measured.length < minimumWeightHistory) return equal;
  const medians = phaseIds.map((id) => median(measured.map((op) => op.phases.find((p) => p.id === id)!.durationMs!)));
  // A phase measured at 0 ms still moves the bar a little when it completes.
  const floored = medians.map((m) => Math.max(m, 1));
  const total = floored.reduce((sum, m) => sum + m, 0);
  return { weights: Object.fromEntries(phaseIds.map((id, i) => [id, floored[i]! / total])), basedOnOperations: measured.length };
}

/** The share of a phase done: 1 when Completed, its measured progress otherwise (kept when it stopped), else 0. */
export function phaseFraction(phase: PhaseRecord, totalRecords: number | undefined): number {
  if (phase.status === 'Completed') return 1;
  if (phase.progress) return Math.min(1, Math.max(0, phase.progress.fraction));
  // Records written before phases measured their own progress.
  if (phase.status === 'Running' && totalRecords && phase.recordsProcessed) return Math.min(0.99, phase.recordsProcessed / totalRecords);
  return 0;
}

/**
 * Progress is the weighted share of the phases done: each phase weighs its measured share of this operation type's
 * run time (`phaseWeights`, fixed when the first phase starts, so the figure never moves backwards as history
 * grows), and a running phase counts by its own measured progress. It never claims work that has not been observed.
 */
export function progressOf(operation: OperationRecord): Progress {
  const totalPhases = operation.phases.length;
  const phasesCompleted = operation.phases.filter((p) => p.status === 'Completed').length;
  const running = operation.phases.find((p) => p.status === 'Running');
  const share = shareDoneOf(operation);
  // 100 only once the operation has completed: its last write follows the last phase's.
  const percentage = operation.status === 'Completed' ? 100 : Math.min(phasesCompleted === totalPhases ? 100 : 99, Math.floor(100 * share + 1e-9));
  return { percentage, currentPhase: running?.name ?? null, phasesCompleted, totalPhases };
}

/** Each phase's weight, normalised to sum 1 over the operation's phases. */
export function weightsOf(operation: OperationRecord): number[] {
  const stored = operation.phaseWeights?.weights;
  const raw = operation.phases.map((p) => stored?.[p.id] ?? 1 / Math.max(1, operation.phases.length));
  const total = raw.reduce((sum, w) => sum + w, 0);
  return raw.map((w) => (total > 0 ? w / total : 0));
}

/** The weighted share of the operation done, 0..1, unrounded. */
export function shareDoneOf(operation: OperationRecord): number {
  const weights = weightsOf(operation);
  return operation.phases.reduce((sum, p, i) => sum + weights[i]! * phaseFraction(p, operation.totalRecords), 0);
}
