import { beforeAll, describe, expect, it } from 'vitest';
import { routes, type FunctionId } from '../../lib/topology.ts';
import { contractCheck, type ContractCheck, type ContractViolation } from '../../local/contract-check.ts';
import { openApiDocument } from '../../functions/openapi/document.ts';
import { loadRouteContracts } from '../../functions/openapi/route-contracts.ts';
import { successResponses } from '../../functions/openapi/success-responses.ts';

const base = '/api/11111111-1111-4111-8111-111111111111/22222222-2222-4222-8222-222222222222';
const json = (statusCode: number, body: unknown, contentType = 'application/json') => ({ statusCode, headers: { 'Content-Type': contentType }, body: JSON.stringify(body) });
const problem = (status: number) => json(status, { type: 'about:blank', title: 'x', status, detail: 'x' }, 'application/problem+json');
const dataset = {
  datasetId: '33333333-3333-4333-8333-333333333333',
  name: 'receipt',
  format: 'csv',
  status: 'Available',
  sizeBytes: 10,
  uploadedAt: '2026-01-01T00:00:00.000Z',
  createdAt: '2026-01-01T00:00:00.000Z',
  createdBy: 'alice',
};

describe('the contract check of the local HTTP front', () => {
  let check: ContractCheck;
  const recorded: ContractViolation[] = [];
  const violationsOf = async (method: string, path: string, result: ReturnType<typeof json>) => {
    recorded.length = 0;
    await check.check(method, path, result);
    return recorded.map((violation) => violation.problem);
  };

  beforeAll(async () => {
    // Prepare: the document as the OpenApi function builds it.
    const contracts = await loadRouteContracts(routes);
    check = await contractCheck(openApiDocument({ routes, contractOf: (id) => contracts.get(id) }), async (violation) => {
      recorded.push(violation);
    });
  }, 60_000);

  it('passes an answer that matches its route, status, content type and schema', async () => {
    expect(await violationsOf('GET', `${base}/datasets/${dataset.datasetId}`, json(200, dataset))).toEqual([]);
    expect(await violationsOf('GET', `${base}/datasets/${dataset.datasetId}`, problem(404))).toEqual([]);
    expect(await violationsOf('GET', '/health', json(200, { status: 'ok' }))).toEqual([]);
  });

  it('names the fields of a body that does not match, with the ajv errors', async () => {
    recorded.length = 0;
    await check.check('GET', `${base}/datasets/${dataset.datasetId}`, json(200, { ...dataset, status: 'Lost', sizeBytes: '10' }));
    expect(recorded).toHaveLength(1);
    expect(recorded[0]).toMatchObject({ method: 'GET', route: '/api/{tenantId}/{projectId}/datasets/{datasetId}', status: 200, problem: 'the body does not match its schema' });
    expect(recorded[0]!.errors!.map((error) => (error as { instancePath: string }).instancePath)).toEqual(expect.arrayContaining(['/status', '/sizeBytes']));
  });

  it('counts a status the route does not declare as a violation; 5xx falls to the default answer', async () => {
    expect(await violationsOf('GET', `${base}/datasets`, problem(409))).toEqual([expect.stringMatching(/^status 409 is not declared/)]);
    expect(await violationsOf('GET', `${base}/datasets`, json(201, { datasets: [], nextToken: null }))).toEqual([expect.stringMatching(/^status 201 is not declared/)]);
    expect(await violationsOf('GET', `${base}/datasets`, problem(503))).toEqual([]);
  });

  it('checks the content type, the problem+json of errors and an empty 204', async () => {
    expect(await violationsOf('GET', `${base}/datasets`, json(404, { message: 'not found' }))).toEqual([expect.stringMatching(/^content type application\/json is not declared/)]);
    expect(await violationsOf('GET', `${base}/datasets`, json(404, { message: 'not found' }, 'application/problem+json'))).toEqual(['the body does not match its schema']);
    const webhook = `${base}/async/webhooks/wh-44444444-4444-4444-8444-444444444444`;
    expect(await violationsOf('DELETE', webhook, { statusCode: 204, headers: {}, body: '' } as never)).toEqual([]);
    expect(await violationsOf('DELETE', webhook, json(204, { deleted: true }))).toEqual(['a body was sent where the document declares none']);
  });

  it('accepts 405 on any method of a documented path, and leaves paths outside the document alone', async () => {
    expect(await violationsOf('PUT', `${base}/datasets`, problem(405))).toEqual([]);
    expect(await violationsOf('PUT', `${base}/datasets`, json(200, {}))).toEqual(['PUT is not a documented method of this path']);
    expect(await violationsOf('GET', '/.well-known/jwks.json', json(200, { keys: [] }))).toEqual([]);
    expect(await violationsOf('POST', '/_local/faults', json(200, {}))).toEqual([]);
  });
});

describe('the success answers of the document', () => {
  it('give every route with a JSON body a schema, so no answer is checked against a bare object', () => {
    const without = [...new Set(routes.map((route) => route.function))].filter((id: FunctionId) => {
      const success = successResponses[id];
      return !success || (success.status !== 204 && !success.contentType && !success.schema);
    });
    expect(without).toEqual([]);
  });
});

describe('the examples of the document', () => {
  it('are answers their routes may give: each validates against its success schema', async () => {
    // Prepare: a check that records instead of writing a file.
    const contracts = await loadRouteContracts(routes);
    const recorded: ContractViolation[] = [];
    const check = await contractCheck(openApiDocument({ routes, contractOf: (id) => contracts.get(id) }), async (violation) => {
      recorded.push(violation);
    });
    const { examples } = await import('../../functions/openapi/examples.ts');
    // Act: each example as its route's successful answer, on a path its template matches.
    for (const [functionId, example] of Object.entries(examples)) {
      const route = routes.find((candidate) => candidate.function === functionId)!;
      const path = route.path.replace(/\{(\w+)\}/g, (_, name: string) => `sample-${name}`);
      await check.check(route.method, path, json(successResponses[functionId as FunctionId]!.status, example));
    }
    // Assess
    expect(Object.keys(examples).length).toBeGreaterThanOrEqual(25);
    expect(recorded.map(({ route, problem, errors }) => ({ route, problem, errors }))).toEqual([]);
  }, 60_000);
});
