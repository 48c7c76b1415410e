import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'node:http';
import type { APIGatewayProxyEvent } from 'aws-lambda';
import type { FunctionRuntime } from '../../local/function-runtime.ts';
import { parseTarget, startHttpFront } from '../../local/http-front.ts';

const tenant = '11111111-1111-4111-8111-111111111111';
const project = '22222222-2222-4222-8222-222222222222';

describe('parseTarget', () => {
  it('keeps the path as sent and decodes the query, + as a space', () => {
    expect(parseTarget('/api/a%20b/x?q=a+b%2Bc&flag')).toEqual({
      path: '/api/a%20b/x',
      queryStringParameters: { q: 'a b+c', flag: '' },
      multiValueQueryStringParameters: { q: ['a b+c'], flag: [''] },
    });
    expect(parseTarget('/health')).toMatchObject({ queryStringParameters: null, multiValueQueryStringParameters: null });
  });

  it('gives a repeated key its last value, and every value in the multi-value map, as API Gateway does', () => {
    const parsed = parseTarget('/x?a=1&a=2&b=3&a=4');
    expect(parsed).toMatchObject({ queryStringParameters: { a: '4', b: '3' }, multiValueQueryStringParameters: { a: ['1', '2', '4'], b: ['3'] } });
  });

  it('treats __proto__, constructor and prototype as plain keys of prototype-less maps', () => {
    const parsed = parseTarget('/x?__proto__=1&constructor=2&prototype=3&__proto__=4');
    if ('malformed' in parsed) throw new Error('unexpected');
    const single = parsed.queryStringParameters!;
    expect(Object.getPrototypeOf(single)).toBeNull();
    expect(Object.keys(single)).toEqual(['__proto__', 'constructor', 'prototype']);
    expect(single['__proto__']).toBe('4');
    expect(parsed.multiValueQueryStringParameters!['__proto__']).toEqual(['1', '4']);
    expect(({} as Record<string, unknown>).constructor).toBe(Object);
  });

  it('reports malformed escapes in the path or the query instead of throwing', () => {
    for (const target of ['/api/%', '/api/%zz/x', '/api/%C0%AE', '/api/%E2%82', '/x?a=%', '/x?%zz=1', '/x?a=%ff', 'http://elsewhere/api', '*']) {
      expect(parseTarget(target)).toHaveProperty('malformed');
    }
  });
});

describe('the local gateway', () => {
  const events: APIGatewayProxyEvent[] = [];
  const runtime = {
    invoke: async (id: string, event: unknown) => {
      if (id === 'Authorizer') return { principalId: 'u', policyDocument: { Statement: [{ Effect: 'Allow' }] }, context: { tenantId: tenant } };
      events.push(event as APIGatewayProxyEvent);
      return { statusCode: 200, headers: {}, body: '{}' };
    },
  } as unknown as FunctionRuntime;
  let front: Awaited<ReturnType<typeof startHttpFront>>;
  beforeAll(async () => {
    front = await startHttpFront({ runtime, port: 0 });
  });
  afterAll(() => front.stop());

  /** Raw requests: fetch would normalise the very targets under test. */
  function send(path: string, headers: Record<string, string> = {}) {
    return new Promise<{ status: number; type: string | undefined }>((resolve, reject) => {
      const req = request({ host: '127.0.0.1', port: front.port, path, method: 'GET', headers: { Authorization: 'Bearer x', ...headers } }, (res) => {
        res.resume();
        res.on('end', () => resolve({ status: res.statusCode!, type: res.headers['content-type'] }));
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('answers malformed escapes with 400 and unknown paths with 404, problem+json, never 500', async () => {
    for (const path of [`/api/${tenant}/%/datasets`, `/api/${tenant}/${project}/datasets/%E0%A4%A`, `/api/${tenant}/${project}/datasets?nextToken=%`]) {
      expect(await send(path)).toEqual({ status: 400, type: 'application/problem+json' });
    }
    for (const path of ['/api/x', `/api/${tenant}/${project}/../../health`, '/__proto__', '/constructor']) {
      expect(await send(path)).toEqual({ status: 404, type: 'application/problem+json' });
    }
    expect(events).toEqual([]);
  });

  it('hands hostile query keys and header names to the function as plain keys', async () => {
    const answer = await send(`/api/${tenant}/${project}/datasets?__proto__=1&constructor=2&prototype=3&pageSize=5&pageSize=6`, JSON.parse('{"constructor":"x","__proto__":"y"}'));
    expect(answer.status).toBe(200);
    const event = events.at(-1)!;
    expect({ ...event.queryStringParameters }).toEqual(JSON.parse('{"__proto__":"1","constructor":"2","prototype":"3","pageSize":"6"}'));
    expect(event.headers['constructor']).toBe('x');
    expect(event.multiValueHeaders['__proto__']).toEqual(['y']);
    expect(event.pathParameters).toEqual({ tenantId: tenant, projectId: project });
  });
});
