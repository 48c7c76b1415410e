import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { AutomaticRetries, isRetryable, retryDelaySeconds, type AttemptMessage, type TimerMessage } from '../../../functions/domain/automatic-retries.ts';
import type { CallbackNotifier } from '../../../functions/domain/callbacks.ts';
import { allowedTransitions, commands } from '../../../functions/domain/lifecycle.ts';
import { LifecycleRecorder } from '../../../functions/domain/lifecycle-recorder.ts';
import { newOperation, OperationService } from '../../../functions/domain/operation-service.ts';
import type { DatasetService } from '../../../functions/domain/dataset-service.ts';
import { pricesByRegion } from '../../../functions/domain/pricing.ts';
import { PhaseRunner } from '../../../functions/domain/phase-runner.ts';
import type { DatasetStore, JobJournal, ObjectStore, OperationStore, WorkflowEngine } from '../../../functions/domain/ports.ts';
import { terminalStatuses, type JobRef, type OperationRecord } from '../../../functions/domain/records.ts';
import { operationStatuses, startOperationBody, type OperationStatus } from '../../../functions/schemas/operation.ts';

const scope = { tenantId: '11111111-1111-4111-8111-111111111111', projectId: '22222222-2222-4222-8222-222222222222' };

/** A store that refuses, loudly, any move the table does not allow, and remembers every move it made. */
function strictStore() {
  const items = new Map<string, OperationRecord>();
  const moves: string[] = [];
  const jobs = new Map<string, string>();
  const store: Partial<OperationStore> = {
    create: async (op) => void items.set(op.operationId, structuredClone(op)),
    get: async (_s, id) => structuredClone(items.get(id)),
    update: async (_s, id, fields) => void Object.assign(items.get(id)!, fields),
    updatePhase: async (_s, id, phaseId, patch, fields = {}) => {
      const op = items.get(id)!;
      Object.assign(op.phases.find((p) => p.id === phaseId)!, patch);
      Object.assign(op, fields);
    },
    addAttemptJob: async (_s, id, attempt) => void jobs.set(attempt.jobId, id),
    transition: async (_s, id, from, to, fields = {}) => {
      const op = items.get(id);
      if (!op || !from.includes(op.status)) return false;
      if (!allowedTransitions[op.status].includes(to)) throw new Error(`${op.status} → ${to} is not in the lifecycle table`);
      moves.push(`${op.status}→${to}`);
      Object.assign(op, fields, { status: to });
      return true;
    },
  };
  return { items, moves, jobs, store: store as OperationStore };
}

const journal: JobJournal = { append: async () => undefined, read: async () => [] };
const notifier = { notify: async () => undefined } as unknown as CallbackNotifier;
const jobOf = (op: OperationRecord): JobRef => ({ ...scope, operationId: op.operationId, jobId: op.jobId, operationType: op.operationType });

describe('the lifecycle table', () => {
  it('covers every status, and terminal statuses have no way out', () => {
    expect(Object.keys(allowedTransitions).sort()).toEqual([...operationStatuses].sort());
    for (const status of terminalStatuses) expect(allowedTransitions[status]).toEqual([]);
  });

  it('allows every move of every named command', () => {
    for (const [name, command] of Object.entries(commands)) {
      for (const from of command.from) expect(allowedTransitions[from as OperationStatus], `${name}: ${from} → ${command.to}`).toContain(command.to);
    }
  });

  it('is the only caller of the store transition in the domain', () => {
    const dir = join(import.meta.dirname, '../../../functions/domain');
    const callers = readdirSync(dir, { recursive: true, encoding: 'utf8' })
      .filter((file) => file.endsWith('.ts') && file !== 'lifecycle.ts')
      .filter((file) => /\.transition\(/.test(readFileSync(join(dir, file), 'utf8')));
    expect(callers).toEqual([]);
  });
});

describe('automatic retries', () => {
  it('waits retryDelay × backoffMultiplier^k, capped at 15 minutes, shortened by at most 10 % of jitter', () => {
    const policy = { retryDelay: 10, backoffMultiplier: 2 };
    expect([0, 1, 2].map((k) => retryDelaySeconds(policy, k, () => 0))).toEqual([10, 20, 40]);
    expect(retryDelaySeconds(policy, 1, () => 1)).toBe(18);
    expect(retryDelaySeconds(policy, 10, () => 0)).toBe(900);
  });

  it('retries internal errors and crashes, not the failures the data decides', () => {
    expect(isRetryable('InternalError')).toBe(true);
    expect(isRetryable('PhaseTimedOut')).toBe(true);
    for (const code of ['DatasetInvalid', 'DatasetNotFound', 'NoTimestamps', 'NoEventsInWindow']) expect(isRetryable(code)).toBe(false);
  });

  it('moves an operation only along the table: fail, wait, retry at the failed phase, complete', async () => {
    let now = new Date('2026-01-01T00:00:00Z');
    const clock = { now: () => now };
    const { items, moves, store } = strictStore();
    const request = startOperationBody.parse({ operationType: 'ProcessMiningAnalysis', operationName: 'n', parameters: { datasetId: scope.projectId }, retryPolicy: { maxRetries: 2, retryDelay: 10, backoffMultiplier: 2 } });
    const op = newOperation(scope, request, 'alice', now);
    await store.create(op);
    const sent: Array<{ message: AttemptMessage; delaySeconds: number }> = [];
    const started: Array<{ name: string; resumeFrom?: string }> = [];
    const workflows: WorkflowEngine = { start: async (_t, name, input) => (started.push({ name, resumeFrom: input.resumeFrom }), { executionArn: `arn:${name}` }), stop: async () => undefined };
    const copied: string[] = [];
    const objects = { copyPrefix: async (from: string, to: string) => (copied.push(`${from} → ${to}`), 1) } as unknown as ObjectStore;
    const ended: string[] = [];
    const retries = new AutomaticRetries(store, objects, workflows, { send: async (message: TimerMessage, options) => void sent.push({ message: message as AttemptMessage, delaySeconds: options.delaySeconds }) }, notifier, clock, async (_s, id) => void ended.push(id), () => 0);
    const recorder = new LifecycleRecorder(store, journal, notifier, { operationEnded: async () => undefined }, clock, retries);

    await recorder.record({ event: 'started', job: jobOf(op) });
    items.get(op.operationId)!.phases[0]!.status = 'Completed';
    await recorder.record({ event: 'failed', job: jobOf(op), error: { Error: 'InternalError', Cause: 'boom' } });
    const waiting = items.get(op.operationId)!;
    expect(waiting).toMatchObject({ status: 'Queued', waitingFor: 'retry' });
    expect(waiting.attempts!.map((a) => [a.attempt, a.status])).toEqual([
      [1, 'Failed'],
      [2, 'Scheduled'],
    ]);
    expect(waiting.attempts![1]!.resumeFrom).toBe(waiting.phases[1]!.id);
    expect(sent).toEqual([{ message: { ...scope, operationId: op.operationId, jobId: waiting.jobId }, delaySeconds: 10 }]);

    now = new Date('2026-01-01T00:00:10Z');
    await retries.startAttempt(sent[0]!.message);
    expect(started.at(-1)).toEqual({ name: waiting.jobId, resumeFrom: waiting.phases[1]!.id });
    expect(copied).toEqual([`tenants/${scope.tenantId}/projects/${scope.projectId}/jobs/${op.jobId}/ → tenants/${scope.tenantId}/projects/${scope.projectId}/jobs/${waiting.jobId}/`]);
    // The first attempt's execution reporting late changes nothing.
    expect(await recorder.record({ event: 'completed', job: jobOf(op) })).toEqual({ recorded: false });
    await recorder.record({ event: 'started', job: jobOf(waiting) });
    await recorder.record({ event: 'completed', job: jobOf(waiting) });
    expect(items.get(op.operationId)!.status).toBe('Completed');
    expect(items.get(op.operationId)!.attempts!.map((a) => a.status)).toEqual(['Failed', 'Completed']);
    expect(moves).toEqual(['Initiated→Running', 'Running→Queued', 'Queued→Initiated', 'Initiated→Running', 'Running→Completed']);
  });

  it('ends Failed after the last attempt, with growing delays, and never retries a data error', async () => {
    const clock = { now: () => new Date('2026-01-01T00:00:00Z') };
    const { items, store } = strictStore();
    const request = startOperationBody.parse({ operationType: 'ProcessMiningAnalysis', operationName: 'n', parameters: { datasetId: scope.projectId }, retryPolicy: { maxRetries: 2, retryDelay: 5, backoffMultiplier: 3 } });
    const op = newOperation(scope, request, 'alice', clock.now());
    await store.create(op);
    const delays: number[] = [];
    const workflows: WorkflowEngine = { start: async (_t, name) => ({ executionArn: name }), stop: async () => undefined };
    const retries = new AutomaticRetries(store, { copyPrefix: async () => 0 } as unknown as ObjectStore, workflows, { send: async (m, o) => void delays.push(o.delaySeconds) }, notifier, clock, async () => undefined, () => 0);
    const recorder = new LifecycleRecorder(store, journal, notifier, { operationEnded: async () => undefined }, clock, retries);
    for (let attempt = 1; attempt <= 3; attempt += 1) {
      const current = items.get(op.operationId)!;
      if (attempt > 1) await retries.startAttempt({ ...scope, operationId: op.operationId, jobId: current.jobId });
      await recorder.record({ event: 'started', job: jobOf(current) });
      await recorder.record({ event: 'failed', job: jobOf(current), error: { Error: 'InternalError' } });
    }
    const failed = items.get(op.operationId)!;
    expect(failed.status).toBe('Failed');
    expect(failed.attempts!.map((a) => a.status)).toEqual(['Failed', 'Failed', 'Failed']);
    expect(delays).toEqual([5, 15]);

    const second = newOperation(scope, request, 'alice', clock.now());
    await store.create(second);
    await recorder.record({ event: 'started', job: jobOf(second) });
    await recorder.record({ event: 'failed', job: jobOf(second), error: { Error: 'DatasetInvalid', Cause: 'bad file' } });
    expect(items.get(second.operationId)).toMatchObject({ status: 'Failed', error: { error: 'DatasetInvalid', cause: expect.stringContaining('not retryable') } });
  });

  it('times a running phase out at timeoutAt: operation Timeout, phase Timeout', async () => {
    const clock = { now: () => new Date() };
    const { items, store } = strictStore();
    const request = startOperationBody.parse({ operationType: 'ProcessMiningAnalysis', operationName: 'n', parameters: { datasetId: scope.projectId } });
    const op = { ...newOperation(scope, request, 'alice', new Date()), status: 'Running' as const, timeoutAt: new Date(Date.now() + 200).toISOString() };
    await store.create(op);
    const notified: string[] = [];
    const runner = new PhaseRunner(
      store,
      {} as DatasetStore,
      {} as ObjectStore,
      journal,
      clock,
      { sampleIntervalMs: 60_000, memoryLimitBytes: null },
      { [op.phases[0]!.id]: () => new Promise(() => undefined) } as never,
      { notify: async (_op: unknown, event: string) => void notified.push(event) } as unknown as CallbackNotifier,
    );
    await expect(runner.run(op.phases[0]!.id, jobOf(op))).rejects.toThrow(/timed out/);
    expect(items.get(op.operationId)).toMatchObject({ status: 'Timeout', error: { error: 'OperationTimedOut' } });
    expect(items.get(op.operationId)!.phases[0]!.status).toBe('Timeout');
    expect(notified).toContain('operation.timeout');
  });
});

describe('timeouts at admission', () => {
  it('times out a queued operation past its timeoutAt instead of starting it: queue time counts', async () => {
    const created = new Date('2026-01-01T00:00:00Z');
    const { items, moves, store } = strictStore();
    const request = startOperationBody.parse({ operationType: 'ProcessMiningAnalysis', operationName: 'n', parameters: { datasetId: scope.projectId }, timeout: 60 });
    const queued = { ...newOperation(scope, request, 'alice', created), status: 'Queued' as const, waitingFor: 'capacity' as const };
    await store.create(queued);
    Object.assign(store, {
      waitingForCapacity: async function* () {
        if (items.get(queued.operationId)!.status === 'Queued') yield structuredClone(items.get(queued.operationId)!);
      },
    });
    const started: string[] = [];
    const workflows: WorkflowEngine = { start: async (_t, name) => (started.push(name), { executionArn: name }), stop: async () => undefined };
    const notified: string[] = [];
    const service = new OperationService(
      store,
      {} as DatasetService,
      workflows,
      {} as ObjectStore,
      { send: async () => undefined },
      { now: () => new Date('2026-01-01T00:01:00Z') },
      pricesByRegion['us-east-1'],
      { assertAllowed: async () => undefined },
      undefined,
      { notify: async (_op, event) => void notified.push(event) },
    );
    expect(await service.admitQueued(scope)).toBe(0);
    expect(items.get(queued.operationId)).toMatchObject({ status: 'Timeout', error: { error: 'OperationTimedOut' } });
    expect(started).toEqual([]);
    expect(notified).toEqual(['operation.timeout']);
    expect(moves).toEqual(['Queued→Timeout']);
  });
});
