import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { problemResponse } from './problem.ts';
import { ClientError } from '../domain/errors.ts';

/**
 * Turns errors into problem+json. Client errors keep their message; anything else is
 * logged with its stack and answered with a generic 500 that exposes nothing internal.
 */
export function httpErrors(): MiddlewareObj<APIGatewayProxyEvent, APIGatewayProxyResult> {
  return {
    onError: async (request) => {
      const { error, event } = request;
      const instance = event?.path;
      if (error instanceof ClientError) {
        request.response = problemResponse(error.status, error.title, error.message, instance, error.invalidFields);
        return;
      }
      console.error(JSON.stringify({ level: 'ERROR', message: 'Unhandled error', path: instance, error: error?.name, detail: error?.message, stack: error?.stack }));
      request.response = problemResponse(500, 'Internal Server Error', 'The service failed to handle this request; it has been logged.', instance);
    },
  };
}
