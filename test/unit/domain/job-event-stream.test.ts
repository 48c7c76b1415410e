import { describe, expect, it } from 'vitest';
import { CallbackNotifier, type CallbackDelivery } from '../../../functions/domain/callbacks.ts';
import type { WebhookStore } from '../../../functions/domain/ports.ts';
import type { OperationRecord, WebhookRecord } from '../../../functions/domain/records.ts';
import { StreamPump } from '../../../functions/domain/stream-pump.ts';
import { ConnectRefusedError, StreamService } from '../../../functions/domain/stream-subscriptions.ts';
import { websocketSubscribeBody } from '../../../functions/schemas/webhook.ts';
import { MemoryJobEventLog, MemoryPumpQueue, MemorySender, MemoryStreamStore } from './memory-job-streams.ts';

let nowMs = Date.parse('2026-01-01T00:00:00Z');
const clock = { now: () => new Date(nowMs) };
const job = { tenantId: 't', projectId: 'p', jobId: 'job-1' };

const op = (status: OperationRecord['status'], completed = 0) =>
  ({
    ...job,
    operationId: 'op-1',
    operationType: 'ProcessMiningAnalysis',
    operationName: 'n',
    priority: 'High',
    status,
    phases: [
      { id: 'DataLoadingValidation', name: 'Data Loading & Validation', status: completed > 0 ? 'Completed' : 'Running' },
      { id: 'ProcessDiscovery', name: 'Process Discovery', status: completed > 1 ? 'Completed' : 'Pending' },
    ],
  }) as unknown as OperationRecord;

const webhook = {
  ...job,
  webhookId: 'wh-1',
  webhookUrl: 'https://hooks.example/h',
  status: 'Active',
  events: ['operation.phase.started', 'operation.progress', 'operation.completed'],
} as unknown as WebhookRecord;
const webhooks = { list: async () => [webhook] } as unknown as WebhookStore;

function setup() {
  const log = new MemoryJobEventLog();
  const store = new MemoryStreamStore();
  const sender = new MemorySender();
  const pumps = new MemoryPumpQueue();
  const deliveries: CallbackDelivery[] = [];
  const notifier = new CallbackNotifier({ send: async (d) => void deliveries.push(d) }, webhooks, clock, undefined, log, pumps);
  const service = new StreamService(
    store,
    { getByJob: async (_s, jobId) => (jobId === job.jobId ? op('Running') : undefined) },
    clock,
    { connectUrl: () => 'ws://127.0.0.1:1' },
    pumps,
  );
  const pump = new StreamPump(log, store, sender, clock);
  return { log, store, sender, pumps, deliveries, notifier, service, pump };
}

/** A job's events as the phases and the lifecycle recorder report them. */
async function runJob(notifier: CallbackNotifier) {
  await notifier.notify(op('Running'), 'operation.started');
  await notifier.notify(op('Running'), 'operation.phase.started');
  await notifier.notify(op('Running', 1), 'operation.progress');
  await notifier.notify(op('Running', 1), 'operation.phase.started');
  await notifier.notify(op('Running', 2), 'operation.progress');
  await notifier.notify(op('Completed', 2), 'operation.completed');
}

const subscribe = (service: StreamService, body: Record<string, unknown> = {}) =>
  service.subscribe(
    job,
    websocketSubscribeBody.parse({ subscriptionType: 'websocket', events: ['stageStarted', 'stageCompleted', 'progressUpdate', 'jobCompleted'], ...body }),
    'alice',
  );

describe('the job event log through the notifier', () => {
  it('numbers every event once, in order, and sends the webhooks the same numbers', async () => {
    const { log, deliveries, notifier, pumps } = setup();
    await runJob(notifier);
    const events = log.jobs.get('t/p/job-1')!.events;
    // A progress event is also its phase's completion: two entries.
    expect(events.map((e) => [e.sequence, e.type])).toEqual([
      [1, 'operation.started'],
      [2, 'operation.phase.started'],
      [3, 'operation.phase.completed'],
      [4, 'operation.progress'],
      [5, 'operation.phase.started'],
      [6, 'operation.phase.completed'],
      [7, 'operation.progress'],
      [8, 'operation.completed'],
    ]);
    expect(events.filter((e) => e.terminal).map((e) => e.type)).toEqual(['operation.completed']);
    expect(deliveries.map((d) => [d.event, d.payload.sequence])).toEqual([
      ['operation.phase.started', 2],
      ['operation.progress', 4],
      ['operation.phase.started', 5],
      ['operation.progress', 7],
      ['operation.completed', 8],
    ]);
    // Each append wakes the job's connections.
    expect(pumps.sent).toHaveLength(6);
  });

  it('sends nothing after the terminal event, whatever the caller reports', async () => {
    const { log, deliveries, notifier } = setup();
    await notifier.notify(op('Running'), 'operation.phase.started');
    await notifier.notify(op('Completed', 2), 'operation.completed');
    // A late phase still believing the job runs, and a second completion: both refused by the closed log.
    await notifier.notify(op('Running', 1), 'operation.progress');
    await notifier.notify(op('Completed', 2), 'operation.completed');
    expect(log.jobs.get('t/p/job-1')!.events.map((e) => e.type)).toEqual(['operation.phase.started', 'operation.completed']);
    expect(deliveries.filter((d) => d.event === 'operation.completed')).toHaveLength(1);
    expect(deliveries.at(-1)!.event).toBe('operation.completed');
  });

  it('numbers concurrent events apart', async () => {
    const { log, notifier } = setup();
    await Promise.all([
      notifier.notify(op('Running'), 'operation.phase.started'),
      notifier.notify(op('Running'), 'operation.warning'),
      notifier.notify(op('Running', 1), 'operation.progress'),
    ]);
    expect(log.jobs.get('t/p/job-1')!.events.map((e) => e.sequence)).toEqual([1, 2, 3, 4]);
  });
});

describe('a failed job', () => {
  it('sends a subscriber one error for the stage and one jobCompleted for the end, on webhooks and streams alike', async () => {
    const subscription = { ...job, webhookId: 'sub-1', jobId: 'job-1', jobEvents: ['error', 'jobCompleted'], webhookUrl: 'https://hooks.example/s', status: 'Active', events: ['operation.phase.failed', 'operation.failed', 'operation.timeout', 'operation.completed', 'operation.cancelled'] } as unknown as WebhookRecord;
    const log = new MemoryJobEventLog();
    const deliveries: CallbackDelivery[] = [];
    const notifier = new CallbackNotifier({ send: async (d) => void deliveries.push(d) }, { list: async () => [subscription] } as unknown as WebhookStore, clock, undefined, log, new MemoryPumpQueue());
    await notifier.notify(op('Running'), 'operation.phase.failed');
    await notifier.notify(op('Failed'), 'operation.failed');
    await notifier.notify(op('Failed'), 'operation.failed');
    expect(deliveries.map((d) => [d.event, d.payload.status, d.payload.sequence])).toEqual([
      ['error', 'Running', 1],
      ['jobCompleted', 'Failed', 2],
    ]);

    const streamed = setup();
    const { connection } = await subscribe(streamed.service, { events: ['error', 'jobCompleted'] });
    await streamed.service.connect({ connectionId: 'c1', token: connection.token });
    await streamed.notifier.notify(op('Running'), 'operation.phase.failed');
    await streamed.notifier.notify(op('Failed'), 'operation.failed');
    await streamed.pump.pump(job);
    expect(streamed.sender.of('c1').map((m) => m.event ?? m.type)).toEqual(['error', 'jobCompleted', 'end']);
  });
});

describe('WebSocket subscriptions', () => {
  it('answers with a connection URL and a token bound to the job', async () => {
    const { service, store } = setup();
    const answer = await subscribe(service, { expiresIn: 3600 });
    expect(answer).toMatchObject({
      subscriptionType: 'websocket',
      jobId: 'job-1',
      status: 'Active',
      connection: { url: 'ws://127.0.0.1:1/?jobId=job-1', resumeParameter: 'afterSeq' },
    });
    expect(answer.connection.token).toMatch(/^wst_[A-Za-z0-9_-]{43}$/);
    // Only the token's hash is stored.
    expect(JSON.stringify([...store.subscriptions.entries()])).not.toContain(answer.connection.token);
    await expect(
      service.subscribe({ ...job, jobId: 'job-2' }, websocketSubscribeBody.parse({ subscriptionType: 'websocket', events: ['jobCompleted'] }), 'a'),
    ).rejects.toThrow(/does not exist/);
  });

  it('refuses a missing, unknown, foreign or expired token at connect, and a malformed afterSeq', async () => {
    const { service, pumps } = setup();
    const { connection } = await subscribe(service, { expiresIn: 60 });
    const refusal = (request: Parameters<StreamService['connect']>[0]) =>
      service.connect(request).then(
        () => 200,
        (e: unknown) => (e instanceof ConnectRefusedError ? e.statusCode : 500),
      );
    expect(await refusal({ connectionId: 'c1' })).toBe(401);
    expect(await refusal({ connectionId: 'c1', token: 'wst_forged' })).toBe(401);
    expect(await refusal({ connectionId: 'c1', token: connection.token, jobId: 'job-2' })).toBe(401);
    expect(await refusal({ connectionId: 'c1', token: connection.token, afterSeq: '-1' })).toBe(400);
    expect(await refusal({ connectionId: 'c1', token: connection.token, jobId: 'JOB-1', afterSeq: '3' })).toBe(200);
    // The backlog once open, and a last look at expiry (within SQS's longest delay).
    expect(pumps.sent.map((s) => s.delaySeconds)).toEqual([1, 61]);
    nowMs += 61_000;
    expect(await refusal({ connectionId: 'c2', token: connection.token })).toBe(401);
  });

  it('streams the subscribed events in order, filtered, then ends and closes after the terminal event', async () => {
    const { service, notifier, pump, sender, store } = setup();
    const { connection } = await subscribe(service, { events: ['stageStarted', 'jobCompleted'] });
    await service.connect({ connectionId: 'c1', token: connection.token });
    await runJob(notifier);
    await pump.pump(job);
    expect(sender.of('c1')).toEqual([
      expect.objectContaining({ type: 'event', sequence: 2, event: 'stageStarted', jobId: 'job-1' }),
      expect.objectContaining({ type: 'event', sequence: 5, event: 'stageStarted' }),
      expect.objectContaining({ type: 'event', sequence: 8, event: 'jobCompleted', data: expect.objectContaining({ status: 'Completed' }) }),
      { type: 'end', reason: 'jobEnded', lastSequence: 8 },
    ]);
    expect(sender.closed.has('c1')).toBe(true);
    expect(store.connections.size).toBe(0);
  });

  it('resumes after afterSeq on reconnect: the missed events, none twice', async () => {
    const { service, notifier, pump, sender } = setup();
    const { connection } = await subscribe(service);
    await service.connect({ connectionId: 'c1', token: connection.token });
    await notifier.notify(op('Running'), 'operation.phase.started');
    await notifier.notify(op('Running', 1), 'operation.progress');
    await pump.pump(job);
    const first = sender.of('c1').map((m) => m.sequence);
    expect(first).toEqual([1, 2, 3]);
    // The client goes away; events keep coming.
    await service.disconnect('c1');
    await notifier.notify(op('Running', 1), 'operation.phase.started');
    await pump.pump(job);
    await service.connect({ connectionId: 'c2', token: connection.token, afterSeq: String(first.at(-1)) });
    await notifier.notify(op('Completed', 2), 'operation.completed');
    await pump.pump({ ...job, connectionId: 'c2' });
    expect(sender.of('c2').map((m) => m.sequence ?? m.type)).toEqual([4, 5, 'end']);
  });

  it('ends at once a client that resumes after the terminal event', async () => {
    const { service, notifier, pump, sender, store } = setup();
    const { connection } = await subscribe(service);
    await runJob(notifier);
    await service.connect({ connectionId: 'late', token: connection.token, afterSeq: '8' });
    await service.connect({ connectionId: 'mid', token: connection.token, afterSeq: '6' });
    await pump.pump(job);
    expect(sender.of('late')).toEqual([{ type: 'end', reason: 'jobEnded', lastSequence: 8 }]);
    expect(sender.of('mid').map((m) => m.sequence ?? m.type)).toEqual([7, 8, 'end']);
    expect(sender.closed).toEqual(new Set(['late', 'mid']));
    expect(store.connections.size).toBe(0);
  });

  it('applies minProgressIncrement and notifyOnErrors', async () => {
    const { service, notifier, pump, sender } = setup();
    const { connection } = await subscribe(service, { events: ['progressUpdate'], filters: { minProgressIncrement: 100, notifyOnErrors: true } });
    await service.connect({ connectionId: 'c1', token: connection.token });
    await notifier.notify(op('Running', 1), 'operation.progress');
    await notifier.notify(op('Running', 1), 'operation.phase.failed');
    await notifier.notify(op('Running', 2), 'operation.progress');
    await pump.pump(job);
    // 50 % does not cross a multiple of 100; 100 % does.
    expect(sender.of('c1').map((m) => [m.sequence, m.event])).toEqual([
      [3, 'error'],
      [5, 'progressUpdate'],
    ]);
  });

  it('sends each event once when pumps run at the same time', async () => {
    const { service, notifier, pump, sender } = setup();
    const { connection } = await subscribe(service);
    await service.connect({ connectionId: 'c1', token: connection.token });
    const pumping: Promise<void>[] = [];
    for (const [status, completed, event] of [
      ['Running', 0, 'operation.phase.started'],
      ['Running', 1, 'operation.progress'],
      ['Running', 1, 'operation.phase.started'],
      ['Running', 2, 'operation.progress'],
      ['Completed', 2, 'operation.completed'],
    ] as const) {
      await notifier.notify(op(status, completed), event);
      pumping.push(pump.pump(job), pump.pump(job));
    }
    await Promise.all(pumping);
    const sequences = sender
      .of('c1')
      .filter((m) => m.type === 'event')
      .map((m) => m.sequence);
    expect(sequences).toEqual([1, 2, 3, 4, 5, 6, 7]);
    expect(sender.of('c1').at(-1)).toEqual({ type: 'end', reason: 'jobEnded', lastSequence: 7 });
  });

  it('gives the connection back with what was sent when a send fails, so the retry resumes there', async () => {
    const { service, notifier, pump, sender, store } = setup();
    const { connection } = await subscribe(service);
    await service.connect({ connectionId: 'c1', token: connection.token });
    await notifier.notify(op('Running'), 'operation.phase.started');
    await notifier.notify(op('Running', 1), 'operation.progress');
    const send = sender.send.bind(sender);
    let calls = 0;
    sender.send = async (id, data) => (++calls === 2 ? Promise.reject(new Error('throttled')) : send(id, data));
    await expect(pump.pump(job)).rejects.toThrow('throttled');
    expect(store.connections.get('c1')).toMatchObject({ sentSequence: 1 });
    expect(store.connections.get('c1')!.leaseUntil).toBeUndefined();
    await pump.pump(job);
    expect(sender.of('c1').map((m) => m.sequence)).toEqual([1, 2, 3]);
  });

  it('forgets a gone connection, and closes an expired one', async () => {
    const { service, notifier, pump, sender, store } = setup();
    const { connection } = await subscribe(service, { expiresIn: 60 });
    await service.connect({ connectionId: 'gone', token: connection.token });
    await service.connect({ connectionId: 'open', token: connection.token });
    sender.gone.add('gone');
    nowMs += 30_000;
    await notifier.notify(op('Running'), 'operation.phase.started');
    await pump.pump(job);
    expect([...store.connections.keys()]).toEqual(['open']);
    nowMs += 31_000;
    await pump.pump(job);
    expect(sender.of('open').at(-1)).toEqual({ type: 'end', reason: 'expired', lastSequence: 1 });
    expect(store.connections.size).toBe(0);
  });
});
