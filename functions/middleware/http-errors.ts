import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { problemResponse } from './problem.ts';
import { ClientError } from '../domain/errors.ts';
import { errorFields } from '../domain/telemetry.ts';
import { logger } from '../observability/logger.ts';

/**
 * Errors of AWS services that say "too much at once, try again" (DynamoDB, S3, Step Functions, SQS, Lambda). Matched
 * by name, so this middleware needs no SDK import.
 */
const transientErrorNames = new Set([
  'ThrottlingException',
  'Throttling',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'TransactionConflictException',
  'TooManyRequestsException',
  'SlowDown',
  'ServiceUnavailable',
  'InternalServerError',
]);

/**
 * Turns errors into problem+json. Client errors keep their message. Anything else is logged with its name, message
 * and stack, and answered with a generic problem that names nothing internal: 503 with Retry-After when an AWS
 * service asked to slow down, 500 otherwise.
 */
export function httpErrors(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const { error, event } = request;
      const instance = event?.path;
      if (error instanceof ClientError) {
        request.response = problemResponse(error.status, error.title, error.message, instance, error.invalidFields, error.extensions);
        return;
      }
      // The path's ids are the line's keys too (request-log.ts); the request id is named here for a bare middy chain.
      logger.error('Unhandled error', { path: instance, requestId: event?.requestContext?.requestId, ...errorFields(error) });
      if (error && transientErrorNames.has(error.name)) {
        const response = problemResponse(503, 'Service Unavailable', 'The service is busy; retry the request shortly.', instance);
        request.response = { ...response, headers: { ...response.headers, 'Retry-After': '1' } };
        return;
      }
      request.response = problemResponse(500, 'Internal Server Error', 'The service failed to handle this request; it has been logged.', instance);
    },
  };
}
