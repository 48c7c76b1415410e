import { describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { call, createDataset, newProject, startAnalysis, waitForStatus, type Project } from './client.ts';

interface Message {
  type: 'event' | 'end';
  sequence?: number;
  event?: string;
  timestamp?: string;
  jobId?: string;
  reason?: string;
  lastSequence?: number;
  data?: { phase?: { phaseName: string }; status?: string };
  /** When the client received it (added here, not sent). */
  receivedAt?: number;
}

/** A connected client: every message it received, and how it was closed. */
interface Client {
  messages: Message[];
  closed: Promise<{ code: number }>;
  socket: WebSocket;
}

function connect(url: string, token: string, afterSeq?: number): Promise<Client> {
  const target = new URL(url);
  target.searchParams.set('token', token);
  if (afterSeq !== undefined) target.searchParams.set('afterSeq', String(afterSeq));
  const socket = new WebSocket(target);
  const messages: Message[] = [];
  socket.on('message', (data) => messages.push({ ...(JSON.parse(String(data)) as Message), receivedAt: Date.now() }));
  const closed = new Promise<{ code: number }>((resolve) => socket.on('close', (code) => resolve({ code })));
  return new Promise((resolve, reject) => {
    socket.once('open', () => resolve({ messages, closed, socket }));
    socket.once('unexpected-response', (_request, response) => reject(new Error(`refused with ${response.statusCode}`)));
    socket.once('error', reject);
  });
}

/** The HTTP status a refused handshake was answered with. */
function refusal(url: string, token: string): Promise<number> {
  const target = new URL(url);
  target.searchParams.set('token', token);
  const socket = new WebSocket(target);
  // ws reports the aborted handshake as an error too, after the response.
  socket.on('error', () => undefined);
  return new Promise((resolve, reject) => {
    socket.once('unexpected-response', (request, response) => {
      resolve(response.statusCode ?? 0);
      request.destroy();
    });
    socket.once('open', () => reject(new Error('connected')));
  });
}

async function until(predicate: () => boolean | Promise<boolean>, what: string, timeoutMs = 60_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await predicate())) {
    if (Date.now() > deadline) throw new Error(`${what} did not happen within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const allEvents = ['stageStarted', 'stageCompleted', 'progressUpdate', 'jobCompleted'];

async function subscribe(project: Project, jobId: string, body: Record<string, unknown> = {}) {
  const answer = await call('POST', `${project.base}/execution/job/${jobId}/subscribe`, {
    token: project.token,
    body: { subscriptionType: 'websocket', events: allEvents, ...body },
  });
  expect(answer.status).toBe(201);
  return answer.body as { subscriptionId: string; connection: { url: string; token: string }; expiresAt: string };
}

/** A running analysis whose Process Discovery lasts 3 s longer (local fault injection), so a client can miss events. */
async function runningJob(project: Project) {
  const fault = await call('POST', '/_local/faults', {
    body: { projectId: project.projectId, phase: 'ProcessDiscovery', mode: 'delay', count: 1, seconds: 3 },
  });
  expect(fault.status).toBe(201);
  const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
  const started = await startAnalysis(project, datasetId);
  expect(started.status).toBe(202);
  const operation = await call('GET', `${project.base}/async/operation/${started.body.operationId}`, { token: project.token });
  return { operationId: started.body.operationId as string, jobId: operation.body.execution.executionId as string };
}

const sequences = (messages: Message[]) => messages.filter((m) => m.type === 'event').map((m) => m.sequence!);

describe('WebSocket subscriptions', () => {
  it('streams a running job in order, resumes after afterSeq with none missed or twice, applies filters, and closes after the end', async () => {
    const project = await newProject('wendy');
    const { operationId, jobId } = await runningJob(project);
    const everything = await subscribe(project, jobId);
    const completionsOnly = await subscribe(project, jobId, { events: ['jobCompleted'] });
    const filtered = await connect(completionsOnly.connection.url, completionsOnly.connection.token);

    // The first client leaves once Process Discovery has started: that phase runs 3 s longer, so its completion (and
    // what follows) is sent while the client is away, however fast the machine runs the other phases.
    const first = await connect(everything.connection.url, everything.connection.token);
    await until(() => first.messages.some((m) => m.event === 'stageStarted' && m.data?.phase?.phaseName === 'Process Discovery'), 'Process Discovery to start');
    first.socket.close(1000);
    await first.closed;
    const lastSeen = Math.max(...sequences(first.messages));
    // It comes back once the next phase has begun: Process Discovery's completion is then in the log (it is appended
    // before the state machine moves on), sent while the client was away.
    await until(async () => {
      const op = await call('GET', `${project.base}/async/operation/${operationId}`, { token: project.token });
      return op.body.status === 'Completed' || op.body.phases.find((p: { phaseName: string }) => p.phaseName === 'Performance Analysis')?.status !== 'Pending';
    }, 'Performance Analysis to start');
    const reconnectedAt = Date.now();
    const second = await connect(everything.connection.url, everything.connection.token, lastSeen);
    const { code } = await second.closed;
    await waitForStatus(project, operationId, ['Completed']);

    // Server close after the terminal event: an `end` message, then close code 1000.
    expect(code).toBe(1000);
    expect(second.messages.at(-1)).toEqual({ type: 'end', reason: 'jobEnded', lastSequence: expect.any(Number), receivedAt: expect.any(Number) });
    // How long events took from the notifier to a connected client (through the queue and @connections), for the record.
    const live = [...first.messages, ...second.messages].filter((m) => m.type === 'event' && Date.parse(m.timestamp!) >= reconnectedAt);
    const lags = live.map((m) => m.receivedAt! - Date.parse(m.timestamp!)).sort((a, b) => a - b);
    console.log(`WebSocket delivery lag over ${lags.length} live events: median ${lags[Math.floor(lags.length / 2)]} ms, max ${lags.at(-1)} ms`);
    const resumed = sequences(second.messages);
    expect(resumed.every((s) => s > lastSeen)).toBe(true);
    // At least one event was sent while the client was away and resent on reconnect.
    expect(second.messages.some((m) => m.type === 'event' && Date.parse(m.timestamp!) < reconnectedAt)).toBe(true);

    // The whole log, read by a client that connects after the end: the two sessions together are exactly it.
    const replay = await connect(everything.connection.url, everything.connection.token, 0);
    await replay.closed;
    const whole = sequences(replay.messages);
    const together = [...sequences(first.messages), ...resumed];
    expect(together).toEqual(whole);
    expect(whole.every((s, i) => i === 0 || s > whole[i - 1]!)).toBe(true);

    const names = replay.messages.filter((m) => m.type === 'event').map((m) => m.event);
    expect(names[0]).toBe('stageStarted');
    expect(names.at(-1)).toBe('jobCompleted');
    expect(names.filter((n) => n === 'jobCompleted')).toHaveLength(1);
    expect(names.filter((n) => n === 'stageStarted')).toHaveLength(5);
    expect(names.filter((n) => n === 'stageCompleted')).toHaveLength(5);
    expect(replay.messages.filter((m) => m.type === 'event').every((m) => m.jobId === jobId)).toBe(true);

    // The filtered subscription heard the completion only, under the same sequence number.
    await filtered.closed;
    expect(filtered.messages.map((m) => (m.type === 'event' ? m.event : m.type))).toEqual(['jobCompleted', 'end']);
    expect(filtered.messages[0]!.sequence).toBe(whole.at(-1));
  }, 120_000);

  it('refuses a forged token, and a token used for another job, at connect', async () => {
    const project = await newProject('mallory');
    const other = await newProject('victim');
    const { jobId } = await runningJob(project);
    const { jobId: otherJob } = await runningJob(other);
    const mine = await subscribe(project, jobId);
    expect(await refusal(mine.connection.url, 'wst_forged-token')).toBe(401);
    // The URL names another tenant's job: a token is good only for the job it was given for.
    const foreignUrl = mine.connection.url.replace(jobId, otherJob);
    expect(await refusal(foreignUrl, mine.connection.token)).toBe(401);
    // Subscribing to another project's job is 404, as every job-tracking route.
    const foreign = await call('POST', `${project.base.replace(project.projectId, other.projectId)}/execution/job/${otherJob}/subscribe`, {
      token: project.token,
      body: { subscriptionType: 'websocket', events: allEvents },
    });
    expect(foreign.status).toBe(404);
    // A malformed afterSeq is a client mistake: 400 at the handshake.
    const bad = new URL(mine.connection.url);
    bad.searchParams.set('afterSeq', 'x');
    expect(await refusal(bad.toString(), mine.connection.token)).toBe(400);
  }, 60_000);
});
