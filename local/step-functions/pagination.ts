import { ApiError } from './aws-json-protocol.ts';

/** The next token is the offset of the next page, base64url-encoded. */
export function paginate<T>(items: T[], maxResults: unknown, nextToken: unknown, limit: number): { page: T[]; nextToken?: string } {
  const size = typeof maxResults === 'number' && maxResults > 0 ? Math.min(maxResults, limit) : 100;
  let offset = 0;
  if (nextToken !== undefined) {
    offset = Number.parseInt(Buffer.from(String(nextToken), 'base64url').toString('utf8'), 10);
    if (!Number.isInteger(offset) || offset < 0) throw new ApiError('InvalidToken', 'Invalid Token');
  }
  const page = items.slice(offset, offset + size);
  const next = offset + size < items.length ? Buffer.from(String(offset + size)).toString('base64url') : undefined;
  return { page, nextToken: next };
}
