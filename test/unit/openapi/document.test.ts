import SwaggerParser from '@apidevtools/swagger-parser';
import { beforeAll, describe, expect, it } from 'vitest';
import { routes, type FunctionId } from '../../../lib/topology.ts';
import type { RouteContract } from '../../../functions/middleware/http-route.ts';
import { openApiDocument, type OpenApiDocument } from '../../../functions/openapi/document.ts';
import { loadRouteContracts } from '../../../functions/openapi/route-contracts.ts';

/** Routes whose handlers validate nothing, so they carry no schemas. */
const schemaless = new Set<FunctionId>(['Health', 'OpenApi', 'Docs', 'Dashboard']);

describe('the OpenAPI document', () => {
  let contracts: Map<FunctionId, RouteContract | undefined>;
  let document: OpenApiDocument;
  const operationOf = (method: string, path: string) => document.paths[path]?.[method.toLowerCase()] as Record<string, any> | undefined;

  beforeAll(async () => {
    // Prepare: the contracts of the handlers as they are now.
    contracts = await loadRouteContracts(routes);
    document = openApiDocument({ routes, contractOf: (id) => contracts.get(id) });
  }, 60_000);

  it('passes an independent OpenAPI 3.1 validator', async () => {
    // The parser dereferences in place: validate a copy.
    const validated = await SwaggerParser.validate(structuredClone(document) as never);
    expect((validated as { openapi: string }).openapi).toMatch(/^3\.1\./);
  });

  it('lists every route of the topology, once, with a unique operation id', () => {
    const missing = routes.filter((route) => !operationOf(route.method, route.path)).map((route) => `${route.method} ${route.path}`);
    expect(missing).toEqual([]);
    const listed = Object.values(document.paths).flatMap((methods) => Object.keys(methods));
    expect(listed).toHaveLength(routes.length);
    const ids = Object.values(document.paths).flatMap((methods) => Object.values(methods).map((operation) => operation.operationId));
    expect(new Set(ids).size).toBe(ids.length);
  });

  it('takes every API route schema from its handler', () => {
    const without = routes.filter((route) => !schemaless.has(route.function) && !contracts.get(route.function)).map((route) => route.function);
    expect(without, 'these handlers do not go through httpRoute').toEqual([]);
  });

  it('declares every path parameter, with its schema where the handler has one', () => {
    for (const route of routes) {
      const names = [...route.path.matchAll(/\{(\w+)\}/g)].map(([, name]) => name);
      const declared = (operationOf(route.method, route.path)!.parameters ?? []).filter((p: { in?: string }) => p.in === 'path').map((p: { name: string }) => p.name);
      expect(declared, `${route.method} ${route.path}`).toEqual(names);
    }
    const operation = operationOf('GET', '/api/{tenantId}/{projectId}/async/operation/{operationId}')!;
    expect(operation.parameters.find((p: { name: string }) => p.name === 'operationId').schema.pattern).toMatch(/^\^op-/);
  });

  it('turns query schemas into query parameters, with their limits and defaults', () => {
    const list = operationOf('GET', '/api/{tenantId}/{projectId}/async/operations')!;
    const pageSize = list.parameters.find((p: { name: string; in: string }) => p.name === 'pageSize' && p.in === 'query');
    expect(pageSize).toMatchObject({ required: false, schema: { maximum: 100, default: 20 } });
    const status = list.parameters.find((p: { name: string }) => p.name === 'status');
    expect(status.schema.enum).toContain('Completed');
  });

  it('describes request bodies, required unless the schema has a default', () => {
    const start = operationOf('POST', '/api/{tenantId}/{projectId}/async/operation')!;
    expect(start.requestBody.required).toBe(true);
    const schema = start.requestBody.content['application/json'].schema;
    expect(JSON.stringify(schema)).toContain('ProcessMiningAnalysis');
    const rotate = operationOf('POST', '/api/{tenantId}/{projectId}/async/signing-secret/rotate')!;
    expect(rotate.requestBody.required).toBe(false);
  });

  it('offers Idempotency-Key on every POST and only there', () => {
    for (const route of routes) {
      const refs = (operationOf(route.method, route.path)!.parameters ?? []).map((p: { $ref?: string }) => p.$ref);
      expect(refs.includes('#/components/parameters/IdempotencyKey'), `${route.method} ${route.path}`).toBe(route.method === 'POST');
    }
    expect(document.components).toMatchObject({ parameters: { IdempotencyKey: { in: 'header', name: 'Idempotency-Key' } } });
  });

  it('asks a bearer JWT exactly on authorized routes', () => {
    expect(document.components).toMatchObject({ securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } } });
    for (const route of routes) {
      expect(operationOf(route.method, route.path)!.security, `${route.method} ${route.path}`).toEqual(route.authorized ? [{ bearerAuth: [] }] : []);
    }
  });

  it('answers errors as the shared problem+json responses', () => {
    const problem = (document.components as any).schemas.Problem;
    expect(problem.properties.invalidParams.items.required).toEqual(['name', 'reason']);
    const responses = (document.components as any).responses;
    for (const name of ['BadRequest', 'Unauthorized', 'NotFound', 'MethodNotAllowed', 'Conflict', 'PayloadTooLarge', 'UnsupportedMediaType', 'IdempotencyKeyReused']) {
      expect(responses[name].content['application/problem+json'].schema).toEqual({ $ref: '#/components/schemas/Problem' });
    }
    const start = operationOf('POST', '/api/{tenantId}/{projectId}/async/operation')!;
    expect(Object.keys(start.responses)).toEqual(expect.arrayContaining(['202', '400', '401', '404', '409', '413', '415', '422', 'default']));
    expect(start.responses['400']).toEqual({ $ref: '#/components/responses/BadRequest' });
    expect(operationOf('GET', '/health')!.responses['401']).toBeUndefined();
  });

  it('names the success status of each route', () => {
    expect(Object.keys(operationOf('POST', '/api/{tenantId}/{projectId}/datasets')!.responses)).toContain('201');
    expect(Object.keys(operationOf('DELETE', '/api/{tenantId}/{projectId}/async/webhooks/{webhookId}')!.responses)).toContain('204');
    expect(Object.keys(operationOf('GET', '/api/{tenantId}/{projectId}/async/operations')!.responses)).toContain('200');
  });
});
