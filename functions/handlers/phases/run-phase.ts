import type { Context } from 'aws-lambda';
import { phaseRunner } from '../../phase-composition.ts';
import type { PhaseId } from '../../domain/operation-types.ts';
import { OperationNotRunningError } from '../../domain/phase-runner.ts';
import { PhaseCancelledError } from '../../domain/phase-progress.ts';
import type { JobRef } from '../../domain/records.ts';
import { errorFields, metricNames } from '../../domain/telemetry.ts';
import { jobKeys, observed } from '../../observability/invocation.ts';
import { logger } from '../../observability/logger.ts';
import { emitMetric } from '../../observability/metrics.ts';

/** Task of every analysis-phase state, in every size; the state's Payload names the phase, the context the size's memory. */
export const handler = observed(
  (event: { phase: PhaseId; job: JobRef }) => ({ ...jobKeys(event.job), phase: event.phase }),
  async (event: { phase: PhaseId; job: JobRef }, context?: Pick<Context, 'memoryLimitInMB'>) => {
    const memoryMb = Number(context?.memoryLimitInMB);
    const started = performance.now();
    logger.info(`Phase ${event.phase} started`, { memoryMb: memoryMb > 0 ? memoryMb : undefined });
    const ended = (outcome: string, fields: Record<string, unknown> = {}) => {
      const durationMs = Math.round(performance.now() - started);
      emitMetric(metricNames.phaseDuration, 'Milliseconds', durationMs, { phase: event.phase });
      emitMetric(metricNames.phaseEnded, 'Count', 1, { phase: event.phase, outcome });
      return durationMs;
    };
    try {
      const result = await phaseRunner().run(event.phase, event.job, memoryMb > 0 ? memoryMb * 1024 * 1024 : undefined);
      const durationMs = ended('Completed');
      if (result.recordsProcessed > 0 && durationMs > 0) emitMetric(metricNames.eventsPerSecond, 'Count/Second', (result.recordsProcessed * 1000) / durationMs, { phase: event.phase });
      logger.info(`Phase ${event.phase} completed`, { durationMs, recordsProcessed: result.recordsProcessed });
      return result;
    } catch (error) {
      const outcome = error instanceof OperationNotRunningError ? 'NotRunning' : error instanceof PhaseCancelledError ? 'Cancelled' : 'Failed';
      const durationMs = ended(outcome);
      logger.info(`Phase ${event.phase} ended ${outcome}`, { durationMs, ...errorFields(error), stack: undefined });
      throw error;
    }
  },
);
