import type { APIGatewayProxyEvent, Context, SQSRecord } from 'aws-lambda';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { requestLog } from '../../../functions/middleware/request-log.ts';
import { observed, observedRecord } from '../../../functions/observability/invocation.ts';
import { withLogKeys } from '../../../functions/observability/log-keys.ts';
import { logger } from '../../../functions/observability/logger.ts';
import { telemetry, useTelemetry } from '../../../functions/domain/telemetry.ts';
import { powertoolsTelemetry } from '../../../functions/observability/powertools-telemetry.ts';

const tenantId = '11111111-1111-4111-8111-111111111111';
const projectId = '22222222-2222-4222-8222-222222222222';
const operationId = 'op-33333333-3333-4333-8333-333333333333';
const jobId = 'job-44444444-4444-4444-8444-444444444444';
const context = { awsRequestId: 'lambda-request-1', functionName: 'GetOperation' } as Context;

let lines: string[];
beforeEach(() => {
  lines = [];
  const capture = (chunk: string | Uint8Array) => {
    lines.push(...String(chunk).split('\n').filter(Boolean));
    return true;
  };
  vi.spyOn(process.stdout, 'write').mockImplementation(capture);
  vi.spyOn(process.stderr, 'write').mockImplementation(capture);
  logger.setLogLevel('INFO');
});
afterEach(() => {
  vi.restoreAllMocks();
  delete process.env.LOG_FORMAT;
  logger.setLogLevel('ERROR');
});

const json = () => lines.map((line) => JSON.parse(line) as Record<string, unknown>);

describe('JSON log lines', () => {
  it('carry the request, tenant, project, operation and job ids as top-level keys on every line of an API request', async () => {
    const handler = requestLog(async () => {
      logger.warn('inside the handler');
      return { statusCode: 202, body: JSON.stringify({ operationId, jobId, status: 'Queued' }) };
    });
    const event = { httpMethod: 'POST', path: `/api/${tenantId}/${projectId}/async/operation`, pathParameters: { tenantId: tenantId.toUpperCase(), projectId }, requestContext: { requestId: 'apigw-1' } };
    await handler(event as unknown as APIGatewayProxyEvent, context);
    const [inside, request] = json();
    expect(inside).toMatchObject({ level: 'WARN', message: 'inside the handler', requestId: 'apigw-1', functionName: 'GetOperation', tenantId, projectId, service: 'process-mining-jobs' });
    // The request's own line ends it, with what the response created.
    expect(request).toMatchObject({ level: 'INFO', requestId: 'apigw-1', tenantId, projectId, operationId, jobId, method: 'POST', status: 202 });
    expect(request!.durationMs).toEqual(expect.any(Number));
  });

  it('logs a failed request as a 500 line and rethrows', async () => {
    const handler = requestLog(async () => {
      throw new Error('boom');
    });
    await expect(handler({ httpMethod: 'GET', path: '/health', requestContext: { requestId: 'r' } } as unknown as APIGatewayProxyEvent, context)).rejects.toThrow('boom');
    expect(json()).toEqual([expect.objectContaining({ level: 'INFO', status: 500, path: '/health' })]);
  });

  it('keep concurrent invocations apart (the local stack runs many in one process)', async () => {
    const handler = observed(
      (event: { job: { operationId: string; jobId: string } }) => event.job,
      async () => {
        await new Promise((resolve) => setTimeout(resolve, 5));
        logger.info('working');
      },
    );
    await Promise.all([handler({ job: { operationId: 'op-a', jobId: 'job-a' } }, context), handler({ job: { operationId: 'op-b', jobId: 'job-b' } }, context)]);
    expect(json().map((line) => `${line.operationId}/${line.jobId}`).sort()).toEqual(['op-a/job-a', 'op-b/job-b']);
  });

  it('take the domain’s diagnostics through the port, with the invocation’s keys', () => {
    useTelemetry(powertoolsTelemetry);
    withLogKeys({ operationId, jobId }, () => telemetry.log('ERROR', 'Could not queue notifications', { event: 'operation.completed' }));
    expect(json()).toEqual([expect.objectContaining({ level: 'ERROR', message: 'Could not queue notifications', operationId, jobId, event: 'operation.completed' })]);
  });

  it('name the queue message of a failure, and say when it was its last receive', async () => {
    const record = { messageId: 'm-1', attributes: { ApproximateReceiveCount: '5' } } as unknown as SQSRecord;
    await expect(observedRecord('Cancellation', record, { operationId }, async () => Promise.reject(new Error('table unavailable')))).rejects.toThrow();
    expect(json()).toEqual([expect.objectContaining({ level: 'ERROR', message: 'Cancellation message failed', messageId: 'm-1', operationId, deadLettered: true, detail: 'table unavailable' })]);
  });
});

describe('readable lines (LOG_FORMAT=text, the local stack)', () => {
  it('print one line per request with the function, the operation and the job', async () => {
    process.env.LOG_FORMAT = 'text';
    const handler = requestLog(async () => ({ statusCode: 200, body: '{}' }));
    const event = { httpMethod: 'GET', path: '/api/t/p/async/operation/x', pathParameters: { tenantId, projectId, operationId }, requestContext: { requestId: 'r' } };
    await handler(event as unknown as APIGatewayProxyEvent, context);
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(new RegExp(`^\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  \\[GetOperation\\] GET /api/t/p/async/operation/x 200  op=${operationId}  durationMs=\\d+$`));
    expect(() => JSON.parse(lines[0]!)).toThrow();
  });
});
