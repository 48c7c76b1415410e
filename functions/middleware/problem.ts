import type { APIGatewayProxyResult } from 'aws-lambda';
import type { InvalidField } from '../domain/errors.ts';

export const problemContentType = 'application/problem+json';

/** RFC 9457 problem details; `invalidParams` is the RFC's own example extension for field errors. */
export function problemResponse(
  status: number,
  title: string,
  detail: string,
  instance?: string,
  invalidParams: InvalidField[] = [],
  extensions: Record<string, unknown> = {},
): APIGatewayProxyResult {
  return {
    statusCode: status,
    headers: { 'Content-Type': problemContentType },
    body: JSON.stringify({
      type: 'about:blank',
      title,
      status,
      detail,
      ...(instance ? { instance } : {}),
      ...(invalidParams.length ? { invalidParams } : {}),
      ...extensions,
    }),
  };
}

export function jsonResponse(status: number, body: unknown, headers: Record<string, string> = {}): APIGatewayProxyResult {
  return { statusCode: status, headers: { 'Content-Type': 'application/json', ...headers }, body: JSON.stringify(body) };
}
