import type { MiddlewareObj } from '@middy/core';
import type { APIGatewayProxyEvent, APIGatewayProxyResult } from 'aws-lambda';
import { PayloadTooLargeError, UnsupportedMediaTypeError, ValidationError } from '../domain/errors.ts';

export interface ParsedBody {
  parsedBody?: unknown;
}

/** Enforces the size limit, checks the media type and parses JSON before validation. */
export function jsonBody(maxBytes: number): MiddlewareObj<APIGatewayProxyEvent & ParsedBody, APIGatewayProxyResult> {
  return {
    before: async ({ event }) => {
      if (event.body === null || event.body === undefined || event.body === '') return;
      const raw = event.isBase64Encoded ? Buffer.from(event.body, 'base64').toString('utf8') : event.body;
      const size = Buffer.byteLength(raw, 'utf8');
      if (size > maxBytes) throw new PayloadTooLargeError(`The request body is ${size} bytes; the limit is ${maxBytes} bytes`);
      const contentType = Object.entries(event.headers ?? {}).find(([name]) => name.toLowerCase() === 'content-type')?.[1];
      if (contentType && !/^application\/([a-z.+-]*\+)?json\b/i.test(contentType)) {
        throw new UnsupportedMediaTypeError(`Send the body as application/json, not ${contentType}`);
      }
      try {
        event.parsedBody = JSON.parse(raw);
      } catch (error) {
        throw new ValidationError('The request body is not valid JSON', [{ name: 'body', reason: error instanceof Error ? error.message : 'malformed JSON' }]);
      }
    },
  };
}
