import { functions, type FunctionId } from '../../lib/topology.ts';
import { localFunctionArn } from '../function-runtime.ts';
import type { JsonValue } from './interpreter.ts';
import { MAX_PAYLOAD_BYTES } from './conventions.ts';
import type { FunctionInvoker } from './options.ts';
import { namedError, terminalError } from './interpreter.ts';
import type { TaskStateLike } from './task-states.ts';

const LAMBDA_INVOKE_INTEGRATION = /^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/;

const localFunctionIds = new Map<string, FunctionId>(
  (Object.keys(functions) as FunctionId[]).map((functionId) => [localFunctionArn(functionId), functionId]),
);

/** Accepts `arn:...:function:Name`, `...:function:Name:$LATEST` and a bare function name. */
function functionIdOf(reference: unknown): FunctionId | undefined {
  if (typeof reference !== 'string') return undefined;
  const exact = localFunctionIds.get(reference) ?? localFunctionIds.get(reference.replace(/:(\$LATEST|[A-Za-z0-9_-]+)$/, ''));
  if (exact) return exact;
  return reference in functions ? (reference as FunctionId) : undefined;
}

export function taskHandler(
  stateMachineId: string,
  stateName: string,
  state: TaskStateLike,
  invoker: FunctionInvoker,
): (input: JsonValue) => Promise<JsonValue> {
  const resource = state.Resource ?? '';
  const direct = functionIdOf(resource);
  if (direct) {
    // Direct Lambda ARN: the state's input is the event, the function's result the state's result.
    return async (input) => limitPayload(toJson(await invokeAsLambda(invoker, direct, input)));
  }
  if (LAMBDA_INVOKE_INTEGRATION.test(resource)) {
    // Optimised integration: Parameters carry FunctionName and Payload; the result is wrapped.
    return async (input) => {
      const parameters = (input ?? {}) as { FunctionName?: unknown; Payload?: unknown };
      const functionId = functionIdOf(parameters.FunctionName);
      if (!functionId) throw namedError('Lambda.ResourceNotFoundException', `Function not found: ${String(parameters.FunctionName)}`);
      const payload = await invokeAsLambda(invoker, functionId, parameters.Payload ?? null);
      return limitPayload(toJson({ ExecutedVersion: '$LATEST', Payload: payload ?? null, StatusCode: 200 }));
    };
  }
  return async () => {
    throw terminalError(
      'States.Runtime',
      `The local Step Functions endpoint cannot run Task '${stateName}' of ${stateMachineId}: resource '${resource}' is not a local function ARN`,
    );
  };
}

/**
 * Step Functions fails the execution when a task's result is over 256 KiB. AWS's States.ALL does
 * not match this error; here no Retry or Catch matches it at all (the interpreter has no finer flag).
 */
function limitPayload(result: JsonValue): JsonValue {
  const size = Buffer.byteLength(JSON.stringify(result));
  if (size > MAX_PAYLOAD_BYTES) {
    throw terminalError('States.DataLimitExceeded', `The state/task returned a result with a size exceeding the maximum number of bytes service limit (${size} > ${MAX_PAYLOAD_BYTES}).`);
  }
  return result;
}

/**
 * Calls the function and reports a failure as Step Functions sees a Lambda failure: the error
 * name is Lambda's `errorType` (the thrown error's `name`), which Retry/Catch match, and the
 * cause is the function's error payload `{"errorType","errorMessage","trace"}` as JSON.
 */
async function invokeAsLambda(invoker: FunctionInvoker, functionId: FunctionId, event: unknown): Promise<unknown> {
  try {
    return await invoker.invoke(functionId, event);
  } catch (error) {
    const errorType = error instanceof Error ? error.name || 'Error' : 'Error';
    const errorMessage = error instanceof Error ? error.message : String(error);
    const trace = error instanceof Error && error.stack ? error.stack.split('\n') : [];
    throw namedError(errorType, JSON.stringify({ errorType, errorMessage, trace }));
  }
}

function toJson(value: unknown): JsonValue {
  // What crosses the Lambda boundary is JSON: undefined becomes null, Dates become strings.
  return value === undefined ? null : (JSON.parse(JSON.stringify(value) ?? 'null') as JsonValue);
}
