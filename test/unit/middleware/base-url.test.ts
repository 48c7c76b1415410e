import type { APIGatewayProxyEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { absoluteUrl, apiBaseUrl } from '../../../functions/middleware/base-url.ts';

const path = '/api/11111111-1111-4111-8111-111111111111/22222222-2222-4222-8222-222222222222/async/operation/op-33333333-3333-4333-8333-333333333333';

/** The parts of a REST API proxy event that name where the request arrived, as API Gateway sends them. */
function awsEvent(domainName: string, stage: string, extraHeaders: Record<string, string> = {}) {
  return {
    path,
    headers: { Host: domainName, 'X-Forwarded-Proto': 'https', 'X-Forwarded-Port': '443', 'X-Forwarded-For': '203.0.113.7', ...extraHeaders },
    requestContext: { domainName, domainPrefix: domainName.split('.')[0], stage, path: `/${stage}${path}`, apiId: domainName.split('.')[0] },
  } as unknown as APIGatewayProxyEvent;
}

describe('absolute URLs', () => {
  it('resolve on the default execute-api endpoint, stage included', () => {
    const event = awsEvent('abc123defg.execute-api.eu-west-1.amazonaws.com', 'prod');
    expect(apiBaseUrl(event)).toBe('https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod');
    expect(absoluteUrl(event, path)).toBe(`https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod${path}`);
  });

  it('have no stage prefix behind a custom domain, whose mapping hides it', () => {
    expect(apiBaseUrl(awsEvent('api.example.com', 'prod'))).toBe('https://api.example.com');
  });

  it('use the local front origin under npm start (plain http, no stage in its paths)', () => {
    const local = { path, headers: { host: '127.0.0.1:4010' }, requestContext: { stage: 'local', path: `/local${path}` } } as unknown as APIGatewayProxyEvent;
    expect(absoluteUrl(local, path)).toBe(`http://127.0.0.1:4010${path}`);
  });

  it('never echo a Host that is not a plain host name, and stay relative without one', () => {
    const forged = awsEvent('abc123defg.execute-api.eu-west-1.amazonaws.com', 'prod', { Host: 'evil.example/@x' });
    expect(apiBaseUrl(forged)).toBe('https://abc123defg.execute-api.eu-west-1.amazonaws.com/prod');
    expect(absoluteUrl({ headers: {}, requestContext: {} } as unknown as APIGatewayProxyEvent, path)).toBe(path);
  });
});
