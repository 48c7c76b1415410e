import type { ProgressHook } from '../mining/progress.ts';
import type { PhaseDefinition, PhaseId } from './operation-types.ts';
import type { JobJournal, OperationStore } from './ports.ts';
import type { JobRef, PhaseProgress } from './records.ts';

/** A phase stopped at a safe point because its operation was cancelled: recorded Cancelled, never Completed. */
export class PhaseCancelledError extends Error {
  override readonly name = 'PhaseCancelled';
}

/** A running phase shows at most this share done: the rest is its completion, recorded when it ends. */
const runningCeiling = 0.99;

export interface PhaseProgressOptions {
  /** Progress is written at least this often while the phase runs (at most 1 s). */
  progressIntervalMs: number;
  /** The operation's status is read this often for the cancellation signal. */
  cancellationCheckMs: number;
}

/**
 * One running phase's measured progress and its cancellation signal. `report` keeps the highest share reported (so
 * the figure never moves back) and sends a write when one is due; a timer writes at least every `progressIntervalMs`
 * in case the work reports between writes; another reads the operation every `cancellationCheckMs` and aborts the
 * signal once it is Cancelled, after which the next `report` (a safe point) throws {@link PhaseCancelledError}.
 */
export class PhaseProgressTracker {
  readonly controller = new AbortController();
  current: PhaseProgress | undefined;
  private written: PhaseProgress | undefined;
  private loggedActivity: string | undefined;
  private lastWrite = 0;
  private writing: Promise<void> = Promise.resolve();
  private readonly timers: NodeJS.Timeout[] = [];
  private running = true;

  constructor(
    private readonly job: JobRef,
    private readonly phaseId: PhaseId,
    private readonly phase: PhaseDefinition,
    private readonly operations: Pick<OperationStore, 'get' | 'updatePhase'>,
    private readonly journal: JobJournal,
    private readonly now: () => string,
    private readonly recordsProcessed: () => number,
    private readonly options: PhaseProgressOptions,
  ) {
    const interval = Math.min(1000, options.progressIntervalMs);
    this.timers.push(
      setInterval(() => this.writeIfDue(), interval),
      setInterval(() => this.checkCancelled(), options.cancellationCheckMs),
    );
  }

  get signal(): AbortSignal {
    return this.controller.signal;
  }

  readonly report = (fraction: number, activity: string, counts?: { done: number; total: number; unit: string }, models?: PhaseProgress['models']): void => {
    const previous = this.current;
    this.current = {
      fraction: Math.max(previous?.fraction ?? 0, Math.min(runningCeiling, Number.isFinite(fraction) ? fraction : 0)),
      done: counts?.done ?? 0,
      total: counts?.total ?? 0,
      unit: counts?.unit ?? 'steps',
      operation: activity,
      updatedAt: this.now(),
      ...(models ? { models } : previous?.models ? { models: previous.models } : {}),
    };
    // A new sub-step (or model) is written at once: a phase of a few short steps would otherwise show only its first
    // between two interval writes. Record and byte counts change every batch and keep to the interval.
    const stepped = this.current.unit !== 'records' && this.current.unit !== 'bytes' && (this.current.done !== previous?.done || this.current.unit !== previous?.unit);
    this.writeIfDue(stepped);
    this.throwIfCancelled();
  };

  /** An engine hook covering `[from, to]` of the phase; with `models`, the hook's `done` counts models completed. */
  readonly hook = (from: number, to: number, unit: string, models?: readonly string[]): ProgressHook => (done, total, activity) => {
    const share = total > 0 ? Math.min(1, done / total) : 0;
    const modelsNow = models
      ? { training: done < total ? [models[done] ?? activity] : [], completed: models.slice(0, Math.min(done, models.length)), total: models.length }
      : undefined;
    this.report(from + (to - from) * share, activity, { done, total, unit }, modelsNow);
  };

  readonly throwIfCancelled = (): void => {
    if (this.controller.signal.aborted) throw new PhaseCancelledError(`${this.phase.name} stopped at a safe point: the operation was cancelled`);
  };

  /** Stops the timers and waits for the writes under way, so the phase's final write comes last. */
  async stop(): Promise<void> {
    this.running = false;
    for (const timer of this.timers) clearInterval(timer);
    await this.writing;
  }

  private writeIfDue(now = false): void {
    if (!this.running || (!now && Date.now() - this.lastWrite < this.options.progressIntervalMs / 2)) return;
    this.lastWrite = Date.now();
    this.writing = this.writing.then(() => this.write()).catch(() => undefined);
  }

  /** The progress to the operation (for its status view) and, when the activity changes, a DEBUG entry to the job's log. */
  private async write(): Promise<void> {
    const snapshot = this.current;
    if (!snapshot || snapshot === this.written) return;
    this.written = snapshot;
    // Both requests leave before the engine's next synchronous step can hold the event loop; the status view's first.
    const progressWrite = this.operations.updatePhase(this.job, this.job.operationId, this.phaseId, { progress: snapshot, recordsProcessed: this.recordsProcessed() });
    // Handled now so a refusal (a fenced write after a forced cancel) arriving during the append below is not an
    // unhandled rejection that ends the process; it is still thrown by the await at the end.
    progressWrite.catch(() => undefined);
    if (snapshot.operation !== this.loggedActivity) {
      this.loggedActivity = snapshot.operation;
      await this.journal.append(this.job, {
        logs: [
          {
            timestamp: snapshot.updatedAt,
            level: 'DEBUG',
            component: this.phase.component,
            stage: this.phase.name,
            message: snapshot.operation,
            details: { progress: Math.round(snapshot.fraction * 1000) / 10, done: snapshot.done, total: snapshot.total, unit: snapshot.unit },
          },
        ],
        events: [],
        samples: [],
      });
    }
    await progressWrite;
  }

  /** One read of the operation: cheap against the phase's work, and at most every `cancellationCheckMs`. */
  private checkCancelled(): void {
    if (this.controller.signal.aborted) return;
    this.operations
      .get(this.job, this.job.operationId)
      .then((latest) => {
        if (latest?.status === 'Cancelled') this.controller.abort();
      })
      .catch(() => undefined);
  }
}
