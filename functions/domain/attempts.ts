import type { AttemptRecord, OperationRecord } from './records.ts';

/** The attempts so far; an operation that never retried has one, its first job. */
export function attemptsOf(op: OperationRecord): AttemptRecord[] {
  if (op.attempts?.length) return op.attempts;
  return [{ attempt: 1, jobId: op.jobId, status: attemptStatus(op.status), ...(op.startTime ? { startTime: op.startTime } : {}), ...(op.endTime ? { endTime: op.endTime } : {}) }];
}

function attemptStatus(status: OperationRecord['status']): AttemptRecord['status'] {
  if (status === 'Initiated' || status === 'Queued') return 'Scheduled';
  return status;
}

/** The attempts with the latest one changed. */
export function withLatestAttempt(op: OperationRecord, change: Partial<AttemptRecord>): AttemptRecord[] {
  const attempts = attemptsOf(op);
  return attempts.map((a, i) => (i === attempts.length - 1 ? { ...a, ...change } : a));
}
