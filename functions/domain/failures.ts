import { MissingColumnError } from '../mining/ingest/column-mapping.ts';
import { CsvSyntaxError } from '../mining/ingest/csv-scanner.ts';
import { XesSyntaxError } from '../mining/ingest/xes-scanner.ts';
import { NoTimestampsError } from '../mining/log/event-log-builder.ts';

/**
 * The codes a failed operation's `error.error` carries, each with a message written for the client. Nothing else
 * reaches `error`: names and messages of storage, database or SDK errors stay in the function's log.
 */
export const failureCodes = {
  /** The dataset was deleted, or never existed in this project. */
  DatasetNotFound: 'The dataset no longer exists',
  /** The dataset's file could not be read from storage (never uploaded, or removed). */
  DatasetUnreadable: "The dataset's file could not be read from storage; upload it again",
  /** The file was read but is not a valid event log of its format; the message says what is wrong. */
  DatasetInvalid: 'The dataset is not a valid event log',
  /** The operation asked for a `timeWindow` but the dataset has no timestamps to place events in it. */
  NoTimestamps: 'The dataset has no timestamps, so a timeWindow cannot be applied; run the operation without timeWindow',
  /** The request's `timeWindow` left out every event of the dataset. Not retryable: widen the window. */
  NoEventsInWindow: "No event of the dataset falls in the operation's timeWindow",
  /** Every record was dropped by validation or the cleaning rules (no case id, activity or usable timestamp). Not retryable. */
  NoEventsAfterCleaning: 'No event of the dataset is left after validation and cleaning',
  /** The analysis a report was to render no longer exists. */
  SourceOperationNotFound: 'The source operation no longer exists',
  /** The operation's own timeout passed before its next phase could start. */
  OperationTimedOut: "The operation's timeout passed",
  /** A phase ran longer than its function may run. */
  PhaseTimedOut: 'A phase did not finish within the time its function may run',
  /** The workflow could not be started; retry the operation. */
  ExecutionStartFailed: 'The workflow of the operation could not be started; retry it',
  /** The local stack stopped while the operation ran (local only). */
  LocalStackRestarted: 'The local stack stopped while this operation was running; start it again',
  /** Anything else: the service's fault, logged with the job id. */
  InternalError: 'The operation failed because of an internal error; it has been logged',
} as const;
export type FailureCode = keyof typeof failureCodes;

const maxCauseChars = 2000;

/** What an operation records as its `error` (records.ts OperationError), as a plain type usable as log details. */
export type RecordedFailure = { error: FailureCode; cause: string };

/** An operation failure with a documented code and a message fit for the client: what a phase throws to fail. */
export class OperationFailure extends Error {
  constructor(
    readonly code: FailureCode,
    message: string = failureCodes[code],
    options?: { cause?: unknown },
  ) {
    super(message.length > maxCauseChars ? `${message.slice(0, maxCauseChars - 1)}…` : message, options);
    // The name is what Step Functions reports as the error, and what the lifecycle records.
    this.name = code;
  }
}

function isFailureCode(value: unknown): value is FailureCode {
  return typeof value === 'string' && Object.hasOwn(failureCodes, value);
}

/**
 * What a phase's error becomes at the phase boundary. The engine's own format errors describe the client's file and
 * keep their message; zlib's errors become a plain sentence; everything else is InternalError.
 */
export function phaseFailure(error: unknown): OperationFailure {
  if (error instanceof OperationFailure) return error;
  if (error instanceof NoTimestampsError) return new OperationFailure('NoTimestamps', undefined, { cause: error });
  if (error instanceof MissingColumnError) return new OperationFailure('DatasetInvalid', error.message, { cause: error });
  if (error instanceof CsvSyntaxError) return new OperationFailure('DatasetInvalid', `The dataset is not valid CSV: ${error.message}`, { cause: error });
  if (error instanceof XesSyntaxError) return new OperationFailure('DatasetInvalid', `The dataset is not valid XES: ${error.message}`, { cause: error });
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string' && /^Z_/.test(code)) return new OperationFailure('DatasetInvalid', 'The dataset is not valid gzip data', { cause: error });
  return new OperationFailure('InternalError', undefined, { cause: error });
}

/** Step Functions reports a Lambda error's cause as JSON with errorMessage; keep the message. */
function causeMessage(cause: string | undefined): string | undefined {
  if (!cause) return undefined;
  try {
    const parsed = JSON.parse(cause) as { errorMessage?: unknown };
    return typeof parsed.errorMessage === 'string' ? parsed.errorMessage : cause;
  } catch {
    return cause;
  }
}

/**
 * The error recorded on an operation whose execution failed. Only documented codes keep their message (phases
 * threw them with a message written for the client); Step Functions' own timeouts become PhaseTimedOut; any other
 * error name (a Lambda crash, States.Runtime, an SDK error that escaped) is recorded as InternalError.
 */
export function executionFailure(reported: { Error?: string; Cause?: string } | undefined): { error: RecordedFailure; internal: boolean } {
  const name = reported?.Error;
  if (isFailureCode(name)) {
    const message = causeMessage(reported?.Cause) ?? failureCodes[name];
    return { error: { error: name, cause: new OperationFailure(name, message).message }, internal: false };
  }
  if (name === 'States.Timeout' || name === 'Sandbox.Timedout') return { error: { error: 'PhaseTimedOut', cause: failureCodes.PhaseTimedOut }, internal: false };
  return { error: { error: 'InternalError', cause: failureCodes.InternalError }, internal: true };
}

/** An operation error for a failure the service caused, e.g. a workflow that could not start. */
export function internalFailure(code: Extract<FailureCode, 'ExecutionStartFailed' | 'InternalError'>): RecordedFailure {
  return { error: code, cause: failureCodes[code] };
}
