import { AsyncLocalStorage } from 'node:async_hooks';

/**
 * The correlation keys of the invocation a log line belongs to. Kept per async context rather than on the logger:
 * the local stack runs many invocations of many functions in one process at once, and a key appended to a shared
 * logger would leak into the others' lines. In Lambda (one invocation at a time) it behaves the same.
 */
export interface LogKeys {
  requestId?: string;
  functionName?: string;
  tenantId?: string;
  projectId?: string;
  operationId?: string;
  jobId?: string;
  [key: string]: unknown;
}

const store = new AsyncLocalStorage<LogKeys>();

/** Runs `fn` with `keys` (added to any already in effect) on every line logged inside it. */
export function withLogKeys<T>(keys: LogKeys, fn: () => T): T {
  return store.run({ ...store.getStore(), ...definedOnly(keys) }, fn);
}

/** Adds keys to the invocation's, for the lines that follow (e.g. an operation id learnt from a response). */
export function appendLogKeys(keys: LogKeys): void {
  const current = store.getStore();
  if (current) Object.assign(current, definedOnly(keys));
}

export function currentLogKeys(): LogKeys {
  return store.getStore() ?? {};
}

function definedOnly(keys: LogKeys): LogKeys {
  return Object.fromEntries(Object.entries(keys).filter(([, value]) => value !== undefined && value !== null && value !== ''));
}

/**
 * A handler run under its invocation's keys: the Lambda request id, the function, and what `keysOf` finds in the
 * event. Bundles only the logger's keys (no tracer), for functions that call no AWS service (the authorizer).
 */
export function keyedHandler<E, R, C extends { awsRequestId?: string; functionName?: string } | undefined>(
  keysOf: (event: E) => LogKeys,
  handler: (event: E, context: C) => Promise<R>,
): (event: E, context?: C) => Promise<R> {
  // Lambda always passes a context; tests and the local tools may not.
  return (event, context) => withLogKeys({ requestId: context?.awsRequestId, functionName: context?.functionName, ...keysOf(event) }, () => handler(event, context as C));
}
