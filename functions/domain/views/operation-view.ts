import { attemptsOf } from '../attempts.ts';
import { elapsedMs, humanDuration } from '../durations.ts';
import { recordsPerSecond, resourceUsageOf } from './measurements.ts';
import { resourcesAllocatedOf } from './resources-view.ts';
import { phaseFraction, progressOf, shareDoneOf } from '../progress.ts';
import { phaseSchedule, type PhaseSlot } from './phase-schedule.ts';
import { runEstimateOf } from '../estimates.ts';
import { phaseOf } from '../operation-types.ts';
import { isTerminal, type OperationRecord, type PhaseRecord } from '../records.ts';
import { notificationsView } from './notifications-view.ts';

export const trackingUrl = (op: OperationRecord): string => `/api/${op.tenantId}/${op.projectId}/async/operation/${op.operationId}`;

/** Durations are measured; when nothing has been measured yet the field is omitted. */
function durationFields(start: string | undefined, end: string | undefined, now: Date) {
  if (!start) return {};
  const ms = elapsedMs(start, end ?? now);
  return end ? { endTime: end, duration: humanDuration(ms), durationMs: ms } : { elapsedTime: humanDuration(ms), elapsedMs: ms };
}

/** What a running phase is doing now, as measured by its work; how far a stopped one got. */
function liveFields(op: OperationRecord, phase: PhaseRecord) {
  const progress = phase.progress;
  if (!progress || phase.status === 'Completed' || phase.status === 'Pending') return {};
  const component = phaseOf(op.operationType, phase.id).component;
  return {
    progress: Math.floor(100 * phaseFraction(phase, op.totalRecords)),
    ...(phase.status === 'Running'
      ? {
          currentActivity: {
            component,
            operation: progress.operation,
            details: progress.total > 0 ? `${progress.done} of ${progress.total} ${progress.unit}` : null,
            updatedAt: progress.updatedAt,
          },
        }
      : { lastActivity: progress.operation }),
    ...(progress.models
      ? { models: { training: progress.models.training, completed: progress.models.completed, modelsTraining: progress.models.training.length, modelsCompleted: progress.models.completed.length, totalModels: progress.models.total } }
      : {}),
  };
}

/** A pending phase's expected start and duration, and what they rest on; nothing for a phase that has started or ended. */
function pendingFields(slot: PhaseSlot | undefined) {
  if (!slot || slot.status !== 'Pending') return {};
  return { estimatedStartTime: slot.estimatedStartTime, estimatedDuration: slot.estimatedDuration, estimatedDurationMs: slot.estimatedDurationMs, estimateBasedOn: slot.basedOn };
}

function phaseView(phase: PhaseRecord, op?: OperationRecord, slot?: PhaseSlot) {
  return {
    phaseName: phase.name,
    status: phase.status,
    ...(op ? liveFields(op, phase) : {}),
    ...pendingFields(slot),
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

/**
 * Estimates come from the project's completed runs of the same type while their completion lies ahead; once it has
 * passed, or without them, from this run's measured progress (estimates.ts). Never clamped: an estimate that cannot be
 * made is null, and `estimateBasis` says what each one rests on.
 */
export function estimatesOf(op: OperationRecord, now: Date) {
  if (isTerminal(op.status)) return { estimatedDuration: null, estimatedRemaining: null, estimatedCompletion: null, remainingMs: null };
  const run = runEstimateOf(op, shareDoneOf(op), now);
  const estimate = op.estimate;
  let estimatedDuration: string | null = null;
  if (run.basis.method === 'history' && estimate) {
    const low = humanDuration(estimate.lowMs);
    const high = humanDuration(estimate.highMs);
    estimatedDuration = low === high ? low : `${low} - ${high}`;
  } else if (run.basis.method === 'progress' && run.remainingMs !== null) {
    estimatedDuration = humanDuration(run.basis.elapsedMs + run.remainingMs);
  }
  return {
    estimatedDuration,
    estimatedRemaining: run.remainingMs === null ? null : humanDuration(run.remainingMs),
    estimatedCompletion: run.completion,
    remainingMs: run.remainingMs,
    estimateBasis: run.basis,
  };
}

export function startedView(op: OperationRecord, now = new Date(), warnings: readonly string[] = []) {
  const { estimatedRemaining: _remaining, remainingMs: _ms, ...estimated } = estimatesOf(op, now);
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
  const estimates = estimatesOf(op, now);
  const schedule = new Map(phaseSchedule(op, estimates, now).map((slot) => [slot.phaseId, slot]));
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
      estimatedRemaining: estimates.estimatedRemaining,
      estimatedCompletion: estimates.estimatedCompletion,
      ...(estimates.estimateBasis ? { estimateBasis: estimates.estimateBasis } : {}),
      ...(op.phaseWeights ? { phaseWeights: { basedOnOperations: op.phaseWeights.basedOnOperations, weights: op.phaseWeights.weights } } : {}),
    },
    execution: {
      executionId: op.jobId,
      processedRecords: op.processedRecords ?? 0,
      totalRecords: op.totalRecords ?? null,
      processingRate: processingRate(op),
      resourceUsage: resourceUsageOf(op.latestSample),
      resourcesAllocated: resourcesAllocatedOf(op),
    },
    phases: op.phases.map((phase) => phaseView(phase, op, schedule.get(phase.id))),
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
    // E-mail and Slack deliveries, counted per channel like callbacks (notifications.ts).
    ...(op.notifications ? { notifications: notificationsView(op) } : {}),
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
    ...(includeDetails ? { jobId: op.jobId, submittedBy: op.submittedBy, phases: op.phases.map((phase) => phaseView(phase, op)), ...(op.error ? { error: op.error } : {}) } : {}),
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
