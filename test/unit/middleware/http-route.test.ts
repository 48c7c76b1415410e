import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { httpRoute } from '../../../functions/middleware/http-route.ts';
import { jsonResponse } from '../../../functions/middleware/problem.ts';
import { projectPath } from '../../../functions/schemas/common.ts';

const tenantId = '11111111-1111-4111-8111-111111111111';
const projectId = '22222222-2222-4222-8222-222222222222';

function event(overrides: Partial<APIGatewayProxyEvent> = {}): APIGatewayProxyEvent {
  return {
    path: '/p',
    pathParameters: { tenantId, projectId },
    queryStringParameters: null,
    headers: { 'Content-Type': 'application/json' },
    body: null,
    isBase64Encoded: false,
    requestContext: { authorizer: { tenantId, projectIds: JSON.stringify([projectId]), userId: 'u' } },
    ...overrides,
  } as APIGatewayProxyEvent;
}

const context = {} as Context;

describe('httpRoute', () => {
  const route = httpRoute({
    path: projectPath,
    body: z.strictObject({ n: z.number() }),
    handle: async ({ body }) => {
      if (body.n < 0) throw new Error('secret internal detail');
      return jsonResponse(200, { doubled: body.n * 2 });
    },
  });

  it('passes validated input to the handler', async () => {
    const response = await route(event({ body: '{"n":2}' }), context);
    expect(response).toMatchObject({ statusCode: 200, body: '{"doubled":4}' });
  });

  it('hides unexpected errors behind a generic 500 problem', async () => {
    const original = console.error;
    console.error = () => undefined;
    try {
      const response = await route(event({ body: '{"n":-1}' }), context);
      expect(response.statusCode).toBe(500);
      expect(response.headers).toMatchObject({ 'Content-Type': 'application/problem+json' });
      expect(response.body).not.toContain('secret');
    } finally {
      console.error = original;
    }
  });

  it('answers 404 for a project outside the token', async () => {
    const response = await route(event({ body: '{"n":1}', pathParameters: { tenantId, projectId: '33333333-3333-4333-8333-333333333333' } }), context);
    expect(response.statusCode).toBe(404);
  });

  it('answers 415 for a body that is not JSON', async () => {
    const response = await route(event({ body: 'n=1', headers: { 'content-type': 'application/x-www-form-urlencoded' } }), context);
    expect(response.statusCode).toBe(415);
  });
});
