import { describe, expect, it } from 'vitest';
import { CallbackNotifier, type CallbackDelivery } from '../../../functions/domain/callbacks.ts';
import type { DatasetService } from '../../../functions/domain/dataset-service.ts';
import { OperationService } from '../../../functions/domain/operation-service.ts';
import type { CancellationQueue, ObjectStore, OperationStore, WebhookStore, WorkflowEngine } from '../../../functions/domain/ports.ts';
import { pricesByRegion } from '../../../functions/domain/pricing.ts';
import type { OperationRecord, PhaseRecord, WebhookRecord } from '../../../functions/domain/records.ts';
import { startOperationBody } from '../../../functions/schemas/operation.ts';

const scope = { tenantId: '11111111-1111-4111-8111-111111111111', projectId: '22222222-2222-4222-8222-222222222222' };
const clock = { now: () => new Date('2026-01-01T00:10:00Z') };

/** An operation in its second phase, with callbacks for every event and one earlier attempt's job. */
function runningOperation(overrides: Partial<OperationRecord> = {}): OperationRecord {
  return {
    ...scope,
    operationId: 'op-1',
    jobId: 'job-2',
    operationType: 'ProcessMiningAnalysis',
    operationName: 'n',
    priority: 'High',
    status: 'Running',
    parameters: startOperationBody.parse({ operationType: 'ProcessMiningAnalysis', operationName: 'n', parameters: { datasetId: '33333333-3333-4333-8333-333333333333' } }).parameters,
    callbacks: { onProgress: 'http://127.0.0.1:9/p', onCompletion: 'http://127.0.0.1:9/c', onError: 'http://127.0.0.1:9/e' },
    timeoutSeconds: 3600,
    submittedBy: 'alice',
    dateCreated: '2026-01-01T00:00:00.000Z',
    timeoutAt: '2026-01-01T01:00:00.000Z',
    startTime: '2026-01-01T00:00:01.000Z',
    executionArn: 'arn:exec',
    attempts: [
      { attempt: 1, jobId: 'job-1', status: 'Failed', createdAt: '2026-01-01T00:00:00.000Z' },
      { attempt: 2, jobId: 'job-2', status: 'Running', createdAt: '2026-01-01T00:05:00.000Z' },
    ],
    phases: [
      { id: 'DataLoadingValidation', name: 'Data Loading & Validation', status: 'Completed', startTime: '2026-01-01T00:00:02.000Z', endTime: '2026-01-01T00:00:05.000Z' },
      { id: 'ProcessDiscovery', name: 'Process Discovery', status: 'Running', startTime: '2026-01-01T00:09:00.000Z' },
      { id: 'PerformanceAnalysis', name: 'Performance Analysis', status: 'Pending' },
    ],
    ...overrides,
  } as OperationRecord;
}

/** The store's contract as the Dynamo adapter keeps it, fence included (see OperationStore.updatePhase). */
function memoryStore(initial: OperationRecord) {
  const items = new Map<string, OperationRecord>([[initial.operationId, structuredClone(initial)]]);
  const store: Partial<OperationStore> = {
    list: async () => ({ items: [], hasMore: false }),
    get: async (_s, id) => structuredClone(items.get(id)),
    update: async (_s, id, fields) => void Object.assign(items.get(id)!, fields),
    transition: async (_s, id, from, to, fields = {}) => {
      const op = items.get(id);
      if (!op || !from.includes(op.status)) return false;
      Object.assign(op, fields, { status: to });
      return true;
    },
    updatePhase: async (s, id, phaseId, patch) => {
      const op = items.get(id)!;
      if (s.jobId && (s.jobId !== op.jobId || op.cancellation?.forceTermination)) throw new Error('FencedWrite');
      Object.assign(op.phases.find((p) => p.id === phaseId)!, patch);
    },
  };
  return { items, store: store as OperationStore };
}

/** Objects by key, with the prefix operations the cancellation uses. */
function memoryObjects(keys: string[]) {
  const objects = new Set(keys);
  const store = {
    listPrefix: async (prefix: string, limit: number) => [...objects].filter((k) => k.startsWith(prefix)).sort().slice(0, limit),
    deletePrefix: async (prefix: string) => {
      const doomed = [...objects].filter((k) => k.startsWith(prefix));
      doomed.forEach((k) => objects.delete(k));
      return doomed.length;
    },
    presignGet: async (key: string) => `http://127.0.0.1:9/signed/${key}`,
  } as unknown as ObjectStore;
  return { objects, store };
}

const prefix = (jobId: string) => `tenants/${scope.tenantId}/projects/${scope.projectId}/jobs/${jobId}/`;
const workflows: WorkflowEngine = { start: async () => ({ executionArn: 'arn' }), stop: async () => undefined };
const datasets = {} as DatasetService;
const receivers = { assertAllowed: async () => undefined };

function service(store: OperationStore, objects: ObjectStore, queue: CancellationQueue = { send: async () => undefined }, notifier?: Pick<CallbackNotifier, 'notify'>) {
  return new OperationService(store, datasets, workflows, objects, queue, clock, pricesByRegion['us-east-1'], receivers, undefined, notifier);
}

const webhook = { ...scope, webhookId: 'wh-1', webhookUrl: 'http://127.0.0.1:9/hook', events: ['operation.progress', 'operation.phase.completed', 'operation.cancelled'], status: 'Active' } as unknown as WebhookRecord;
const webhooks = { list: async () => [webhook] } as unknown as WebhookStore;

function notifierOver(store: OperationStore) {
  const sent: CallbackDelivery[] = [];
  return { sent, notifier: new CallbackNotifier({ send: async (d) => void sent.push(d) }, webhooks, clock, store) };
}

describe('forced cancellation', () => {
  it('records the running phase Cancelled and fences off the stopped job’s later writes', async () => {
    const { items, store } = memoryStore(runningOperation());
    const queued: unknown[] = [];
    await service(store, memoryObjects([]).store, { send: async (m) => void queued.push(m) }).cancel(scope, 'op-1', { preservePartialResults: true, forceTermination: true, notifyCallbacks: true }, 'bob');
    const phase = items.get('op-1')!.phases[1]!;
    expect(phase).toMatchObject({ status: 'Cancelled', endTime: '2026-01-01T00:10:00.000Z', durationMs: 60_000 });
    expect(queued).toEqual([{ job: expect.objectContaining({ jobId: 'job-2' }), executionArn: 'arn:exec', requestedAt: '2026-01-01T00:10:00.000Z' }]);
    // The phase's own run, still going, tries to record its completion.
    const job = { ...scope, operationId: 'op-1', jobId: 'job-2', operationType: 'ProcessMiningAnalysis' as const };
    await expect(store.updatePhase(job, 'op-1', 'ProcessDiscovery', { status: 'Completed' })).rejects.toThrow('FencedWrite');
    expect(items.get('op-1')!.phases[1]!.status).toBe('Cancelled');
  });

  it('leaves a graceful cancellation’s running phase to finish and record itself', async () => {
    const { items, store } = memoryStore(runningOperation());
    await service(store, memoryObjects([]).store).cancel(scope, 'op-1', { preservePartialResults: true, forceTermination: false, notifyCallbacks: true }, 'bob');
    expect(items.get('op-1')!.phases[1]!.status).toBe('Running');
    const job = { ...scope, operationId: 'op-1', jobId: 'job-2', operationType: 'ProcessMiningAnalysis' as const };
    await store.updatePhase(job, 'op-1', 'ProcessDiscovery', { status: 'Completed' } as Partial<PhaseRecord>);
    expect(items.get('op-1')!.phases[1]!.status).toBe('Completed');
  });
});

describe('partial results', () => {
  const stored = [`${prefix('job-2')}checkpoints/event-log.bin`, `${prefix('job-2')}results/discovery.json`, `${prefix('job-1')}checkpoints/event-log.bin`, `${prefix('job-9')}other.json`];

  it('answers with download URLs of the stored outputs when kept', async () => {
    const { store } = memoryStore(runningOperation());
    const { objects, store: objectStore } = memoryObjects(stored);
    const result = await service(store, objectStore).cancel(scope, 'op-1', { preservePartialResults: true, forceTermination: false, notifyCallbacks: true }, 'bob');
    expect(result.partialResults).toEqual({
      available: true,
      completedPhases: 1,
      discarded: false,
      downloadUrls: [`http://127.0.0.1:9/signed/${stored[0]}`, `http://127.0.0.1:9/signed/${stored[1]}`],
      expiresAt: '2026-01-01T01:10:00.000Z',
    });
    expect(objects.size).toBe(4);
  });

  it('deletes every attempt’s stored outputs when not kept, and says so', async () => {
    const { store } = memoryStore(runningOperation());
    const { objects, store: objectStore } = memoryObjects(stored);
    const result = await service(store, objectStore).cancel(scope, 'op-1', { preservePartialResults: false, forceTermination: false, notifyCallbacks: true }, 'bob');
    expect(result.partialResults).toEqual({ available: false, completedPhases: 1, discarded: true, objectsDeleted: 3, downloadUrls: [] });
    // Another job's objects are untouched.
    expect([...objects]).toEqual([`${prefix('job-9')}other.json`]);
  });

  it('reports the resources the phases held and what the cancellation saved', async () => {
    const { store } = memoryStore(runningOperation({ costEstimate: { usd: 1, gbSeconds: 1000, stateTransitions: 10, basedOnOperations: 3 } } as Partial<OperationRecord>));
    const result = await service(store, memoryObjects([]).store).cancel(scope, 'op-1', { preservePartialResults: true, forceTermination: true, notifyCallbacks: true }, 'bob');
    expect(result.resourcesReleased).toMatchObject({ cpuUnits: expect.any(Number), memoryGB: expect.any(Number), costSaved: expect.stringMatching(/^\$/) });
  });
});

describe('events around a cancellation', () => {
  it('sends nothing but operation.cancelled once the stored operation is Cancelled, whatever snapshot the sender holds', async () => {
    const { items, store } = memoryStore(runningOperation());
    const { sent, notifier } = notifierOver(store);
    const snapshot = runningOperation();
    await service(store, memoryObjects([]).store).cancel(scope, 'op-1', { preservePartialResults: true, forceTermination: true, notifyCallbacks: true }, 'bob');
    await notifier.notify(snapshot, 'operation.progress', { phase: snapshot.phases[1]! });
    await notifier.notify(snapshot, 'operation.phase.started');
    expect(sent).toEqual([]);
    await notifier.notify(items.get('op-1')!, 'operation.cancelled');
    expect(sent.map((d) => [d.event, d.target.kind])).toEqual([
      ['operation.cancelled', 'callback'],
      ['operation.cancelled', 'webhook'],
    ]);
  });

  it('sends nothing for a job that is no longer the current attempt', async () => {
    const { store } = memoryStore(runningOperation());
    const { sent, notifier } = notifierOver(store);
    await notifier.notify(runningOperation({ jobId: 'job-1' }), 'operation.progress', { phase: runningOperation().phases[0]! });
    expect(sent).toEqual([]);
    await notifier.notify(runningOperation(), 'operation.progress', { phase: runningOperation().phases[0]! });
    expect(sent.map((d) => d.event)).toEqual(['operation.progress', 'operation.phase.completed', 'operation.progress']);
  });

  it('with notifyCallbacks false silences the operation’s callbacks, not the project’s webhooks', async () => {
    const { items, store } = memoryStore(runningOperation());
    const { sent, notifier } = notifierOver(store);
    await service(store, memoryObjects([]).store).cancel(scope, 'op-1', { preservePartialResults: true, forceTermination: false, notifyCallbacks: false }, 'bob');
    await notifier.notify(items.get('op-1')!, 'operation.cancelled');
    expect(sent.map((d) => [d.event, d.target.kind, d.url])).toEqual([['operation.cancelled', 'webhook', 'http://127.0.0.1:9/hook']]);
  });

  it('announces an operation a batch cancelled like any other cancellation', async () => {
    const { items, store } = memoryStore(runningOperation({ status: 'Queued' }));
    const { sent, notifier } = notifierOver(store);
    const operations = service(store, memoryObjects([]).store, undefined, notifier);
    await operations.announceCancelled(scope, 'op-1');
    expect(sent).toEqual([]);
    Object.assign(items.get('op-1')!, { status: 'Cancelled', cancellation: { cancelledBy: 'batch', notifyCallbacks: true } });
    await operations.announceCancelled(scope, 'op-1');
    expect(sent.map((d) => [d.event, d.target.kind])).toEqual([
      ['operation.cancelled', 'callback'],
      ['operation.cancelled', 'webhook'],
    ]);
  });
});
