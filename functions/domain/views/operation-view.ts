import { elapsedMs, humanDuration } from '../durations.ts';
import { recordsPerSecond, resourceUsageOf } from './measurements.ts';
import { progressOf } from '../progress.ts';
import type { OperationRecord, PhaseRecord } from '../records.ts';

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

export function startedView(op: OperationRecord, resourcesAllocated: { cpuUnits: number; memoryGB: number }) {
  return {
    operationId: op.operationId,
    operationType: op.operationType,
    operationName: op.operationName,
    status: op.status,
    // No history of comparable runs yet, so nothing honest can be estimated.
    estimatedDuration: null,
    estimatedCompletion: null,
    trackingUrl: trackingUrl(op),
    jobId: op.jobId,
    webhooksRegistered: Object.values(op.callbacks ?? {}).filter(Boolean).length,
    priority: op.priority,
    dateCreated: op.dateCreated,
    timeoutAt: op.timeoutAt,
    resourcesAllocated,
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
      estimatedRemaining: null,
      estimatedCompletion: null,
    },
    execution: {
      executionId: op.jobId,
      processedRecords: op.processedRecords ?? 0,
      totalRecords: op.totalRecords ?? null,
      processingRate: processingRate(op),
      resourceUsage: resourceUsageOf(op.latestSample),
    },
    phases: op.phases.map(phaseView),
    ...(op.error ? { error: op.error } : {}),
    ...(op.cancellation ? { cancellation: op.cancellation } : {}),
    ...(op.retry ? { retry: op.retry } : {}),
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
    ...(op.processedRecords !== undefined ? { recordsProcessed: op.processedRecords } : {}),
    ...(usage ? { resourceUsage: { cpuUsage: usage.cpuUsage, memoryUsage: usage.memoryUsage } } : {}),
    ...(includeDetails ? { jobId: op.jobId, submittedBy: op.submittedBy, phases: op.phases.map(phaseView), ...(op.error ? { error: op.error } : {}) } : {}),
  };
}
