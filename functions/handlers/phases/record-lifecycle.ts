import { lifecycleRecorder } from '../../composition.ts';
import type { LifecycleEvent } from '../../domain/lifecycle-recorder.ts';
import { jobKeys, observed } from '../../observability/invocation.ts';
import { logger } from '../../observability/logger.ts';

/** Task of the state machines' first, last and failure states: one line per transition it records. */
export const handler = observed(
  (event: LifecycleEvent) => jobKeys(event.job),
  async (event: LifecycleEvent) => {
    const result = await lifecycleRecorder().record(event);
    logger.info(`Operation ${event.event}`, { lifecycleEvent: event.event, ...(event.event === 'failed' ? { error: event.error?.Error } : {}) });
    return result;
  },
);
