import { describe, expect, it } from 'vitest';
import { ApiError, formatOfFile, PmjClient, tokenScope } from '../../../client/index.ts';

const tenantId = '11111111-1111-4111-8111-111111111111';
const projectId = '22222222-2222-4222-8222-222222222222';
const token = `h.${Buffer.from(JSON.stringify({ tenantId, projectIds: [projectId] })).toString('base64url')}.s`;

/** An operation answer at the given status and percentage; only the fields the helpers read matter. */
const operation = (status: string, percentage: number) => ({
  operationId: 'op-1',
  status,
  progress: { percentage, phasesCompleted: 0, totalPhases: 5 },
  phases: [],
  execution: { executionId: 'job-1' },
});

/** A fetch that answers the queued bodies in order and records when and what was asked. */
function scriptedFetch(answers: { status: number; body: unknown }[]) {
  const calls: { url: string; at: number; authorization: string | null }[] = [];
  const fetchStub = async (input: Request | string | URL) => {
    const request = input instanceof Request ? input : new Request(input);
    calls.push({ url: request.url, at: Date.now(), authorization: request.headers.get('Authorization') });
    const next = answers.shift() ?? answers.at(-1) ?? { status: 500, body: {} };
    if (answers.length === 0) answers.push(next);
    return new Response(JSON.stringify(next.body), { status: next.status, headers: { 'Content-Type': next.status < 300 ? 'application/json' : 'application/problem+json' } });
  };
  return { calls, fetch: fetchStub as typeof fetch };
}

describe('PmjClient', () => {
  it('takes tenant and project from the token and sends it as a bearer token', async () => {
    const { calls, fetch } = scriptedFetch([{ status: 200, body: operation('Completed', 100) }]);
    const client = new PmjClient({ baseUrl: 'http://127.0.0.1:1/', token, fetch });

    await client.getOperation('op-1');

    expect(tokenScope(token)).toEqual({ tenantId, projectIds: [projectId] });
    expect(calls[0]).toMatchObject({ url: `http://127.0.0.1:1/api/${tenantId}/${projectId}/async/operation/op-1`, authorization: `Bearer ${token}` });
  });

  it('waitForOperation reports every poll, backs off while nothing changes and returns the ended operation', async () => {
    const { calls, fetch } = scriptedFetch([
      { status: 200, body: operation('Running', 20) },
      { status: 200, body: operation('Running', 20) },
      { status: 200, body: operation('Running', 20) },
      { status: 200, body: operation('Failed', 40) },
    ]);
    const client = new PmjClient({ baseUrl: 'http://127.0.0.1:1', token, fetch });
    const seen: number[] = [];

    const ended = await client.waitForOperation('op-1', { onProgress: (op) => seen.push(op.progress.percentage), initialIntervalMs: 20, maxIntervalMs: 1000 });

    expect(ended.status).toBe('Failed');
    expect(seen).toEqual([20, 20, 20, 40]);
    const gaps = calls.slice(1).map((call, i) => call.at - calls[i]!.at);
    // 20 ms after a change, then ×1.5 per unchanged poll: 20, 30, 45 (timers fire no earlier than asked).
    expect(gaps[0]).toBeGreaterThanOrEqual(19);
    expect(gaps[1]).toBeGreaterThanOrEqual(29);
    expect(gaps[2]).toBeGreaterThanOrEqual(44);
  });

  it('waitForOperation stops when its signal aborts', async () => {
    const { fetch } = scriptedFetch([{ status: 200, body: operation('Running', 0) }]);
    const client = new PmjClient({ baseUrl: 'http://127.0.0.1:1', token, fetch });
    const controller = new AbortController();

    const waiting = client.waitForOperation('op-1', { signal: controller.signal, initialIntervalMs: 10_000, onProgress: () => controller.abort(new Error('stop')) });

    await expect(waiting).rejects.toThrow('stop');
  });

  it('turns a problem+json answer into an ApiError naming the status and the invalid parameters', async () => {
    const { fetch } = scriptedFetch([{ status: 404, body: { title: 'Not Found', detail: 'Operation op-1 does not exist in this project' } }]);
    const client = new PmjClient({ baseUrl: 'http://127.0.0.1:1', token, fetch });

    const failure = await client.getOperation('op-1').catch((error: unknown) => error);

    expect(failure).toBeInstanceOf(ApiError);
    expect(failure).toMatchObject({ status: 404, message: '404 Not Found: Operation op-1 does not exist in this project' });
  });

  it('refuses a token without tenant and project unless they are given', () => {
    expect(() => new PmjClient({ baseUrl: 'http://127.0.0.1:1', token: 'not-a-jwt' })).toThrow(/tenant and project/);
    expect(new PmjClient({ baseUrl: 'http://127.0.0.1:1', token: 'not-a-jwt', tenantId, projectId }).projectId).toBe(projectId);
  });

  it('tells dataset formats from file names', () => {
    expect(['a.csv', 'b.CSV.GZ', 'c.xes', 'd.xes.gz', 'e.json'].map(formatOfFile)).toEqual(['csv', 'csv.gz', 'xes', 'xes.gz', undefined]);
  });
});
