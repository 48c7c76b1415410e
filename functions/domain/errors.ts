/** A field a client got wrong, as RFC 9457 problem details list it. */
export interface InvalidField {
  /** Where the value came from and its path, e.g. `body.parameters.datasetId` or `query.pageSize`. */
  name: string;
  reason: string;
}

/** Errors that describe a client's mistake; everything else is the service's fault (500). */
export abstract class ClientError extends Error {
  abstract readonly status: number;
  abstract readonly title: string;
  readonly invalidFields: InvalidField[] = [];
  /** Extension members of the problem details, beside `invalidParams` (e.g. a `limit`). */
  readonly extensions: Record<string, unknown> = {};
}

export class ValidationError extends ClientError {
  readonly status = 400;
  readonly title = 'Invalid request';
  constructor(
    message: string,
    override readonly invalidFields: InvalidField[] = [],
  ) {
    super(message);
  }
}

export class NotFoundError extends ClientError {
  readonly status = 404;
  readonly title = 'Not Found';
}

export class ConflictError extends ClientError {
  readonly status = 409;
  readonly title = 'Conflict';
  constructor(
    message: string,
    override readonly invalidFields: InvalidField[] = [],
  ) {
    super(message);
  }
}

/** A project or job already has as many of something as it may: 409 with the `limit` in the problem details. */
export class LimitExceededError extends ClientError {
  readonly status = 409;
  readonly title = 'Limit Exceeded';
  override readonly extensions: { limit: number };
  constructor(message: string, limit: number) {
    super(message);
    this.extensions = { limit };
  }
}

/** The operation has been retried already: a retry continues the chain from its latest retry. 409 naming `retryOperationId`. */
export class AlreadyRetriedError extends ConflictError {
  override readonly extensions: { retryOperationId: string };
  constructor(operationId: string, retryOperationId: string) {
    super(`Operation ${operationId} was already retried as ${retryOperationId}; retry that operation instead`);
    this.extensions = { retryOperationId };
  }
}

export class PayloadTooLargeError extends ClientError {
  readonly status = 413;
  readonly title = 'Payload Too Large';
}

export class MethodNotAllowedError extends ClientError {
  readonly status = 405;
  readonly title = 'Method Not Allowed';
}

export class UnsupportedMediaTypeError extends ClientError {
  readonly status = 415;
  readonly title = 'Unsupported Media Type';
}

/** The project already runs as many operations as it may; the operation has to wait. */
export class CapacityExceededError extends Error {
  override readonly name = 'CapacityExceeded';
}

/** A write by a job that no longer owns its operation (a stale attempt, or one force-stopped by a cancellation); nothing was written. */
export class FencedWriteError extends Error {
  override readonly name = 'FencedWrite';
}
