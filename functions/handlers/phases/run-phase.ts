import { phaseRunner } from '../../phase-composition.ts';
import type { PhaseId } from '../../domain/operation-types.ts';
import type { JobRef } from '../../domain/records.ts';

/** Task of every analysis-phase state; the state's Parameters name the phase. */
export const handler = async (event: { phase: PhaseId; job: JobRef }) => phaseRunner().run(event.phase, event.job);
