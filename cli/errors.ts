import { ApiError } from '../client/index.ts';

/** Exit codes scripts can rely on. */
export const exitCodes = { ok: 0, operationFailed: 1, usage: 2, api: 3, interrupted: 130 } as const;

/** The command line was wrong or something it needs is missing (config, file). */
export class UsageError extends Error {
  override name = 'UsageError';
}

/** The operation (or a batch's operations) ended other than Completed. */
export class OperationFailedError extends Error {
  override name = 'OperationFailedError';
}

/** Ctrl-C during a watch: the operation goes on, only the watching stops. */
export class InterruptedError extends Error {
  override name = 'InterruptedError';
}

export function exitCodeOf(error: unknown): number {
  if (error instanceof InterruptedError) return exitCodes.interrupted;
  if (error instanceof UsageError) return exitCodes.usage;
  if (error instanceof OperationFailedError) return exitCodes.operationFailed;
  if (error instanceof ApiError) return exitCodes.api;
  // Anything else (the API unreachable, storage refusing an upload) is a failure to talk to the service.
  return exitCodes.api;
}
