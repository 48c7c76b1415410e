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

/** One sub-step of an engine function written as a generator: what starts now, of how many; `end` closes the run. */
export interface Step {
  activity: string;
  total: number;
  end?: boolean;
}

export type Steps<T> = Generator<Step, T, void>;

/** Runs an engine function's steps at once, reporting each to the hook. */
export function runSteps<T>(steps: Steps<T>, hook?: ProgressHook): T {
  let done = 0;
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    const { activity, total, end } = next.value;
    hook?.(end ? total : Math.min(done, total), total, activity);
    if (!end) done += 1;
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
    const { activity, total, end } = next.value;
    hook?.(end ? total : Math.min(done, total), total, activity);
    if (!end) done += 1;
    await new Promise<void>((resolve) => setImmediate(resolve));
  }
}
