/**
 * Measured progress of engine work: `done` of `total` (records, or sub-steps where records do not apply) and what
 * the engine is doing now. The hook may throw to stop the work (a cancelled operation): it is only ever called at
 * safe points, between sub-steps or between batches of records, where stopping leaves nothing half-written.
 */
export type ProgressHook = (done: number, total: number, activity: string) => void;

/** Hot loops report once per this many records: one call is nothing against 65,536 iterations of work. */
export const PROGRESS_EVERY = 65_536;

/**
 * Reports the sub-steps of one engine function in order: each `next(activity)` says the previous step is done and
 * names the one starting; `end()` reports all done. Without a hook it does nothing.
 */
export function subSteps(hook: ProgressHook | undefined, total: number): { next(activity: string): void; end(activity: string): void } {
  let done = 0;
  return {
    next: (activity) => {
      hook?.(Math.min(done, total), total, activity);
      done += 1;
    },
    end: (activity) => hook?.(total, total, activity),
  };
}

/**
 * One sub-step of an engine function written as a generator: what starts now, of how many; `end` closes the run.
 * `again` marks a safe point inside the step under way (named again): nothing new starts, but the caller's hook
 * runs (and may stop the work) and a yielding run gives the event loop a turn, so a long step stays cancellable.
 */
export interface Step {
  activity: string;
  total: number;
  end?: boolean;
  again?: boolean;
}

export type Steps<T> = Generator<Step, T, void>;

/** Reports one step to the hook; returns the steps done after it (a safe point inside a step does not count one). */
function reported({ activity, total, end, again }: Step, done: number, hook?: ProgressHook): number {
  const under = again ? Math.max(0, done - 1) : done;
  hook?.(end ? total : Math.min(under, total), total, activity);
  return end || again ? done : done + 1;
}

/** Runs an engine function's steps at once, reporting each to the hook. */
export function runSteps<T>(steps: Steps<T>, hook?: ProgressHook): T {
  let done = 0;
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    done = reported(next.value, done, hook);
  }
}

/**
 * The same, giving the event loop a turn between steps: the synchronous engine otherwise holds it for the whole
 * function, and the caller's timers (progress writes, the cancellation check) could not run until it returned.
 */
export async function runStepsYielding<T>(steps: Steps<T>, hook?: ProgressHook): Promise<T> {
  let done = 0;
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    done = reported(next.value, done, hook);
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}

/**
 * Work that pauses at safe points of its own (a generator yielding anything) run as the step `step`: each pause is
 * reported as a safe point inside it ({@link Step.again}); returns the work's result.
 */
export function* withSafePoints<T>(work: Generator<unknown, T, void>, step: Omit<Step, 'again' | 'end'>): Steps<T> {
  for (;;) {
    const next = work.next();
    if (next.done) return next.value;
    yield { ...step, again: true };
  }
}
