import { describe, expect, it } from 'vitest';
import { call, createDataset, newProject } from './client.ts';

/** mulberry32, so a failing case can be replayed from its seed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), state | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

const oddValues = [null, 0, -1, 1e308, '', ' ', 'x'.repeat(5000), '日本語', '<script>', '{"a":', [], [1, 'a'], {}, { nested: { deep: true } }, true, '2024-13-45', 'op-not-a-uuid', '00000000-0000-0000-0000-000000000000'];

function mutate(value: unknown, next: () => number): unknown {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return oddValues[Math.floor(next() * oddValues.length)];
  const copy: Record<string, unknown> = { ...(value as Record<string, unknown>) };
  const keys = Object.keys(copy);
  const action = next();
  if (action < 0.25 && keys.length) delete copy[keys[Math.floor(next() * keys.length)]!];
  else if (action < 0.4) copy[`unknown${Math.floor(next() * 10)}`] = oddValues[Math.floor(next() * oddValues.length)];
  else if (keys.length) {
    const key = keys[Math.floor(next() * keys.length)]!;
    copy[key] = mutate(copy[key], next);
  }
  return copy;
}

describe('mutated requests', () => {
  it('never get a 5xx, always a problem document, and create only what they report', async () => {
    const project = await newProject();
    const { datasetId } = await createDataset(project, 'running-example.xes', 'xes');
    const validOperation = {
      operationType: 'ProcessMiningAnalysis',
      operationName: 'fuzz',
      priority: 'High',
      parameters: { datasetId, timeWindow: { startDate: '2010-01-01', endDate: '2012-01-01' }, outputOptions: { exportFormats: ['JSON'] } },
      timeout: 600,
      retryPolicy: { maxRetries: 1, retryDelay: 10, backoffMultiplier: 2 },
    };
    const next = random(20261125);
    let accepted = 0;
    for (let i = 0; i < 150; i++) {
      let body: unknown = validOperation;
      for (let m = 1 + Math.floor(next() * 3); m > 0; m--) body = mutate(body, next);
      const response = await call('POST', `${project.base}/async/operation`, { token: project.token, body });
      expect(response.status, JSON.stringify(body).slice(0, 300)).toBeLessThan(500);
      if (response.status === 202) accepted += 1;
      else expect(response.headers.get('content-type'), JSON.stringify(body).slice(0, 300)).toBe('application/problem+json');
    }
    const queries = ['page=-1', 'pageSize=abc', 'dateFrom=2024-02-30', 'status=', 'priority=high', 'includeDetails=1', 'page=1e3', 'pageSize=100&page=99999', '%ZZ=1', 'dateFrom=2030-01-01&dateTo=2020-01-01'];
    for (const query of queries) {
      const response = await call('GET', `${project.base}/async/operations?${query}`, { token: project.token });
      expect(response.status, query).toBeLessThan(500);
    }
    const list = await call('GET', `${project.base}/async/operations`, { token: project.token });
    expect(list.body.summary.totalOperations).toBe(accepted);
  });
});
