import { attemptsOf } from '../automatic-retries.ts';
import { elapsedMs, humanDuration } from '../durations.ts';
import { recordsPerSecond, resourceUsageOf } from './measurements.ts';
import { resourcesAllocatedOf } from './resources-view.ts';
import { progressOf } from '../progress.ts';
import { isTerminal, type OperationRecord, type PhaseRecord } from '../records.ts';

export const trackingUrl = (op: OperationRecord): string => `/api/${op.tenantId}/${op.projectId}/async/operation/${op.operationId}`;

/** Durations are measured; when nothing has been measured yet the field is omitted. */
function durationFields(start: string | undefined, end: string | undefined, now: Date) {
  if (!start) return {};
  const ms = elapsedMs(start, end ?? now);
  return end ? { endTime: end, duration: humanDuration(ms), durationMs: ms } : { elapsedTime: humanDuration(ms), elapsedMs: ms };
}

function phaseView(phase: PhaseRecord) {
  return {
    phaseName: phase.name,
    status: phase.status,
    ...(phase.startTime ? { startTime: phase.startTime } : {}),
    ...(phase.endTime ? { endTime: phase.endTime } : {}),
    ...(phase.durationMs !== undefined ? { duration: humanDuration(phase.durationMs), durationMs: phase.durationMs } : {}),
    ...(phase.recordsProcessed !== undefined ? { recordsProcessed: phase.recordsProcessed } : {}),
    ...(phase.results ? { results: phase.results } : {}),
  };
}

function processingRate(op: OperationRecord): string | null {
  const rate = recordsPerSecond(op);
  return rate === null ? null : `${rate * 60} records/minute`;
}

/** Estimates come from the project's completed runs of the same type; without them, null. */
export function estimatesOf(op: OperationRecord, now: Date) {
  const estimate = op.estimate;
  if (!estimate || isTerminal(op.status)) return { estimatedDuration: null, estimatedRemaining: null, estimatedCompletion: null };
  const low = humanDuration(estimate.lowMs);
  const high = humanDuration(estimate.highMs);
  const started = op.startTime ? Date.parse(op.startTime) : now.getTime();
  const completion = started + estimate.durationMs;
  return {
    estimatedDuration: low === high ? low : `${low} - ${high}`,
    estimatedRemaining: humanDuration(Math.max(0, completion - now.getTime())),
    estimatedCompletion: new Date(Math.max(completion, now.getTime())).toISOString(),
    estimateBasis: { completedOperations: estimate.basedOnOperations, medianDurationMs: estimate.durationMs },
  };
}

export function startedView(op: OperationRecord, now = new Date(), warnings: readonly string[] = []) {
  const { estimatedRemaining: _remaining, ...estimated } = estimatesOf(op, now);
  return {
    operationId: op.operationId,
    operationType: op.operationType,
    operationName: op.operationName,
    status: op.status,
    ...estimated,
    trackingUrl: trackingUrl(op),
    jobId: op.jobId,
    webhooksRegistered: Object.values(op.callbacks ?? {}).filter(Boolean).length,
    priority: op.priority,
    dateCreated: op.dateCreated,
    timeoutAt: op.timeoutAt,
    resourcesAllocated: resourcesAllocatedOf(op),
    ...(warnings.length ? { warnings } : {}),
  };
}

export function statusView(op: OperationRecord, now: Date) {
  const progress = progressOf(op);
  return {
    operationId: op.operationId,
    operationType: op.operationType,
    operationName: op.operationName,
    ...(op.operationDescription ? { operationDescription: op.operationDescription } : {}),
    status: op.status,
    progress: {
      ...progress,
      startTime: op.startTime ?? null,
      ...(op.startTime ? { elapsedTime: humanDuration(elapsedMs(op.startTime, op.endTime ?? now)) } : {}),
      estimatedRemaining: estimatesOf(op, now).estimatedRemaining,
      estimatedCompletion: estimatesOf(op, now).estimatedCompletion,
    },
    execution: {
      executionId: op.jobId,
      processedRecords: op.processedRecords ?? 0,
      totalRecords: op.totalRecords ?? null,
      processingRate: processingRate(op),
      resourceUsage: resourceUsageOf(op.latestSample),
      resourcesAllocated: resourcesAllocatedOf(op),
    },
    phases: op.phases.map(phaseView),
    ...(op.error ? { error: op.error } : {}),
    ...(op.cancellation ? { cancellation: op.cancellation } : {}),
    ...(op.retry ? { retry: op.retry } : {}),
    // Every run of the operation, oldest first: more than one when its retryPolicy retried it.
    ...(op.retryPolicy ? { attempts: attemptsView(op) } : {}),
    ...(op.callbackStats
      ? {
          callbacks: {
            progressCallbacksSent: op.callbackStats.progressSent,
            lastProgressCallback: op.callbackStats.lastProgressCallback ?? null,
            callbacksSuccessful: op.callbackStats.successful,
            callbacksFailed: op.callbackStats.failed,
          },
        }
      : {}),
    submittedBy: op.submittedBy,
    dateCreated: op.dateCreated,
    ...(op.endTime ? { endTime: op.endTime } : {}),
    timeoutAt: op.timeoutAt,
    priority: op.priority,
  };
}

export function listItemView(op: OperationRecord, includeDetails: boolean, now: Date) {
  const progress = progressOf(op);
  const usage = resourceUsageOf(op.latestSample);
  return {
    operationId: op.operationId,
    operationType: op.operationType,
    operationName: op.operationName,
    status: op.status,
    progress: progress.percentage,
    priority: op.priority,
    dateCreated: op.dateCreated,
    ...(op.startTime ? { startTime: op.startTime } : {}),
    ...durationFields(op.startTime, op.endTime, now),
    ...(progress.currentPhase ? { currentPhase: progress.currentPhase } : {}),
    ...(estimatesOf(op, now).estimatedCompletion ? { estimatedCompletion: estimatesOf(op, now).estimatedCompletion } : {}),
    ...(op.processedRecords !== undefined ? { recordsProcessed: op.processedRecords } : {}),
    ...(usage ? { resourceUsage: { cpuUsage: usage.cpuUsage, memoryUsage: usage.memoryUsage } } : {}),
    ...(includeDetails ? { jobId: op.jobId, submittedBy: op.submittedBy, phases: op.phases.map(phaseView), ...(op.error ? { error: op.error } : {}) } : {}),
  };
}

function attemptsView(op: OperationRecord) {
  return attemptsOf(op).map((a) => ({
    attempt: a.attempt,
    jobId: a.jobId,
    status: a.status,
    startTime: a.startTime ?? null,
    endTime: a.endTime ?? null,
    error: a.error ?? null,
    ...(a.scheduledFor ? { scheduledFor: a.scheduledFor } : {}),
    ...(a.resumeFrom ? { resumeFrom: a.resumeFrom } : {}),
  }));
}
