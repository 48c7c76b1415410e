import type { Context } from 'aws-lambda';
import { phaseRunner } from '../../phase-composition.ts';
import type { PhaseId } from '../../domain/operation-types.ts';
import type { JobRef } from '../../domain/records.ts';

/** Task of every analysis-phase state, in every size; the state's Payload names the phase, the context the size's memory. */
export const handler = async (event: { phase: PhaseId; job: JobRef }, context?: Pick<Context, 'memoryLimitInMB'>) => {
  const memoryMb = Number(context?.memoryLimitInMB);
  return phaseRunner().run(event.phase, event.job, memoryMb > 0 ? memoryMb * 1024 * 1024 : undefined);
};
