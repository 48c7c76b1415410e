import { describe, expect, it } from 'vitest';
import type { CallbackNotifier } from '../../../functions/domain/callbacks.ts';
import { ExecutionReconciler } from '../../../functions/domain/execution-reconciler.ts';
import { allowedTransitions } from '../../../functions/domain/lifecycle.ts';
import { newOperation } from '../../../functions/domain/operation-service.ts';
import type { JobJournal, OperationStore } from '../../../functions/domain/ports.ts';
import type { JobRef, LogEntry, OperationRecord } from '../../../functions/domain/records.ts';
import { startOperationBody } from '../../../functions/schemas/operation.ts';

const scope = { tenantId: '11111111-1111-4111-8111-111111111111', projectId: '22222222-2222-4222-8222-222222222222' };
const clock = { now: () => new Date('2026-11-30T10:00:00Z') };

function setup(status: OperationRecord['status'] = 'Running', request: Record<string, unknown> = {}) {
  const items = new Map<string, OperationRecord>();
  const store = {
    get: async (_s, id) => structuredClone(items.get(id)),
    update: async (_s, id, fields) => void Object.assign(items.get(id)!, fields),
    updatePhase: async (_s, id, phaseId, patch) => void Object.assign(items.get(id)!.phases.find((p) => p.id === phaseId)!, patch),
    transition: async (_s, id, from, to, fields = {}) => {
      const op = items.get(id);
      if (!op || !from.includes(op.status)) return false;
      if (!allowedTransitions[op.status].includes(to)) throw new Error(`${op.status} → ${to} is not in the lifecycle table`);
      Object.assign(op, fields, { status: to });
      return true;
    },
  } as Partial<OperationStore> as OperationStore;
  const body = startOperationBody.parse({ operationType: 'ProcessMiningAnalysis', operationName: 'n', parameters: { datasetId: scope.projectId }, ...request });
  const op: OperationRecord = { ...newOperation(scope, body, 'alice', new Date('2026-11-30T09:59:00Z')), status };
  op.phases[1]!.status = 'Running';
  op.phases[1]!.startTime = '2026-11-30T09:59:30Z';
  items.set(op.operationId, op);
  const notified: string[] = [];
  const ended: string[] = [];
  const logs: LogEntry[] = [];
  const journal: JobJournal = { append: async (_job, facts) => void logs.push(...(facts.logs ?? [])), read: async () => [] };
  const notifier = { notify: async (_op: OperationRecord, event: string) => void notified.push(event) } as unknown as CallbackNotifier;
  const scheduled: string[] = [];
  const retries = { scheduleAfterFailure: async () => (scheduled.push('retry'), false) };
  const reconciler = new ExecutionReconciler(store, journal, notifier, { operationEnded: async (_s, id) => void ended.push(id) }, clock, retries);
  const job: JobRef = { ...scope, operationId: op.operationId, jobId: op.jobId, operationType: op.operationType };
  return { items, op, job, reconciler, notified, ended, logs, scheduled };
}

const ended = (job: JobRef, status: string, error = 'LifecycleNotRecorded') => ({ executionArn: `arn:aws:states:::execution:m:${job.jobId}`, status, job, error, cause: 'Recording the operation\'s end failed after retries.' });

describe('the execution reconciler', () => {
  it('fails a Running operation whose execution FAILED, frees what waited on it, and does it once', async () => {
    const { items, op, job, reconciler, notified, ended: endedIds, logs } = setup();
    const first = await reconciler.settle(ended(job, 'FAILED'));
    expect(first).toEqual({ settled: true, operationId: op.operationId, status: 'Failed' });
    expect(items.get(op.operationId)).toMatchObject({ status: 'Failed', endTime: '2026-11-30T10:00:00.000Z', error: { error: 'InternalError' } });
    // The phase that died with the execution is not left Running.
    expect(items.get(op.operationId)!.phases[1]).toMatchObject({ status: 'Failed', endTime: '2026-11-30T10:00:00.000Z', durationMs: 30_000 });
    expect(notified).toEqual(['operation.failed']);
    expect(endedIds).toEqual([op.operationId]);
    expect(logs.map((l) => l.message)).toContain('Execution ended FAILED while the operation was Running; settled by the reconciler');

    // EventBridge delivers at least once: the same event again changes nothing and sends nothing.
    expect(await reconciler.settle(ended(job, 'FAILED'))).toEqual({ settled: false, reason: 'already-settled' });
    expect(notified).toEqual(['operation.failed']);
  });

  it('times out an operation whose execution TIMED_OUT', async () => {
    const { items, op, job, reconciler, notified, ended: endedIds } = setup('Initiated');
    expect(await reconciler.settle(ended(job, 'TIMED_OUT', 'States.Timeout'))).toMatchObject({ settled: true, status: 'Timeout' });
    expect(items.get(op.operationId)).toMatchObject({ status: 'Timeout', error: { error: 'OperationTimedOut' } });
    expect(notified).toEqual(['operation.timeout']);
    expect(endedIds).toEqual([op.operationId]);
  });

  it('fails without an automatic retry when the execution was stopped outside the service (ABORTED)', async () => {
    const { items, op, job, reconciler, scheduled } = setup('Running', { retryPolicy: { maxRetries: 3, retryDelay: 1 } });
    expect(await reconciler.settle({ ...ended(job, 'ABORTED'), error: null, cause: null })).toMatchObject({ settled: true, status: 'Failed' });
    expect(items.get(op.operationId)!.status).toBe('Failed');
    expect(scheduled).toEqual([]);
  });

  it('offers a FAILED execution to the retry policy like any failed attempt', async () => {
    const { job, reconciler, scheduled } = setup('Running', { retryPolicy: { maxRetries: 3, retryDelay: 1 } });
    await reconciler.settle(ended(job, 'FAILED'));
    expect(scheduled).toEqual(['retry']);
  });

  it('leaves alone ended operations, earlier attempts, unknown operations and other statuses', async () => {
    for (const status of ['Completed', 'Cancelled', 'Failed', 'Timeout', 'Queued'] as const) {
      const { items, op, job, reconciler, notified } = setup(status);
      expect(await reconciler.settle(ended(job, 'ABORTED'))).toEqual({ settled: false, reason: 'already-settled' });
      expect(items.get(op.operationId)!.status).toBe(status);
      expect(notified).toEqual([]);
    }
    const { job, reconciler, items, op } = setup();
    expect(await reconciler.settle(ended({ ...job, jobId: 'job-earlier' }, 'FAILED'))).toEqual({ settled: false, reason: 'stale-attempt' });
    expect(await reconciler.settle(ended({ ...job, operationId: 'op-unknown' }, 'FAILED'))).toEqual({ settled: false, reason: 'operation-not-found' });
    expect(await reconciler.settle(ended(job, 'SUCCEEDED'))).toEqual({ settled: false, reason: 'not-an-ending' });
    expect(items.get(op.operationId)!.status).toBe('Running');
  });
});
