import { isTerminal, type Operation } from '../../client/types.ts';
import type { DashboardApi, JobProgress } from './api.ts';

export interface OperationSnapshot {
  operation: Operation;
  progress?: JobProgress;
}

/**
 * Where live updates of an operation come from. Polling is the one source today; a WebSocket source (job event
 * subscriptions pushed to the browser) implements the same interface and is chosen in `liveSource`, so no page changes.
 */
export interface LiveSource {
  /** Calls `onUpdate` with each new state until the operation has ended or the returned function is called. */
  watchOperation(operationId: string, onUpdate: (snapshot: OperationSnapshot) => void, onError: (error: unknown) => void): () => void;
}

/** Polls the operation and its job's progress: every `intervalMs` while it runs, backing off (×1.5, at most 5 s) while nothing changes. */
export function pollingSource(api: DashboardApi, intervalMs = 500): LiveSource {
  return {
    watchOperation(operationId, onUpdate, onError) {
      let stopped = false;
      let timer: ReturnType<typeof setTimeout> | undefined;
      let wait = intervalMs;
      let last = '';
      const tick = async () => {
        try {
          const operation = await api.getOperation(operationId);
          const jobId = typeof operation.jobId === 'string' ? operation.jobId : operation.execution?.executionId;
          const progress = jobId ? await api.progress(jobId).catch(() => undefined) : undefined;
          if (stopped) return;
          onUpdate({ operation, ...(progress ? { progress } : {}) });
          const seen = JSON.stringify([operation.status, operation.progress?.percentage, progress?.stages.map((s) => s.progress)]);
          wait = seen === last ? Math.min(5_000, Math.round(wait * 1.5)) : intervalMs;
          last = seen;
          if (isTerminal(operation.status)) return;
        } catch (error) {
          if (stopped) return;
          onError(error);
          wait = Math.min(5_000, wait * 2);
        }
        timer = setTimeout(() => void tick(), wait);
      };
      void tick();
      return () => {
        stopped = true;
        clearTimeout(timer);
      };
    },
  };
}

export const liveSource = (api: DashboardApi): LiveSource => pollingSource(api);
