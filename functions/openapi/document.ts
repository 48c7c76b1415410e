import type { z } from 'zod';
import type { FunctionId, RouteDefinition } from '../../lib/topology.ts';
import type { RouteContract } from '../middleware/http-route.ts';
import { problemBody } from '../schemas/problem.ts';
import { jsonSchemaOf, type JsonSchema } from './json-schema.ts';
import { examples } from './examples.ts';
import { successResponses } from './success-responses.ts';

export type OpenApiDocument = Record<string, unknown> & { paths: Record<string, Record<string, Operation>> };
type Operation = Record<string, unknown> & { operationId: string; parameters?: Parameter[] };
interface Parameter {
  name: string;
  in: 'path' | 'query' | 'header';
  required?: boolean;
  schema?: JsonSchema;
  description?: string;
  $ref?: string;
}

/** The problem+json answers routes share, by status. */
const problems = {
  400: ['BadRequest', 'The request does not match its schema: malformed JSON, unknown fields or values, bad ids, a bad cursor. `invalidParams` names each field.'],
  401: ['Unauthorized', 'The bearer token is missing, malformed, foreign, expired or lives too long.'],
  404: ['NotFound', "No such resource for this caller: another tenant's or project's resources do not exist for it."],
  405: ['MethodNotAllowed', 'The path exists but not with this method; `Allow` lists the methods it has.'],
  409: ['Conflict', 'The resource is not in a state that allows this (ended, already retried, limit reached), or a request with the same Idempotency-Key still runs.'],
  413: ['PayloadTooLarge', 'The body is over 256 KiB.'],
  415: ['UnsupportedMediaType', 'The body is not JSON.'],
  422: ['IdempotencyKeyReused', 'The Idempotency-Key was used with another path or body; `invalidParams` names `header.Idempotency-Key`.'],
} as const;
type ProblemStatus = keyof typeof problems;

const problemRef = (status: ProblemStatus) => ({ $ref: `#/components/responses/${problems[status][0]}` });
const bodyMethods = new Set(['POST', 'PUT', 'PATCH']);

export interface DocumentInput {
  routes: readonly RouteDefinition[];
  /** The request schemas of a function's handler; undefined for handlers that validate nothing (health, the docs). */
  contractOf: (functionId: FunctionId) => RouteContract | undefined;
  /** Base URL the paths are relative to. */
  serverUrl?: string;
}

/** The OpenAPI 3.1 document of the topology's routes, built from the schemas their handlers validate with. */
export function openApiDocument({ routes, contractOf, serverUrl = '/' }: DocumentInput): OpenApiDocument {
  const schemas: Record<string, JsonSchema> = {};
  const paths: OpenApiDocument['paths'] = {};
  const operationIds = new Set<string>();
  for (const route of routes) {
    const operation = operationOf(route, contractOf(route.function), schemas);
    // Routes sharing a function (the docs page and its script) still need distinct operation ids.
    while (operationIds.has(operation.operationId)) operation.operationId += '_';
    operationIds.add(operation.operationId);
    (paths[route.path] ??= {})[route.method.toLowerCase()] = operation;
  }
  schemas.Problem = jsonSchemaOf(problemBody, schemas);
  return {
    openapi: '3.1.1',
    info: {
      title: 'Process-mining jobs',
      version: '0.1.0',
      description:
        'Multi-tenant process-mining analyses run as asynchronous operations, and the tracking of their jobs. ' +
        'Every `/api/{tenantId}/{projectId}/…` route needs a bearer JWT carrying `tenantId` and `projectIds`. ' +
        'Errors are `application/problem+json` (RFC 9457). Generated from the zod schemas the handlers validate with.',
    },
    servers: [{ url: serverUrl }],
    paths,
    components: {
      schemas,
      responses: Object.fromEntries(
        Object.entries(problems).map(([, [name, description]]) => [
          name,
          { description, content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
        ]),
      ),
      parameters: {
        IdempotencyKey: {
          name: 'Idempotency-Key',
          in: 'header',
          required: false,
          description:
            'Makes a retried POST safe: for 24 hours a repeat with the same path and body answers the stored response with `Idempotent-Replayed: true`. ' +
            '1–255 printable ASCII characters, bare or as a quoted string.',
          schema: { type: 'string', minLength: 1, maxLength: 257, pattern: '^[\\x20-\\x7E]+$' },
        },
      },
      headers: {
        IdempotentReplayed: { description: 'Present (`true`) when the response is the stored answer to an earlier request with the same Idempotency-Key.', schema: { type: 'string', enum: ['true'] } },
      },
      securitySchemes: {
        bearerAuth: {
          type: 'http',
          scheme: 'bearer',
          bearerFormat: 'JWT',
          description: 'A JWT from the configured issuer with `tenantId` (GUID), `projectIds` (GUIDs) and `sub`. Locally: `npm run token -- --tenant <uuid> --project <uuid>`.',
        },
      },
    },
  };
}

function operationOf(route: RouteDefinition, contract: RouteContract | undefined, schemas: Record<string, JsonSchema>): Operation {
  const parameters: Parameter[] = [...pathParameters(route.path, contract?.path, schemas), ...queryParameters(contract?.query, schemas)];
  if (route.method === 'POST') parameters.push({ $ref: '#/components/parameters/IdempotencyKey' } as Parameter);
  const operation: Operation = {
    operationId: route.function.charAt(0).toLowerCase() + route.function.slice(1),
    tags: [tagOf(route.path)],
    ...(parameters.length ? { parameters } : {}),
    security: route.authorized ? [{ bearerAuth: [] }] : [],
  };
  if (contract?.body && bodyMethods.has(route.method)) {
    operation.requestBody = {
      required: !contract.body.safeParse(undefined).success,
      content: { 'application/json': { schema: jsonSchemaOf(contract.body, schemas) } },
    };
  } else if (contract?.body) {
    // A DELETE with an optional body (cancel's reason): OpenAPI 3.1 allows it, clients may omit it.
    operation.requestBody = { required: false, content: { 'application/json': { schema: jsonSchemaOf(contract.body, schemas) } } };
  }
  operation.responses = { ...successOf(route, schemas), ...errorsOf(route, contract, successResponses[route.function]?.problems ?? []) };
  return operation;
}

function pathParameters(template: string, schema: z.ZodType | undefined, schemas: Record<string, JsonSchema>): Parameter[] {
  const properties = schema ? propertiesOf(jsonSchemaOf(schema, schemas)).properties : {};
  return [...template.matchAll(/\{(\w+)\}/g)].map(([, name]) => ({ name: name!, in: 'path', required: true, schema: properties[name!] ?? { type: 'string' } }));
}

function queryParameters(schema: z.ZodType | undefined, schemas: Record<string, JsonSchema>): Parameter[] {
  if (!schema) return [];
  const { properties, required } = propertiesOf(jsonSchemaOf(schema, schemas));
  return Object.entries(properties).map(([name, property]) => {
    const { description, ...rest } = property as JsonSchema & { description?: string };
    return { name, in: 'query', required: required.includes(name), schema: rest, ...(description ? { description } : {}) };
  });
}

/** The fields of an object schema, also when refinements wrapped it (`allOf`) or a default made it a union with nothing. */
function propertiesOf(schema: JsonSchema): { properties: Record<string, JsonSchema>; required: string[] } {
  const parts = [schema, ...(((schema.allOf ?? schema.anyOf ?? []) as JsonSchema[]) ?? [])];
  const properties: Record<string, JsonSchema> = {};
  const required: string[] = [];
  for (const part of parts) {
    Object.assign(properties, (part.properties ?? {}) as Record<string, JsonSchema>);
    required.push(...((part.required ?? []) as string[]));
  }
  return { properties, required };
}

function successOf(route: RouteDefinition, schemas: Record<string, JsonSchema>): Record<string, unknown> {
  const success = successResponses[route.function] ?? { status: 200 as const, description: 'OK' };
  const headers: Record<string, unknown> = Object.fromEntries(Object.entries(success.headers ?? {}).map(([name, description]) => [name, { description, schema: { type: 'string' } }]));
  if (route.method === 'POST') headers['Idempotent-Replayed'] = { $ref: '#/components/headers/IdempotentReplayed' };
  const schema = success.schema ? jsonSchemaOf(success.schema, schemas) : success.contentType ? { type: 'string' } : { type: 'object' };
  const contentTypes = [success.contentType ?? 'application/json'].flat();
  return {
    [success.status]: {
      description: success.description,
      ...(Object.keys(headers).length ? { headers } : {}),
      ...(success.status === 204
        ? {}
        : { content: Object.fromEntries(contentTypes.map((type) => [type, { schema, ...(examples[route.function] !== undefined ? { example: examples[route.function] } : {}) }])) }),
    },
  };
}

function errorsOf(route: RouteDefinition, contract: RouteContract | undefined, extra: readonly ProblemStatus[]): Record<string, unknown> {
  const statuses: ProblemStatus[] = [...extra];
  if (contract) statuses.push(400);
  if (route.authorized) statuses.push(401, 404);
  statuses.push(405);
  if (route.method !== 'GET') statuses.push(409);
  // Every httpRoute parses a body it is sent, whether or not the route takes one (json-body.ts).
  if (contract) statuses.push(413, 415);
  if (route.method === 'POST') statuses.push(422);
  return {
    ...Object.fromEntries([...new Set(statuses)].sort().map((status) => [status, problemRef(status)])),
    default: { description: 'An unexpected error: 500, or 503 with `Retry-After` when an AWS service throttled the request.', content: { 'application/problem+json': { schema: { $ref: '#/components/schemas/Problem' } } } },
  };
}

/** The API area a path belongs to: the first segment after the project that names a resource. */
function tagOf(path: string): string {
  const segments = path.split('/').filter((segment) => segment && !segment.startsWith('{') && !['api', 'async', 'execution'].includes(segment));
  const first = segments[0] ?? 'service';
  if (!path.startsWith('/api/')) return 'service';
  return first === 'operation' || first === 'operations' ? 'operations' : first === 'job' ? 'jobs' : first;
}
