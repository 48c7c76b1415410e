import { IdempotencyItemAlreadyExistsError, IdempotencyItemNotFoundError } from '@aws-lambda-powertools/idempotency';
import { BasePersistenceLayer, IdempotencyRecord } from '@aws-lambda-powertools/idempotency/persistence';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { ConflictError, ValidationError } from '../../../functions/domain/errors.ts';
import { idempotent, IdempotencyKeyInProgressError, IdempotencyKeyReusedError, parseIdempotencyKey } from '../../../functions/middleware/idempotency.ts';
import { jsonResponse } from '../../../functions/middleware/problem.ts';
import { functions, routes } from '../../../lib/topology.ts';

/** Records in a map, with the same conditional put as the DynamoDB layer: a live key cannot be taken twice. */
class MemoryPersistence extends BasePersistenceLayer {
  constructor(readonly records: Map<string, IdempotencyRecord>) {
    super();
  }
  protected async _getRecord(key: string): Promise<IdempotencyRecord> {
    const record = this.records.get(key);
    if (!record) throw new IdempotencyItemNotFoundError();
    return record;
  }
  protected async _putRecord(record: IdempotencyRecord): Promise<void> {
    const existing = this.records.get(record.idempotencyKey);
    if (existing && !existing.isExpired()) throw new IdempotencyItemAlreadyExistsError('exists', existing);
    this.records.set(record.idempotencyKey, record);
  }
  protected async _updateRecord(record: IdempotencyRecord): Promise<void> {
    this.records.set(record.idempotencyKey, record);
  }
  protected async _deleteRecord(record: IdempotencyRecord): Promise<void> {
    this.records.delete(record.idempotencyKey);
  }
}

const scope = { tenantId: '11111111-1111-4111-8111-111111111111', projectId: '22222222-2222-4222-8222-222222222222' };
const context = { getRemainingTimeInMillis: () => 10_000 } as Context;

function setup() {
  const records = new Map<string, IdempotencyRecord>();
  const stores = () => () => new MemoryPersistence(records);
  let runs = 0;
  const post = (key: string | undefined, body: unknown, run?: () => Promise<APIGatewayProxyResult>) => {
    const event = {
      httpMethod: 'POST',
      resource: '/api/{tenantId}/{projectId}/async/operation',
      path: '/api/x/y/async/operation',
      headers: key === undefined ? {} : { 'idempotency-key': key },
      parsedBody: body,
    } as unknown as APIGatewayProxyEvent;
    return idempotent({ event, context, scope, path: scope }, stores, run ?? (async () => jsonResponse(202, { n: ++runs }, { Location: `/op/${runs}` })));
  };
  return { records, post, runs: () => runs };
}

describe('Idempotency-Key', () => {
  it('runs every request without the header', async () => {
    const { post, runs } = setup();
    await post(undefined, { a: 1 });
    await post(undefined, { a: 1 });
    expect(runs()).toBe(2);
  });

  it('answers a repeat with the first response, headers included, and runs nothing', async () => {
    const { post, runs } = setup();
    const first = await post('k-1', { a: 1, b: [1, 2] });
    const again = await post('k-1', { b: [1, 2], a: 1 });
    expect(runs()).toBe(1);
    expect(again).toMatchObject({ statusCode: 202, body: first.body, headers: { Location: '/op/1', 'Idempotent-Replayed': 'true' } });
    expect(first.headers).not.toHaveProperty('Idempotent-Replayed');
  });

  it('keeps keys apart: another key runs again', async () => {
    const { post, runs } = setup();
    await post('k-1', { a: 1 });
    await post('k-2', { a: 1 });
    expect(runs()).toBe(2);
  });

  it('refuses the same key with another body (422)', async () => {
    const { post, runs } = setup();
    await post('k-1', { a: 1 });
    await expect(post('k-1', { a: 2 })).rejects.toBeInstanceOf(IdempotencyKeyReusedError);
    expect(runs()).toBe(1);
  });

  it('refuses a repeat while the first is still running (409)', async () => {
    const { post } = setup();
    let finish!: () => void;
    const slow = post('k-1', { a: 1 }, () => new Promise((resolve) => (finish = () => resolve(jsonResponse(202, {})))));
    await new Promise((r) => setTimeout(r, 10));
    await expect(post('k-1', { a: 1 })).rejects.toBeInstanceOf(IdempotencyKeyInProgressError);
    finish();
    expect((await slow).statusCode).toBe(202);
  });

  it('releases the key when the request is refused or fails, so a retry runs afresh', async () => {
    const { post, records, runs } = setup();
    await expect(post('k-1', { a: 1 }, async () => Promise.reject(new ConflictError('dataset not uploaded')))).rejects.toBeInstanceOf(ConflictError);
    expect(records.size).toBe(0);
    const failed = await post('k-1', { a: 1 }, async () => ({ statusCode: 503, body: '{}' }));
    expect(failed.statusCode).toBe(503);
    expect(records.size).toBe(0);
    expect((await post('k-1', { a: 1 })).statusCode).toBe(202);
    expect(runs()).toBe(1);
  });

  it('accepts a bare or a Structured Field string key and refuses empty, long and non-printable ones', () => {
    expect(parseIdempotencyKey('8e03978e-40d5-43e8-bc93-6894a57f9324')).toBe('8e03978e-40d5-43e8-bc93-6894a57f9324');
    expect(parseIdempotencyKey('"a \\"quoted\\" key"')).toBe('a "quoted" key');
    expect(parseIdempotencyKey('x'.repeat(255))).toHaveLength(255);
    for (const bad of ['', '   ', '""', 'x'.repeat(256), 'tab\there', 'caf\u00e9', 'nul\u0000']) {
      expect(() => parseIdempotencyKey(bad), JSON.stringify(bad)).toThrow(ValidationError);
    }
  });

  it('can keep its records: the function of every POST route may write the table', () => {
    const posts = routes.filter((route) => route.method === 'POST');
    expect(posts.length).toBeGreaterThan(0);
    for (const route of posts) expect(functions[route.function].access.table, route.path).toBe('readWrite');
  });
});
