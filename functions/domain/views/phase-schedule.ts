import type { EstimateBasis } from '../estimates.ts';
import { humanDuration } from '../durations.ts';
import { phaseFraction, weightsOf } from '../progress.ts';
import type { OperationRecord } from '../records.ts';

/** What one phase's estimate rests on: the run's estimate it shares out, and the weights it is shared by. */
export interface PhaseEstimateBasis {
  /** The method of the operation's remaining-time estimate (`progress.estimateBasis`) this share is taken from. */
  remaining: EstimateBasis['method'];
  /** `history`: each phase's median share of run time in that many completed operations of the type; `equal`: too few of them. */
  weights: 'history' | 'equal';
  /** Completed operations the weights were measured on (0 with equal weights). */
  weightsFromOperations: number;
  /** The phase's weight (its share of the whole run) and how much of it is still to do. */
  weight: number;
  fractionLeft: number;
}

export interface PhaseSlot {
  phaseId: string;
  name: string;
  status: 'Running' | 'Pending';
  /** When a pending phase is expected to start; a running phase's recorded start. */
  estimatedStartTime: string | null;
  estimatedEndTime: string | null;
  /** A pending phase's expected duration; for a running phase, the time it is expected still to take. */
  estimatedDurationMs: number | null;
  estimatedDuration: string | null;
  /** Null only when there is no remaining-time estimate to share (`remainingBasis` says why). */
  basedOn: PhaseEstimateBasis | null;
}

/** The operation's remaining-time estimate, as `estimatesOf` (operation-view.ts) gives it. */
export interface RemainingEstimate {
  remainingMs: number | null;
  estimateBasis?: EstimateBasis;
}

/**
 * When each unfinished phase is expected to start and end. The operation's remaining time (estimates.ts: history while
 * its completion lies ahead, else this run's measured rate; never clamped) is shared among the unfinished phases in
 * proportion to weight × share left, where a phase's weight is its median share of run time in the project's completed
 * operations of the type (`phaseWeights`, equal without enough of them). So a long phase gets a long slot, a running
 * phase half done gets half its slot, and the slots end exactly at the operation's estimated completion. Without a
 * remaining-time estimate every slot is null rather than invented.
 */
export function phaseSchedule(op: OperationRecord, estimate: RemainingEstimate, now: Date): PhaseSlot[] {
  const weights = weightsOf(op);
  const unfinished = op.phases.flatMap((phase, i) =>
    phase.status === 'Running' || phase.status === 'Pending' ? [{ phase, status: phase.status, weight: weights[i]!, left: 1 - phaseFraction(phase, op.totalRecords) }] : [],
  );
  const load = unfinished.map((u) => u.weight * u.left);
  const totalLoad = load.reduce((sum, l) => sum + l, 0);
  const remainingMs = estimate.remainingMs;
  const weightsFromOperations = op.phaseWeights?.basedOnOperations ?? 0;
  let before = 0;
  return unfinished.map((u, i) => {
    const slotMs = remainingMs === null ? null : totalLoad > 0 ? Math.round((remainingMs * load[i]!) / totalLoad) : remainingMs / unfinished.length;
    const start = u.status === 'Running' ? (u.phase.startTime ?? null) : remainingMs === null ? null : new Date(now.getTime() + before).toISOString();
    const end = slotMs === null ? null : new Date(now.getTime() + before + slotMs).toISOString();
    before += slotMs ?? 0;
    return {
      phaseId: u.phase.id,
      name: u.phase.name,
      status: u.status,
      estimatedStartTime: start,
      estimatedEndTime: end,
      estimatedDurationMs: slotMs,
      estimatedDuration: slotMs === null ? null : humanDuration(slotMs),
      basedOn:
        remainingMs === null || !estimate.estimateBasis
          ? null
          : {
              remaining: estimate.estimateBasis.method,
              weights: weightsFromOperations > 0 ? 'history' : 'equal',
              weightsFromOperations,
              weight: round4(u.weight),
              fractionLeft: round4(u.left),
            },
    };
  });
}

const round4 = (x: number) => Math.round(x * 10_000) / 10_000;

/** One sentence for the timeline's `estimateBasis`: what the upcoming events' times rest on, or null without an estimate. */
export function upcomingBasis(op: OperationRecord, estimate: RemainingEstimate): string | null {
  if (estimate.remainingMs === null || !estimate.estimateBasis) return null;
  const basedOn = op.phaseWeights?.basedOnOperations ?? 0;
  const remaining =
    estimate.estimateBasis.method === 'history'
      ? `the median run time of ${estimate.estimateBasis.completedOperations} ${estimate.estimateBasis.similarity}`
      : estimate.estimateBasis.method === 'progress'
        ? `this run's measured rate (${Math.round(estimate.estimateBasis.fractionDone * 100)} % done in ${humanDuration(estimate.estimateBasis.elapsedMs)})`
        : estimate.estimateBasis.reason;
  const shares = basedOn > 0 ? `each stage's median share of run time in ${basedOn} completed operations of the type` : 'equal stage weights (too few completed operations of the type)';
  return `remaining time from ${remaining}, shared among the unfinished stages by ${shares} and what each has left`;
}
