import middy from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { z } from 'zod';
import { authorizeScope, callerOf, type Caller } from './caller.ts';
import { httpErrors } from './http-errors.ts';
import { idempotent } from './idempotency.ts';
import { jsonBody, type ParsedBody } from './json-body.ts';
import { parseInput } from './validation.ts';
import { requestLog } from './request-log.ts';
import { annotate } from '../observability/tracer.ts';
import { maxRequestBodyBytes } from '../../lib/topology.ts';
import type { ProjectScope } from '../domain/records.ts';
import { idempotencyStores } from '../composition.ts';

const noQuery = z.strictObject({});

export interface RouteInput<P, Q, B> {
  path: P;
  query: Q;
  body: B;
  caller: Caller;
  event: APIGatewayProxyEvent;
}

/** The request schemas of a route, as its handler validates them. */
export interface RouteContract {
  path: z.ZodType;
  query: z.ZodType;
  body?: z.ZodType;
}

/**
 * A project-scoped API route: validates path, query and body against their schemas,
 * checks the caller may see the project, then calls `handle`. Handlers stay thin.
 */
export function httpRoute<P extends z.ZodType<ProjectScope>, Q extends z.ZodType = typeof noQuery, B extends z.ZodType = z.ZodUndefined>(spec: {
  path: P;
  query?: Q;
  body?: B;
  handle: (input: RouteInput<z.output<P>, z.output<Q>, z.output<B>>) => Promise<APIGatewayProxyResult>;
}) {
  const handler = async (event: APIGatewayProxyEvent & ParsedBody, context: Context): Promise<APIGatewayProxyResult> => {
    const caller = callerOf(event);
    const path = parseInput(spec.path, event.pathParameters ?? {}, 'path');
    authorizeScope(caller, path);
    const query = parseInput((spec.query ?? noQuery) as Q, event.queryStringParameters ?? {}, 'query');
    const body = spec.body ? parseInput(spec.body, event.parsedBody, 'body') : undefined;
    const run = () => spec.handle({ path, query, body: body as z.output<B>, caller, event });
    // Every POST honours Idempotency-Key, once the request is known valid and the caller may see the project.
    return event.httpMethod === 'POST' ? idempotent({ event, context, scope: path, path }, idempotencyStores, run) : run();
  };
  const contract: RouteContract = { path: spec.path, query: spec.query ?? noQuery, ...(spec.body ? { body: spec.body } : {}) };
  // The schemas travel with the handler, so the OpenAPI document is generated from the very schemas that validate.
  const routed = middy<APIGatewayProxyEvent & ParsedBody, APIGatewayProxyResult>(handler).use(httpErrors()).use(jsonBody(maxRequestBodyBytes));
  return Object.assign(requestLog(routed, { annotate }), { contract });
}
