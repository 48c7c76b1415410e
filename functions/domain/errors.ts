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
