import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { NotFoundError } from '../../../functions/domain/errors.ts';
import { authorizeScope, callerOf } from '../../../functions/middleware/caller.ts';
import { httpRoute } from '../../../functions/middleware/http-route.ts';
import { jsonResponse } from '../../../functions/middleware/problem.ts';
import { batchPath } from '../../../functions/schemas/batch.ts';
import { datasetPath } from '../../../functions/schemas/dataset.ts';
import { trackingQuery } from '../../../functions/schemas/job.ts';
import { operationPath, startOperationBody } from '../../../functions/schemas/operation.ts';
import { tokenClaims } from '../../../functions/schemas/token-claims.ts';
import { webhookPath } from '../../../functions/schemas/webhook.ts';

const tenantId = 'aaaaaaaa-bbbb-4ccc-8ddd-eeeeeeeeeeee';
const projectId = 'ffffffff-0000-4111-8222-333333333333';
const other = '0a0b0c0d-0e0f-4a1b-8c2d-3e4f5a6b7c8d';
const upper = (s: string) => s.toUpperCase();
const scope = { tenantId: upper(tenantId), projectId: upper(projectId) };

describe('canonical identifiers', () => {
  it('lower-cases every GUID of paths, bodies, queries and token claims', () => {
    expect(datasetPath.parse({ ...scope, datasetId: upper(other) })).toEqual({ tenantId, projectId, datasetId: other });
    expect(operationPath.parse({ ...scope, operationId: `OP-${upper(other)}` }).operationId).toBe(`op-${other}`);
    expect(batchPath.parse({ ...scope, batchId: `Batch-${upper(other)}` }).batchId).toBe(`batch-${other}`);
    expect(webhookPath.parse({ ...scope, webhookId: `WH-${upper(other)}` }).webhookId).toBe(`wh-${other}`);
    const body = startOperationBody.parse({ operationType: 'ProcessMiningAnalysis', operationName: 'x', parameters: { datasetId: upper(other) } });
    expect(body.parameters).toMatchObject({ datasetId: other });
    const report = startOperationBody.parse({ operationType: 'ReportGeneration', operationName: 'x', parameters: { sourceOperationId: `op-${upper(other)}` } });
    expect(report.parameters).toMatchObject({ sourceOperationId: `op-${other}` });
    expect(trackingQuery.parse({ jobIds: `${upper(other)}, ${upper(tenantId)}` }).jobIds).toEqual([other, tenantId]);
    const claims = tokenClaims.parse({ sub: 'u', tenantId: upper(tenantId), projectIds: [upper(projectId)], exp: 1 });
    expect(claims).toMatchObject({ tenantId, projectIds: [projectId] });
  });

  it('still refuses what is not a GUID, in any case', () => {
    expect(operationPath.safeParse({ tenantId, projectId, operationId: `op-${other}x` }).success).toBe(false);
    expect(operationPath.safeParse({ tenantId, projectId, operationId: `xop-${other}` }).success).toBe(false);
    expect(webhookPath.safeParse({ tenantId, projectId, webhookId: `sub-${other}` }).success).toBe(false);
    expect(datasetPath.safeParse({ tenantId, projectId, datasetId: 'ZZZZZZZZ-BBBB-4CCC-8DDD-EEEEEEEEEEEE' }).success).toBe(false);
  });

  it("reads the caller's claims in lower case, and authorizes only canonical scopes", () => {
    const event = { requestContext: { authorizer: { tenantId: upper(tenantId), projectIds: JSON.stringify([upper(projectId)]), userId: 'u' } } } as unknown as APIGatewayProxyEvent;
    const caller = callerOf(event);
    expect(caller).toEqual({ tenantId, projectIds: [projectId], userId: 'u' });
    expect(() => authorizeScope(caller, { tenantId, projectId })).not.toThrow();
    expect(() => authorizeScope(caller, { tenantId, projectId: other })).toThrow(NotFoundError);
    expect(() => authorizeScope(callerOf({ requestContext: {} } as unknown as APIGatewayProxyEvent), { tenantId: '', projectId: '' })).toThrow(NotFoundError);
    const garbled = { requestContext: { authorizer: { tenantId, projectIds: '{not json' } } } as unknown as APIGatewayProxyEvent;
    expect(callerOf(garbled).projectIds).toEqual([]);
  });

  it('serves an upper-case path as the canonical project', async () => {
    const route = httpRoute({ path: datasetPath, handle: async ({ path }) => jsonResponse(200, path) });
    const event = {
      path: '/p',
      httpMethod: 'GET',
      pathParameters: { ...scope, datasetId: upper(other) },
      queryStringParameters: null,
      headers: {},
      body: null,
      isBase64Encoded: false,
      requestContext: { authorizer: { tenantId, projectIds: JSON.stringify([projectId]), userId: 'u' } },
    } as unknown as APIGatewayProxyEvent;
    const response = await route(event, {} as Context);
    expect(response.statusCode).toBe(200);
    expect(JSON.parse(response.body)).toEqual({ tenantId, projectId, datasetId: other });
  });
});
