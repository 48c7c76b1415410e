import { describe, expect, it } from 'vitest';
import type { CallbackNotifier } from '../../../functions/domain/callbacks.ts';
import { OperationNotRunningError, PhaseRunner, type PhaseWork } from '../../../functions/domain/phase-runner.ts';
import { failureCodes, OperationFailure } from '../../../functions/domain/failures.ts';
import { CsvSyntaxError } from '../../../functions/mining/ingest/csv-scanner.ts';
import type { DatasetStore, JobJournal, ObjectStore, OperationStore } from '../../../functions/domain/ports.ts';
import type { JobRef, LogEntry, OperationRecord, PhaseRecord, TimelineEvent } from '../../../functions/domain/records.ts';

const job: JobRef = { tenantId: 't', projectId: 'p', operationId: 'op-1', jobId: 'job-1', operationType: 'ProcessMiningAnalysis' };

function setup(overrides: Partial<OperationRecord> = {}) {
  const operation = {
    ...job,
    status: 'Running',
    timeoutAt: '2026-01-01T01:00:00.000Z',
    timeoutSeconds: 3600,
    phases: [],
    ...overrides,
  } as unknown as OperationRecord;
  const phaseUpdates: Array<Partial<PhaseRecord>> = [];
  const transitions: string[] = [];
  const operations = {
    get: async () => structuredClone(operation),
    updatePhase: async (_s: unknown, _id: string, _phase: string, patch: Partial<PhaseRecord>) => void phaseUpdates.push(patch),
    transition: async (_s: unknown, _id: string, _from: unknown, to: string) => (transitions.push(to), true),
  } as unknown as OperationStore;
  const logs: LogEntry[] = [];
  const events: TimelineEvent[] = [];
  const journal: JobJournal = {
    read: async () => [],
    append: async (_job, facts) => {
      logs.push(...(facts.logs ?? []));
      events.push(...(facts.events ?? []));
    },
  };
  let now = new Date('2026-01-01T00:00:00.000Z');
  const clock = { now: () => now };
  const notified: string[] = [];
  const notifier = { notify: async (_op: unknown, event: string) => void notified.push(event) } as unknown as CallbackNotifier;
  const runner = (work: PhaseWork) =>
    new PhaseRunner(operations, {} as DatasetStore, {} as ObjectStore, journal, clock, { sampleIntervalMs: 60_000, memoryLimitBytes: null }, {
      ProcessDiscovery: work,
    } as Record<string, PhaseWork> as never, notifier);
  return { runner, phaseUpdates, transitions, logs, events, notified, setNow: (d: string) => (now = new Date(d)) };
}

describe('PhaseRunner', () => {
  it('records a phase from start to completion with its results and resources', async () => {
    const { runner, phaseUpdates, events, logs, notified } = setup();
    await runner(async (context) => {
      context.log('INFO', 'working');
      return { recordsProcessed: 42, results: { answer: 42 } };
    }).run('ProcessDiscovery', job);
    expect(phaseUpdates[0]).toMatchObject({ status: 'Running', startTime: '2026-01-01T00:00:00.000Z' });
    expect(phaseUpdates.at(-1)).toMatchObject({ status: 'Completed', recordsProcessed: 42, results: { answer: 42 }, durationMs: 0 });
    expect(phaseUpdates.at(-1)!.resources!.samples).toBeGreaterThan(0);
    expect(events.map((e) => e.eventType)).toEqual(['StageStarted', 'StageCompleted']);
    expect(logs.filter((l) => l.level !== 'DEBUG').map((l) => l.message)).toEqual(['Process Discovery started', 'working', 'Process Discovery completed']);
    expect(logs.find((l) => l.level === 'DEBUG')).toMatchObject({ message: 'Process Discovery resources', details: { storageRequests: 0, bytesWritten: 0 } });
    expect(logs.every((l) => l.component === 'ProcessMiner' && l.stage === 'Process Discovery')).toBe(true);
    expect(notified).toEqual(['operation.phase.started', 'operation.progress']);
  });

  it('records warnings and errors as timeline events as they happen, and the records done as DEBUG entries', async () => {
    const { runner, events, logs } = setup();
    await runner(async (context) => {
      context.log('WARN', 'Found 3 records with missing timestamps', { affectedRecords: 3 });
      context.log('ERROR', 'Memory limit approached');
      return { recordsProcessed: 1, results: {} };
    }).run('ProcessDiscovery', job);
    expect(events.filter((e) => e.eventType === 'Warning' || e.eventType === 'Error')).toEqual([
      { timestamp: expect.any(String), eventType: 'Warning', description: 'Found 3 records with missing timestamps', details: { stageName: 'Process Discovery', affectedRecords: 3 } },
      { timestamp: expect.any(String), eventType: 'Error', description: 'Memory limit approached', details: { stageName: 'Process Discovery' } },
    ]);
    expect(logs.filter((l) => l.level === 'DEBUG').length).toBeGreaterThan(0);
  });

  it('marks the phase Failed and fails with a documented code, keeping the raw error out of the job log', async () => {
    const { runner, phaseUpdates, logs, events, notified } = setup();
    const consoleLines: string[] = [];
    const original = console.error;
    console.error = (line: string) => void consoleLines.push(line);
    try {
      const raw = Object.assign(new Error('The specified key does not exist.'), { name: 'NoSuchKey', $metadata: { httpStatusCode: 404 } });
      const failure = await runner(async () => Promise.reject(raw)).run('ProcessDiscovery', job).catch((e: unknown) => e);
      expect(failure).toBeInstanceOf(OperationFailure);
      expect(failure).toMatchObject({ name: 'InternalError', message: failureCodes.InternalError });
      expect(notified).toEqual(['operation.phase.started', 'operation.phase.failed']);
      expect(phaseUpdates.at(-1)).toMatchObject({ status: 'Failed' });
      expect(logs.at(-1)).toMatchObject({ level: 'ERROR', message: `Process Discovery failed: ${failureCodes.InternalError}`, details: { error: 'InternalError' } });
      // What clients can read (job log, timeline) never names the storage error; the function's log does.
      expect(JSON.stringify([logs, events])).not.toMatch(/NoSuchKey|specified key/);
      expect(consoleLines.join('\n')).toMatch(/NoSuchKey/);
    } finally {
      console.error = original;
    }
  });

  it("keeps a phase's documented failure and the engine's description of a bad file", async () => {
    const { runner, logs } = setup();
    const original = console.error;
    console.error = () => undefined;
    try {
      const missing = new OperationFailure('DatasetUnreadable');
      await expect(runner(async () => Promise.reject(missing)).run('ProcessDiscovery', job)).rejects.toBe(missing);
      const syntax = await runner(async () => Promise.reject(new CsvSyntaxError('quoted field not closed in record 3')))
        .run('ProcessDiscovery', job)
        .catch((e: unknown) => e);
      expect(syntax).toMatchObject({ name: 'DatasetInvalid', message: 'The dataset is not valid CSV: quoted field not closed in record 3' });
      expect(logs.at(-1)!.message).toContain('quoted field not closed');
    } finally {
      console.error = original;
    }
  });

  it('starts no phase on an operation that has ended', async () => {
    const { runner, phaseUpdates } = setup({ status: 'Cancelled' });
    await expect(runner(async () => ({ recordsProcessed: 0, results: {} })).run('ProcessDiscovery', job)).rejects.toBeInstanceOf(OperationNotRunningError);
    expect(phaseUpdates).toEqual([]);
  });

  it('times the operation out instead of starting a phase after its deadline', async () => {
    const { runner, transitions, notified, setNow } = setup();
    setNow('2026-01-01T01:00:00.001Z');
    await expect(runner(async () => ({ recordsProcessed: 0, results: {} })).run('ProcessDiscovery', job)).rejects.toThrow(/timed out/);
    expect(transitions).toEqual(['Timeout']);
    expect(notified).toEqual(['operation.timeout']);
  });
});
