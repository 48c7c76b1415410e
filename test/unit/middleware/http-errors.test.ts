import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { NotFoundError } from '../../../functions/domain/errors.ts';
import { httpErrors } from '../../../functions/middleware/http-errors.ts';

const event = { path: '/api/t/p/datasets', requestContext: { requestId: 'r-1' } } as unknown as APIGatewayProxyEvent;

function failing(error: unknown) {
  return middy<APIGatewayProxyEvent, APIGatewayProxyResult>(async () => Promise.reject(error)).use(httpErrors());
}

describe('httpErrors', () => {
  let logged: string[];
  beforeEach(() => {
    logged = [];
    // The service logger writes its JSON lines to stderr for errors.
    vi.spyOn(process.stderr, 'write').mockImplementation((line: string | Uint8Array) => {
      logged.push(String(line));
      return true;
    });
  });
  afterEach(() => vi.restoreAllMocks());

  it('answers a client error with its own message', async () => {
    const response = await failing(new NotFoundError('Dataset d does not exist'))(event, {} as Context);
    expect(response.statusCode).toBe(404);
    expect(JSON.parse(response.body)).toMatchObject({ title: 'Not Found', detail: 'Dataset d does not exist', instance: '/api/t/p/datasets' });
    expect(logged).toEqual([]);
  });

  it('answers SDK and programming errors with a generic 500 naming nothing internal, and logs them', async () => {
    for (const [name, message] of [
      ['ConditionalCheckFailedException', 'The conditional request failed'],
      ['NoSuchKey', 'The specified key does not exist.'],
      ['ValidationException', 'One or more parameter values were invalid: ExclusiveStartKey'],
      ['TypeError', "Cannot read properties of undefined (reading 'pk')"],
    ]) {
      const response = await failing(Object.assign(new Error(message), { name }))(event, {} as Context);
      expect(response.statusCode).toBe(500);
      expect(response.headers).toMatchObject({ 'Content-Type': 'application/problem+json' });
      expect(response.body).not.toContain(name!);
      expect(response.body).not.toContain(message!);
      expect(logged.at(-1)).toContain(name!);
      expect(logged.at(-1)).toContain('r-1');
    }
  });

  it('answers throttling by an AWS service with 503 and Retry-After', async () => {
    const response = await failing(Object.assign(new Error('Rate exceeded for table x'), { name: 'ProvisionedThroughputExceededException' }))(event, {} as Context);
    expect(response.statusCode).toBe(503);
    expect(response.headers).toMatchObject({ 'Retry-After': '1', 'Content-Type': 'application/problem+json' });
    expect(response.body).not.toMatch(/ProvisionedThroughput|table x/);
  });
});
