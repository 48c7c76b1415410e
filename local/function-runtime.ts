import { randomUUID } from 'node:crypto';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Context } from 'aws-lambda';
import { functions, type FunctionId } from '../lib/topology.ts';

export const LOCAL_REGION = 'us-east-1';
export const LOCAL_ACCOUNT = '000000000000';

export const localFunctionArn = (id: FunctionId): string => `arn:aws:lambda:${LOCAL_REGION}:${LOCAL_ACCOUNT}:function:${id}`;

export class FunctionTimeoutError extends Error {
  constructor(
    readonly functionId: FunctionId,
    readonly timeoutSeconds: number,
  ) {
    super(`Task timed out after ${timeoutSeconds}.00 seconds`);
    this.name = 'Sandbox.Timedout';
  }
}

type Handler = (event: unknown, context: Context) => Promise<unknown>;

/** The handler every phase function (of every size) runs. */
const phaseHandlerEntry = 'functions/handlers/phases/run-phase.ts';

/**
 * Runs the same handler modules Lambda runs, in this process, with Lambda's contract:
 * one event, a context whose remaining time counts down, and the function's timeout.
 * The handler keeps running in the background after a timeout (as a frozen sandbox would
 * not), but its result is discarded and the caller sees Lambda's timeout error.
 */
export class FunctionRuntime {
  private readonly modules = new Map<FunctionId, Promise<Handler>>();

  constructor(
    private readonly projectRoot: string,
    /** Local fault injection (local/faults.ts): an invocation of a phase function may be made to crash. */
    private readonly faults?: { crashFor(event: unknown): Error | undefined },
  ) {}

  async invoke<T = unknown>(id: FunctionId, event: unknown): Promise<T> {
    const definition = functions[id];
    const handler = await this.load(id);
    // Local fault injection: a phase, or a lifecycle step (RecordLifecycle), may be made to fail before its handler runs.
    if (definition.entry === phaseHandlerEntry || id === 'RecordLifecycle') {
      const crash = this.faults?.crashFor(event);
      if (crash) throw crash;
    }
    const deadline = Date.now() + definition.timeoutSeconds * 1000;
    const context = lambdaContext(id, definition.memoryMb, deadline);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new FunctionTimeoutError(id, definition.timeoutSeconds)), deadline - Date.now());
    });
    try {
      return (await Promise.race([handler(event, context), timeout])) as T;
    } finally {
      clearTimeout(timer);
    }
  }

  private load(id: FunctionId): Promise<Handler> {
    let loaded = this.modules.get(id);
    if (!loaded) {
      const url = pathToFileURL(resolve(this.projectRoot, functions[id].entry)).href;
      loaded = import(url).then((module: { handler?: Handler }) => {
        if (typeof module.handler !== 'function') throw new Error(`${functions[id].entry} exports no handler`);
        if (isCallbackStyle(module.handler)) throw new CallbackHandlerError(functions[id].entry);
        return module.handler;
      });
      this.modules.set(id, loaded);
    }
    return loaded;
  }
}

/**
 * Lambda's Node.js 24 runtime takes a handler declaring three or more parameters for a callback-style one and
 * refuses it at init (`Runtime.CallbackHandlerDeprecated`), even when it returns a promise: the local stack
 * refuses it too, so that such a handler fails here and not first in AWS.
 */
export const isCallbackStyle = (handler: (...args: never[]) => unknown): boolean => handler.length >= 3;

export class CallbackHandlerError extends Error {
  constructor(entry: string) {
    super(`${entry}: its handler declares a callback parameter; Lambda's Node.js 24 runtime accepts only (event, context) handlers that return a promise`);
    this.name = 'Runtime.CallbackHandlerDeprecated';
  }
}

function lambdaContext(id: FunctionId, memoryMb: number, deadline: number): Context {
  const requestId = randomUUID();
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: id,
    functionVersion: '$LATEST',
    invokedFunctionArn: localFunctionArn(id),
    memoryLimitInMB: String(memoryMb),
    awsRequestId: requestId,
    logGroupName: `/aws/lambda/${id}`,
    logStreamName: `local/${requestId}`,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
