import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { appendLogKeys, withLogKeys, type LogKeys } from '../observability/log-keys.ts';
import { logger } from '../observability/logger.ts';

const idKeys = ['tenantId', 'projectId', 'operationId', 'jobId'] as const;

/** The ids a request names in its path (lower-cased, as the handlers use them). */
function pathKeys(event: APIGatewayProxyEvent): LogKeys {
  const params = event.pathParameters ?? {};
  return Object.fromEntries(idKeys.map((key) => [key, params[key]?.toLowerCase()]));
}

/** Ids a response names (a started operation, a retry), so the request's line says which operation it created. */
function responseKeys(response: APIGatewayProxyResult | undefined): LogKeys {
  if (!response?.body || !response.body.startsWith('{')) return {};
  try {
    const body = JSON.parse(response.body) as Record<string, unknown>;
    return { operationId: typeof body.operationId === 'string' ? body.operationId : undefined, jobId: typeof body.jobId === 'string' ? body.jobId : undefined };
  } catch {
    return {};
  }
}

/**
 * Wraps an API Gateway handler (a middy chain, errors already answered as problem+json): every line logged while it
 * runs carries the request id (API Gateway's, the one clients can quote), the function and the ids of the path, and
 * it ends with one INFO line: method, path, status and duration.
 */
export function requestLog<E extends APIGatewayProxyEvent>(
  handler: (event: E, context: Context) => Promise<APIGatewayProxyResult>,
  options: { annotate?: (keys: Record<string, string | undefined>) => void } = {},
): (event: E, context: Context) => Promise<APIGatewayProxyResult> {
  return (event, context) => {
    const keys = pathKeys(event);
    // Trace annotations come from the caller: routes without AWS calls (health, docs) do not bundle the tracer.
    options.annotate?.({ operationId: keys.operationId as string | undefined, jobId: keys.jobId as string | undefined });
    return withLogKeys({ requestId: event.requestContext?.requestId ?? context?.awsRequestId, functionName: context?.functionName, ...keys }, async () => {
      const started = performance.now();
      let response: APIGatewayProxyResult | undefined;
      try {
        response = await handler(event, context);
        return response;
      } finally {
        appendLogKeys(responseKeys(response));
        const status = response?.statusCode ?? 500;
        logger.info(`${event.httpMethod} ${event.path} ${status}`, { method: event.httpMethod, path: event.path, status, durationMs: Math.round(performance.now() - started) });
      }
    });
  };
}
