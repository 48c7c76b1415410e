import type { APIGatewayProxyEvent, Context } from 'aws-lambda';
import { describe, expect, it, vi } from 'vitest';

const tenantId = '11111111-1111-4111-8111-111111111111';
const projectId = '22222222-2222-4222-8222-222222222222';
const operationId = 'op-33333333-3333-4333-8333-333333333333';
const trackingPath = `/api/${tenantId}/${projectId}/async/operation/${operationId}`;

// The handler's service only; routing, validation and the response are the real ones.
vi.mock('../../../functions/composition.ts', () => ({
  operationService: () => ({ start: async () => ({ operationId, status: 'Initiated', trackingUrl: trackingPath }) }),
  idempotencyStores: () => {
    throw new Error('no Idempotency-Key was sent');
  },
}));
const { handler } = await import('../../../functions/handlers/api/start-operation.ts');

/** A POST as API Gateway hands it to the function on the default execute-api endpoint of stage `prod`. */
function awsEvent(): APIGatewayProxyEvent {
  const domainName = 'abc123defg.execute-api.eu-west-1.amazonaws.com';
  return {
    resource: '/api/{tenantId}/{projectId}/async/operation',
    path: `/api/${tenantId}/${projectId}/async/operation`,
    httpMethod: 'POST',
    headers: { Host: domainName, 'Content-Type': 'application/json', 'X-Forwarded-Proto': 'https', 'X-Forwarded-Port': '443' },
    multiValueHeaders: {},
    queryStringParameters: null,
    multiValueQueryStringParameters: null,
    pathParameters: { tenantId, projectId },
    stageVariables: null,
    body: JSON.stringify({ operationType: 'ProcessMiningAnalysis', operationName: 'first analysis', parameters: { datasetId: '44444444-4444-4444-8444-444444444444' } }),
    isBase64Encoded: false,
    requestContext: {
      accountId: '123456789012',
      apiId: 'abc123defg',
      domainName,
      domainPrefix: 'abc123defg',
      stage: 'prod',
      path: `/prod/api/${tenantId}/${projectId}/async/operation`,
      httpMethod: 'POST',
      requestId: 'c6af9ac6-7b61-11e6-9a41-93e8deadbeef',
      authorizer: { tenantId, projectIds: JSON.stringify([projectId]), userId: 'alice', principalId: 'alice' },
    },
  } as unknown as APIGatewayProxyEvent;
}

describe('Location and trackingUrl', () => {
  it('are absolute and carry the stage, so they resolve on the deployed API', async () => {
    const response = await handler(awsEvent(), {} as Context);
    const expected = `https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod${trackingPath}`;
    expect(response.statusCode, response.body).toBe(202);
    expect(response.headers?.Location).toBe(expected);
    expect(JSON.parse(response.body).trackingUrl).toBe(expected);
  });
});
