import { IdempotencyAlreadyInProgressError, IdempotencyConfig, IdempotencyInconsistentStateError, IdempotencyValidationError, makeIdempotent } from '@aws-lambda-powertools/idempotency';
import type { BasePersistenceLayer } from '@aws-lambda-powertools/idempotency/persistence';
import type { APIGatewayProxyEvent, APIGatewayProxyResult, Context } from 'aws-lambda';
import { ClientError, ValidationError } from '../domain/errors.ts';
import type { ProjectScope } from '../domain/records.ts';

/** Where a project's idempotency records live (functions/adapters/dynamo-idempotency-store.ts). */
export type IdempotencyStores = (scope: ProjectScope) => BasePersistenceLayer;

export const idempotencyKeyHeader = 'Idempotency-Key';
/** How long a key answers with its first response (the IETF draft suggests at least 24 hours). */
export const idempotencyKeyLifetimeSeconds = 24 * 60 * 60;
const maxKeyLength = 255;

export class IdempotencyKeyInProgressError extends ClientError {
  readonly status = 409;
  readonly title = 'Conflict';
}

export class IdempotencyKeyReusedError extends ClientError {
  readonly status = 422;
  readonly title = 'Unprocessable Content';
  override readonly invalidFields = [{ name: `header.${idempotencyKeyHeader}`, reason: 'already used with a different request (path or body) within 24 hours' }];
}

/** A 5xx is not a result to replay: thrown through Powertools so it releases the key, then answered as it was. */
class ServerFailure extends Error {
  constructor(readonly response: APIGatewayProxyResult) {
    super(`The request failed with ${response.statusCode}`);
  }
}

/**
 * The key as the IETF draft "The Idempotency-Key HTTP Header Field" sends it (a Structured Field
 * string, `"..."`), or bare as most clients do. Printable ASCII, 1 to 255 characters.
 */
export function parseIdempotencyKey(raw: string): string {
  let key = raw.trim();
  const quoted = /^"((?:[^"\\]|\\["\\])*)"$/.exec(key);
  if (quoted) key = quoted[1]!.replace(/\\(["\\])/g, '$1');
  const reason =
    key.length === 0
      ? 'must not be empty'
      : key.length > maxKeyLength
        ? `must be at most ${maxKeyLength} characters`
        : /[^\x20-\x7e]/.test(key)
          ? 'must be printable ASCII (no control or non-ASCII characters)'
          : undefined;
  if (reason) throw new ValidationError(`The ${idempotencyKeyHeader} header is not valid`, [{ name: `header.${idempotencyKeyHeader}`, reason }]);
  return key;
}

function headerValue(event: APIGatewayProxyEvent, name: string): string | undefined {
  const wanted = name.toLowerCase();
  return Object.entries(event.headers ?? {}).find(([header]) => header.toLowerCase() === wanted)?.[1] ?? undefined;
}

/**
 * Runs a POST once per `Idempotency-Key` (AIP-155, IETF draft): the first request with a key
 * runs and its response is stored for 24 hours, keyed by project, route and key; a repeat with
 * the same path parameters and body answers that response (status, headers such as Location,
 * body) with `Idempotent-Replayed: true` and runs nothing. The same key with another request is
 * 422; a repeat while the first still runs is 409. A request that fails (a problem response or a
 * 5xx) stores nothing: the key is released and a retry with it runs afresh. Without the header
 * the request simply runs.
 *
 * Powertools' idempotency utility does the record keeping (conditional in-progress put, stored
 * response, payload hash, expiry); its middy middleware is not used because the key's scope is
 * the project, known only once the route has validated the path and authorised the caller.
 */
export async function idempotent(
  request: { event: APIGatewayProxyEvent & { parsedBody?: unknown }; context: Context; scope: ProjectScope; path: unknown },
  stores: () => IdempotencyStores,
  run: () => Promise<APIGatewayProxyResult>,
): Promise<APIGatewayProxyResult> {
  const raw = headerValue(request.event, idempotencyKeyHeader);
  if (raw === undefined) return run();
  const key = parseIdempotencyKey(raw);
  const { event, context } = request;

  const config = new IdempotencyConfig({
    eventKeyJmesPath: 'key',
    payloadValidationJmesPath: 'request',
    throwOnNoIdempotencyKey: true,
    expiresAfterSeconds: idempotencyKeyLifetimeSeconds,
    hashFunction: 'sha256',
    responseHook: (response) => {
      const stored = response as unknown as APIGatewayProxyResult;
      return { ...stored, headers: { ...stored.headers, 'Idempotent-Replayed': 'true' } } as never;
    },
  });
  // The in-progress lock lasts as long as this invocation may: a crashed one does not hold the key for a day.
  if (typeof context?.getRemainingTimeInMillis === 'function') config.registerLambdaContext(context);
  const once = makeIdempotent(
    async (_payload: unknown) => {
      const response = await run();
      if (response.statusCode >= 500) throw new ServerFailure(response);
      // Stored as plain JSON (no undefined members), exactly as it will be replayed.
      return JSON.parse(JSON.stringify(response)) as APIGatewayProxyResult;
    },
    { persistenceStore: stores()(request.scope), config, keyPrefix: `IDEM#${event.httpMethod} ${event.resource ?? event.path}` },
  );
  try {
    return await once({ key, request: { path: request.path, body: event.parsedBody ?? null } });
  } catch (error) {
    if (error instanceof ServerFailure) return error.response;
    if (error instanceof IdempotencyValidationError) {
      throw new IdempotencyKeyReusedError(`This ${idempotencyKeyHeader} was used with a different request; use a new key for a new request`);
    }
    if (error instanceof IdempotencyAlreadyInProgressError || error instanceof IdempotencyInconsistentStateError) {
      throw new IdempotencyKeyInProgressError(`A request with this ${idempotencyKeyHeader} is still in progress; retry it later to get its response`);
    }
    throw error;
  }
}
