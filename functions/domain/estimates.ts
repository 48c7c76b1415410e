import type { PhaseId } from './operation-types.ts';
import { defaultPhaseMemoryMb } from './phase-sizes.ts';
import { billedMs, costOf, type RegionPrices, type Usage } from './pricing.ts';
import type { CostEstimate, DurationEstimate, OperationRecord } from './records.ts';

/** Fewer finished runs than this say too little to estimate from. */
export const minimumHistory = 3;

const quantile = (sorted: number[], q: number): number => {
  const position = (sorted.length - 1) * q;
  const low = Math.floor(position);
  const high = Math.ceil(position);
  return sorted[low]! + (sorted[high]! - sorted[low]!) * (position - low);
};

/**
 * Expected run time from completed runs: their median, with the interquartile range as its
 * spread. Null without enough history, because an invented figure would be worse than none.
 */
export function estimateFrom(completed: readonly OperationRecord[]): DurationEstimate | null {
  const durations = completed
    .filter((op) => op.startTime && op.endTime)
    .map((op) => Date.parse(op.endTime!) - Date.parse(op.startTime!))
    .sort((a, b) => a - b);
  if (durations.length < minimumHistory) return null;
  return {
    durationMs: Math.round(quantile(durations, 0.5)),
    lowMs: Math.round(quantile(durations, 0.25)),
    highMs: Math.round(quantile(durations, 0.75)),
    basedOnOperations: durations.length,
  };
}

/** Similar dataset size: a completed run's input file is at most this many times larger or smaller than this one's. */
export const similarSizeFactor = 2;

/**
 * The completed runs an estimate rests on, and a sentence saying which: of the project's latest completed operations of
 * the type, those whose input file is of similar size (within `similarSizeFactor` either way) when at least
 * `minimumHistory` of them are, else all of them (the sentence says so). Run time grows with the input, so a similar
 * size is preferred; the type alone is the fallback because an estimate from other sizes beats none.
 */
export function similarRuns(completed: readonly OperationRecord[], inputSizeBytes: number | undefined): { runs: readonly OperationRecord[]; similarity: string } {
  if (inputSizeBytes && inputSizeBytes > 0) {
    const similar = completed.filter((op) => op.inputSizeBytes && op.inputSizeBytes * similarSizeFactor >= inputSizeBytes && op.inputSizeBytes <= inputSizeBytes * similarSizeFactor);
    if (similar.length >= minimumHistory) {
      return { runs: similar, similarity: `completed operations of the same type in this project whose input is ${Math.ceil(inputSizeBytes / similarSizeFactor)}–${inputSizeBytes * similarSizeFactor} bytes (within ${similarSizeFactor}× of this one's ${inputSizeBytes}), ${similar.length} of the latest ${completed.length}` };
    }
    return { runs: completed, similarity: `${historySimilarity} (fewer than ${minimumHistory} had an input within ${similarSizeFactor}× of this one's ${inputSizeBytes} bytes, so any size)` };
  }
  return { runs: completed, similarity: `${historySimilarity} (the input's size is not known, so any size)` };
}

/**
 * Step Functions states an execution enters besides its phases, on the way to success: Record
 * Operation Started, Choose Phase Size, the size's Pass state, Resume Point, Record Operation
 * Completed (test/unit/domain/state-machines.test.ts holds the ASL files to it).
 */
export const transitionsBesidesPhases = 5;
/** The RecordLifecycle invocations of a successful run (started, completed); their short, small runs are not in the GB-seconds. */
export const lifecycleRequests = 2;

const median = (values: number[]): number => quantile([...values].sort((a, b) => a - b), 0.5);

const phaseMemoryOf = (op: OperationRecord): number => op.phaseMemoryMb ?? defaultPhaseMemoryMb;

/**
 * What running `phaseIds` on a function of `memoryMb` is expected to cost: for each phase, the
 * median billed duration (rounded up to the millisecond, as Lambda bills) of that phase in
 * similar completed runs, at the chosen size's GB; plus the state transitions and requests the
 * state machine makes. Similar runs are the completed ones of the same type that ran on the same
 * size, or on any size when fewer than `minimumHistory` did (their durations then stand for the
 * chosen size's). Null when a phase has too little history, because an invented figure would be
 * worse than none.
 */
export function costEstimateFrom(completed: readonly OperationRecord[], phaseIds: readonly PhaseId[], memoryMb: number, prices: RegionPrices): CostEstimate | null {
  const sameSize = completed.filter((op) => phaseMemoryOf(op) === memoryMb);
  const similar = sameSize.length >= minimumHistory ? sameSize : completed;
  let billed = 0;
  for (const id of phaseIds) {
    const durations = similar.flatMap((op) => {
      const phase = op.phases.find((p) => p.id === id);
      return phase?.status === 'Completed' && phase.durationMs !== undefined ? [billedMs(phase.durationMs)] : [];
    });
    if (durations.length < minimumHistory) return null;
    billed += Math.round(median(durations));
  }
  const usage: Usage = {
    gbSeconds: (billed / 1000) * (memoryMb / 1024),
    lambdaRequests: phaseIds.length + lifecycleRequests,
    stateTransitions: phaseIds.length + transitionsBesidesPhases,
  };
  return { usd: costOf(usage, prices), ...usage, basedOnOperations: similar.length };
}

/**
 * What this operation's own execution has consumed, from its phase records: each phase it ran,
 * billed to the millisecond at its size's GB (a phase still running counts until `until`), the
 * state transitions and the lifecycle requests. Phases a resumed retry carried over ran in the
 * original's execution and are not counted.
 */
export function measuredUsageOf(op: OperationRecord, until: Date): Usage {
  const carried = op.retry?.retryMode === 'resume' ? op.retry.phasesPreserved : 0;
  const ran = op.phases.slice(carried).filter((p) => p.startTime);
  // An execution that never started (cancelled while queued) consumed nothing.
  if (!op.startTime && !ran.length) return { gbSeconds: 0, lambdaRequests: 0, stateTransitions: 0 };
  const ms = ran.reduce((sum, p) => sum + billedMs(p.durationMs ?? Math.max(0, until.getTime() - Date.parse(p.startTime!))), 0);
  // A run that ended by itself also entered its recorder state (Completed, or Failed and the Fail state); a stopped one did not.
  const closing = op.status === 'Completed' ? 1 : op.status === 'Failed' || op.status === 'Timeout' ? 2 : 0;
  return {
    gbSeconds: (ms / 1000) * (phaseMemoryOf(op) / 1024),
    lambdaRequests: ran.length + 1 + (closing ? 1 : 0),
    stateTransitions: ran.length + transitionsBesidesPhases - 1 + closing,
  };
}

/** What an estimate of an operation's remaining time rests on; every estimate carries one. */
export type EstimateBasis =
  | {
      /** The median run time of completed operations of the same type in this project (similar: same type, last 20). */
      method: 'history';
      completedOperations: number;
      medianDurationMs: number;
      similarity: string;
    }
  | {
      /** This run's own measured rate: elapsed / share done, since history is missing or already overrun. */
      method: 'progress';
      fractionDone: number;
      elapsedMs: number;
      /** Set when the history-based completion passed before the run ended (the estimate was overdue). */
      overdueHistoryEstimate?: { completedOperations: number; medianDurationMs: number; passedAt: string };
    }
  | {
      /** Nothing measured to estimate from: no history, or overdue with no progress measured yet. */
      method: 'none';
      reason: string;
    };

export interface RunEstimate {
  remainingMs: number | null;
  completion: string | null;
  basis: EstimateBasis;
}

/** How the operations an estimate's history is taken from are chosen. */
export const historySimilarity = 'completed operations of the same type in this project, the latest 20';

/**
 * Time left for an operation that has not ended. From history while the history-based completion lies ahead; once it
 * has passed (overdue), or without history, from the run's own progress: total ≈ elapsed / share done, so the
 * remaining time is elapsed × (1 − share) / share. Never clamped to now or to zero: an overdue run with no measured
 * progress has no estimate, and says why.
 */
export function runEstimateOf(op: OperationRecord, shareDone: number, now: Date): RunEstimate {
  const started = op.startTime ? Date.parse(op.startTime) : null;
  const history = op.estimate;
  if (history) {
    const completion = (started ?? now.getTime()) + history.durationMs;
    if (completion > now.getTime()) {
      return {
        remainingMs: completion - now.getTime(),
        completion: new Date(completion).toISOString(),
        basis: { method: 'history', completedOperations: history.basedOnOperations, medianDurationMs: history.durationMs, similarity: history.similarity ?? historySimilarity },
      };
    }
  }
  const overdue = history && started !== null ? { completedOperations: history.basedOnOperations, medianDurationMs: history.durationMs, passedAt: new Date(started + history.durationMs).toISOString() } : undefined;
  if (started !== null && shareDone > 0 && shareDone < 1) {
    const elapsedMs = Math.max(0, now.getTime() - started);
    const remainingMs = Math.round((elapsedMs * (1 - shareDone)) / shareDone);
    return {
      remainingMs,
      completion: new Date(now.getTime() + remainingMs).toISOString(),
      basis: { method: 'progress', fractionDone: Math.round(shareDone * 10_000) / 10_000, elapsedMs, ...(overdue ? { overdueHistoryEstimate: overdue } : {}) },
    };
  }
  return {
    remainingMs: null,
    completion: null,
    basis: {
      method: 'none',
      reason: overdue
        ? `the history-based estimate passed at ${overdue.passedAt} and no progress has been measured yet`
        : started === null
          ? `fewer than ${minimumHistory} ${historySimilarity.replace('the latest 20', 'among the latest 20')}, and the operation has not started`
          : `fewer than ${minimumHistory} ${historySimilarity.replace('the latest 20', 'among the latest 20')}, and no progress has been measured yet`,
    },
  };
}
