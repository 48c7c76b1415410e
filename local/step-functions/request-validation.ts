import { ApiError } from './aws-json-protocol.ts';
import type { ExecutionRecord, ExecutionRegistry } from './executions.ts';
import { MAX_PAYLOAD_BYTES } from './conventions.ts';
import type { LoadedStateMachine } from './state-machine-loader.ts';

const ARN_PATTERN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:/;

export function requireStateMachine(machines: Map<string, LoadedStateMachine>, arn: unknown): LoadedStateMachine {
  if (typeof arn !== 'string' || arn === '') throw new ApiError('ValidationException', "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null");
  if (!ARN_PATTERN.test(arn) || !/:stateMachine:[^:]+$/.test(arn)) throw new ApiError('InvalidArn', `Invalid Arn: '${arn}'`);
  const machine = machines.get(arn);
  if (!machine) throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
  return machine;
}

export function requireExecution(executions: ExecutionRegistry, arn: unknown): ExecutionRecord {
  if (typeof arn !== 'string' || arn === '') throw new ApiError('ValidationException', "1 validation error detected: Value null at 'executionArn' failed to satisfy constraint: Member must not be null");
  if (!ARN_PATTERN.test(arn) || !/:execution:[^:]+:[^:]+$/.test(arn)) throw new ApiError('InvalidArn', `Invalid Arn: '${arn}'`);
  const record = executions.get(arn);
  if (!record) throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
  return record;
}

// AWS: 1-80 characters; no whitespace, brackets, wildcards, the listed punctuation or control characters.
// eslint-disable-next-line no-control-regex
const INVALID_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

export function validateName(name: unknown): string {
  if (typeof name !== 'string' || name.length < 1 || name.length > 80 || INVALID_NAME_CHARACTERS.test(name)) {
    throw new ApiError('InvalidName', `Invalid Name: '${String(name)}'`);
  }
  return name;
}

export function validateInput(input: unknown): string {
  if (input === undefined || input === null) return '{}';
  if (typeof input !== 'string') throw new ApiError('SerializationException', "'input' must be a string");
  if (Buffer.byteLength(input) > MAX_PAYLOAD_BYTES) {
    throw new ApiError('InvalidExecutionInput', `Input exceeds the maximum size of ${MAX_PAYLOAD_BYTES} bytes`);
  }
  try {
    JSON.parse(input);
  } catch (error) {
    throw new ApiError('InvalidExecutionInput', `Invalid State Machine Execution Input: '${(error as Error).message}'`);
  }
  return input;
}

const STATUS_FILTERS = ['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'];

export function validateStatusFilter(statusFilter: unknown): void {
  if (statusFilter !== undefined && !STATUS_FILTERS.includes(statusFilter as string)) {
    throw new ApiError('ValidationException', `1 validation error detected: Value '${String(statusFilter)}' at 'statusFilter' failed to satisfy constraint`);
  }
}
