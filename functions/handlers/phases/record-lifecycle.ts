import { lifecycleRecorder } from '../../composition.ts';
import type { LifecycleEvent } from '../../domain/lifecycle-recorder.ts';

/** Task of the state machines' first, last and failure states. */
export const handler = async (event: LifecycleEvent) => lifecycleRecorder().record(event);
