import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { resolve } from 'node:path';
import {
  ExecutionAbortedError,
  ExecutionError,
  ExecutionTimeoutError,
  StateMachine,
  type RunOptions,
  type StateMachineDefinition as AslDefinition,
} from 'aws-local-stepfunctions';
import { functions, stateMachines as topologyStateMachines, type FunctionId, type StateMachineDefinition, type StateMachineId } from '../lib/topology.ts';
import { LOCAL_ACCOUNT, LOCAL_REGION, localFunctionArn } from './function-runtime.ts';

/** What runs a function: `FunctionRuntime` in the local stack, anything with the same shape in tests. */
export interface FunctionInvoker {
  invoke(id: FunctionId, event: unknown): Promise<unknown>;
}

type RetryIntervalOverrides = NonNullable<NonNullable<RunOptions['overrides']>['retryIntervalOverrides']>;
type JsonValue = Parameters<StateMachine['run']>[0];
type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

export interface StepFunctionsOptions<Id extends string = StateMachineId> {
  invoker: FunctionInvoker;
  /** Directory the topology's `definitionFile` paths are relative to. */
  projectRoot: string;
  /** Port on 127.0.0.1; a free one when omitted. */
  port?: number;
  /** State machines to serve; the topology's by default (tests pass fixtures). */
  stateMachines?: Record<Id, StateMachineDefinition>;
  /**
   * Milliseconds to wait before each retry, by state name, instead of what the Retry field
   * says (aws-local-stepfunctions' `retryIntervalOverrides`). Off by default: real intervals.
   */
  retryIntervalOverrides?: RetryIntervalOverrides;
}

export interface StepFunctionsEndpoint<Id extends string = StateMachineId> {
  endpoint: string;
  stateMachineArns: Record<Id, string>;
  /** Aborts running executions and closes the server. */
  stop(): Promise<void>;
}

interface LoadedStateMachine {
  id: string;
  arn: string;
  /** The ASL after placeholder substitution, as DescribeStateMachine returns it. */
  definitionText: string;
  machine: StateMachine;
  taskResourceLocalHandlers: Record<string, (input: JsonValue) => Promise<JsonValue>>;
  creationDate: number;
}

interface ExecutionRecord {
  executionArn: string;
  stateMachineArn: string;
  name: string;
  status: ExecutionStatus;
  startDate: number;
  stopDate?: number;
  input: string;
  output?: string;
  error?: string;
  cause?: string;
  abort: () => void;
}

/** Step Functions' own default for a Task without TimeoutSeconds is "no timeout" (99999999 s). */
const TASK_TIMEOUT_SECONDS_CAP = Math.floor(0x7fffffff / 1000); // largest a Node timer can wait
/** Step Functions' payload quota, for execution input and each task result. */
const MAX_PAYLOAD_BYTES = 256 * 1024;
const LAMBDA_INVOKE_INTEGRATION = /^arn:aws:states:::lambda:invoke(\.waitForTaskToken)?$/;

export const localStateMachineArn = (id: string): string => `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:stateMachine:${id}`;
export const localExecutionArn = (stateMachineId: string, name: string): string =>
  `arn:aws:states:${LOCAL_REGION}:${LOCAL_ACCOUNT}:execution:${stateMachineId}:${name}`;

class ApiError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Serves the topology's state machines over the Step Functions AWS JSON 1.0 protocol, so the
 * unmodified `@aws-sdk/client-sfn` works against it (StartExecution, DescribeExecution,
 * StopExecution, ListExecutions, DescribeStateMachine, ListStateMachines). Executions run in
 * this process with aws-local-stepfunctions; Task states whose Resource is a local function ARN
 * call `invoker.invoke(functionId, input)`. Execution records live in memory only.
 */
export async function startStepFunctions<Id extends string = StateMachineId>(
  options: StepFunctionsOptions<Id>,
): Promise<StepFunctionsEndpoint<Id>> {
  const definitions = (options.stateMachines ?? topologyStateMachines) as Record<Id, StateMachineDefinition>;
  const machines = new Map<string, LoadedStateMachine>();
  const stateMachineArns = {} as Record<Id, string>;
  for (const id of Object.keys(definitions) as Id[]) {
    const loaded = await loadStateMachine(id, definitions[id], options);
    machines.set(loaded.arn, loaded);
    stateMachineArns[id] = loaded.arn;
  }

  const executions = new Map<string, ExecutionRecord>();
  const running = new Set<Promise<void>>();

  const actions: Record<string, (request: Record<string, unknown>) => unknown> = {
    StartExecution(request) {
      const machine = requireStateMachine(machines, request.stateMachineArn);
      const name = request.name === undefined ? randomUUID() : validateName(request.name);
      const input = validateInput(request.input);
      const executionArn = localExecutionArn(machine.id, name);
      const existing = executions.get(executionArn);
      if (existing) {
        // Standard workflows: idempotent while the execution with the same input is running.
        if (existing.status === 'RUNNING' && existing.input === input) {
          return { executionArn, startDate: existing.startDate };
        }
        throw new ApiError('ExecutionAlreadyExists', `Execution Already Exists: '${executionArn}'`);
      }
      const record = startExecution(machine, executionArn, name, input, options.retryIntervalOverrides);
      executions.set(executionArn, record.record);
      running.add(record.done);
      void record.done.finally(() => running.delete(record.done));
      return { executionArn, startDate: record.record.startDate };
    },
    DescribeExecution(request) {
      const record = requireExecution(executions, request.executionArn);
      return {
        executionArn: record.executionArn,
        stateMachineArn: record.stateMachineArn,
        name: record.name,
        status: record.status,
        startDate: record.startDate,
        stopDate: record.stopDate,
        input: record.input,
        inputDetails: { included: true },
        output: record.output,
        outputDetails: record.output === undefined ? undefined : { included: true },
        error: record.error,
        cause: record.cause,
        redriveCount: 0,
        redriveStatus: 'NOT_REDRIVABLE',
      };
    },
    StopExecution(request) {
      const record = requireExecution(executions, request.executionArn);
      if (record.status === 'RUNNING') {
        record.status = 'ABORTED';
        record.stopDate = nowSeconds();
        if (typeof request.error === 'string') record.error = request.error;
        if (typeof request.cause === 'string') record.cause = request.cause;
        record.abort();
      }
      return { stopDate: record.stopDate ?? nowSeconds() };
    },
    ListExecutions(request) {
      const machine = requireStateMachine(machines, request.stateMachineArn);
      const statusFilter = request.statusFilter;
      if (statusFilter !== undefined && !['RUNNING', 'SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED', 'PENDING_REDRIVE'].includes(statusFilter as string)) {
        throw new ApiError('ValidationException', `1 validation error detected: Value '${String(statusFilter)}' at 'statusFilter' failed to satisfy constraint`);
      }
      const matching = [...executions.values()]
        .filter((record) => record.stateMachineArn === machine.arn && (statusFilter === undefined || record.status === statusFilter))
        .sort((a, b) => b.startDate - a.startDate);
      const { page, nextToken } = paginate(matching, request.maxResults, request.nextToken, 1000);
      return {
        executions: page.map((record) => ({
          executionArn: record.executionArn,
          stateMachineArn: record.stateMachineArn,
          name: record.name,
          status: record.status,
          startDate: record.startDate,
          stopDate: record.stopDate,
        })),
        nextToken,
      };
    },
    DescribeStateMachine(request) {
      const machine = requireStateMachine(machines, request.stateMachineArn);
      return {
        stateMachineArn: machine.arn,
        name: machine.id,
        status: 'ACTIVE',
        definition: machine.definitionText,
        roleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local-step-functions`,
        type: 'STANDARD',
        creationDate: machine.creationDate,
      };
    },
    ListStateMachines(request) {
      const all = [...machines.values()];
      const { page, nextToken } = paginate(all, request.maxResults, request.nextToken, 1000);
      return {
        stateMachines: page.map((machine) => ({
          stateMachineArn: machine.arn,
          name: machine.id,
          type: 'STANDARD',
          creationDate: machine.creationDate,
        })),
        nextToken,
      };
    },
  };

  const server = createServer((req, res) => {
    void handleRequest(req, res, actions);
  });
  await new Promise<void>((resolveListen, rejectListen) => {
    server.once('error', rejectListen);
    server.listen(options.port ?? 0, '127.0.0.1', () => {
      server.off('error', rejectListen);
      resolveListen();
    });
  });
  const { port } = server.address() as AddressInfo;

  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stateMachineArns,
    async stop() {
      if (stopped) return;
      stopped = true;
      for (const record of executions.values()) {
        if (record.status !== 'RUNNING') continue;
        record.status = 'ABORTED';
        record.stopDate = nowSeconds();
        record.abort();
      }
      await Promise.allSettled([...running]);
      const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
      server.closeAllConnections();
      await closed;
    },
  };
}

async function loadStateMachine<Id extends string>(
  id: Id,
  definition: StateMachineDefinition,
  options: StepFunctionsOptions<Id>,
): Promise<LoadedStateMachine> {
  const file = resolve(options.projectRoot, definition.definitionFile);
  const raw = await readFile(file, 'utf8');
  const definitionText = raw.replace(/\$\{([A-Za-z0-9_]+)\}/g, (placeholder, key: string) => {
    const functionId = definition.substitutions[key];
    if (!functionId) throw new Error(`${definition.definitionFile}: no substitution for ${placeholder} in the topology of ${id}`);
    return localFunctionArn(functionId);
  });
  let asl: AslDefinition;
  try {
    asl = JSON.parse(definitionText) as AslDefinition;
  } catch (error) {
    throw new Error(`${definition.definitionFile}: not valid JSON after substitution: ${(error as Error).message}`);
  }
  const taskResourceLocalHandlers: LoadedStateMachine['taskResourceLocalHandlers'] = {};
  // The definition handed to the interpreter differs from the ASL file in one respect only:
  // Tasks without TimeoutSeconds get the largest timer Node allows, because
  // aws-local-stepfunctions would otherwise stop them after 60 s where AWS waits (for a
  // Lambda task, until the function's own timeout).
  const runnable = structuredClone(asl);
  forEachTaskState(runnable, (stateName, state) => {
    if (state.TimeoutSeconds === undefined && state.TimeoutSecondsPath === undefined) state.TimeoutSeconds = TASK_TIMEOUT_SECONDS_CAP;
    taskResourceLocalHandlers[stateName] = taskHandler(id, stateName, state, options.invoker);
  });
  let machine: StateMachine;
  try {
    machine = new StateMachine(runnable, { validationOptions: { checkArn: true, checkPaths: true } });
  } catch (error) {
    throw new Error(`${definition.definitionFile}: ${(error as Error).message}`);
  }
  return { id, arn: localStateMachineArn(id), definitionText, machine, taskResourceLocalHandlers, creationDate: nowSeconds() };
}

interface TaskStateLike {
  Type: string;
  Resource?: string;
  TimeoutSeconds?: number;
  TimeoutSecondsPath?: string;
}
interface StatesContainer {
  States: Record<string, unknown>;
}

/** Visits every Task state, including those inside Parallel branches and Map processors. */
function forEachTaskState(container: StatesContainer, visit: (name: string, state: TaskStateLike) => void): void {
  for (const [name, value] of Object.entries(container.States)) {
    const state = value as TaskStateLike & {
      Branches?: StatesContainer[];
      Iterator?: StatesContainer;
      ItemProcessor?: StatesContainer;
    };
    if (state.Type === 'Task') visit(name, state);
    for (const branch of state.Branches ?? []) forEachTaskState(branch, visit);
    if (state.Iterator) forEachTaskState(state.Iterator, visit);
    if (state.ItemProcessor) forEachTaskState(state.ItemProcessor, visit);
  }
}

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

function taskHandler(
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

/** An error aws-local-stepfunctions will neither retry nor catch (it reads these two flags). */
function terminalError(name: string, message: string): Error {
  return Object.assign(namedError(name, message), { isRetryable: false, isCatchable: false });
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

function namedError(name: string, message: string): Error {
  const error = new Error(message);
  error.name = name;
  return error;
}

function toJson(value: unknown): JsonValue {
  // What crosses the Lambda boundary is JSON: undefined becomes null, Dates become strings.
  return value === undefined ? null : (JSON.parse(JSON.stringify(value) ?? 'null') as JsonValue);
}

function startExecution(
  machine: LoadedStateMachine,
  executionArn: string,
  name: string,
  input: string,
  retryIntervalOverrides: RetryIntervalOverrides | undefined,
): { record: ExecutionRecord; done: Promise<void> } {
  const startDate = nowSeconds();
  const parsedInput = JSON.parse(input) as JsonValue;
  const execution = machine.machine.run(parsedInput, {
    overrides: {
      taskResourceLocalHandlers: machine.taskResourceLocalHandlers,
      ...(retryIntervalOverrides ? { retryIntervalOverrides } : {}),
    },
    context: {
      Execution: {
        Id: executionArn,
        Name: name,
        RoleArn: `arn:aws:iam::${LOCAL_ACCOUNT}:role/local-step-functions`,
        StartTime: new Date(startDate * 1000).toISOString(),
        RedriveCount: 0,
      },
      StateMachine: { Id: machine.arn, Name: machine.id },
    },
  });
  const record: ExecutionRecord = {
    executionArn,
    stateMachineArn: machine.arn,
    name,
    status: 'RUNNING',
    startDate,
    input,
    abort: execution.abort,
  };
  const done = execution.result.then(
    (output) => {
      if (record.status !== 'RUNNING') return;
      record.status = 'SUCCEEDED';
      record.output = JSON.stringify(output ?? null);
      record.stopDate = nowSeconds();
    },
    (error: unknown) => {
      if (record.status !== 'RUNNING') return; // stopped: StopExecution already set ABORTED
      record.stopDate = nowSeconds();
      if (error instanceof ExecutionAbortedError) {
        record.status = 'ABORTED';
      } else if (error instanceof ExecutionTimeoutError) {
        record.status = 'TIMED_OUT';
        record.error = 'States.Timeout';
      } else {
        record.status = 'FAILED';
        const cause = error instanceof ExecutionError && error.cause instanceof Error ? error.cause : (error as Error);
        record.error = cause?.name ?? 'States.Runtime';
        record.cause = cause?.message ?? String(error);
      }
    },
  );
  return { record, done };
}

async function handleRequest(
  req: IncomingMessage,
  res: ServerResponse,
  actions: Record<string, (request: Record<string, unknown>) => unknown>,
): Promise<void> {
  const requestId = randomUUID();
  const send = (status: number, body: unknown, errorType?: string): void => {
    const text = JSON.stringify(body);
    res.writeHead(status, {
      'content-type': 'application/x-amz-json-1.0',
      'content-length': Buffer.byteLength(text),
      'x-amzn-requestid': requestId,
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    });
    res.end(text);
  };
  try {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    if (req.method !== 'POST') throw new ApiError('UnknownOperationException', `Method ${req.method ?? ''} is not supported`);
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.startsWith('AWSStepFunctions.') ? actions[target.slice('AWSStepFunctions.'.length)] : undefined;
    if (!action) throw new ApiError('UnknownOperationException', `Operation '${target}' is not supported by the local Step Functions endpoint`);
    let request: unknown;
    try {
      const text = Buffer.concat(chunks).toString('utf8');
      request = text === '' ? {} : JSON.parse(text);
    } catch {
      throw new ApiError('SerializationException', 'Request body is not valid JSON');
    }
    if (request === null || typeof request !== 'object' || Array.isArray(request)) throw new ApiError('SerializationException', 'Request body must be a JSON object');
    send(200, withoutUndefined(action(request as Record<string, unknown>)));
  } catch (error) {
    if (error instanceof ApiError) {
      send(400, { __type: error.type, message: error.message }, error.type);
    } else {
      send(500, { __type: 'InternalServerError', message: (error as Error).message ?? String(error) }, 'InternalServerError');
    }
  }
}

const ARN_PATTERN = /^arn:aws[a-z-]*:states:[a-z0-9-]+:\d{12}:/;

function requireStateMachine(machines: Map<string, LoadedStateMachine>, arn: unknown): LoadedStateMachine {
  if (typeof arn !== 'string' || arn === '') throw new ApiError('ValidationException', "1 validation error detected: Value null at 'stateMachineArn' failed to satisfy constraint: Member must not be null");
  if (!ARN_PATTERN.test(arn) || !/:stateMachine:[^:]+$/.test(arn)) throw new ApiError('InvalidArn', `Invalid Arn: '${arn}'`);
  const machine = machines.get(arn);
  if (!machine) throw new ApiError('StateMachineDoesNotExist', `State Machine Does Not Exist: '${arn}'`);
  return machine;
}

function requireExecution(executions: Map<string, ExecutionRecord>, arn: unknown): ExecutionRecord {
  if (typeof arn !== 'string' || arn === '') throw new ApiError('ValidationException', "1 validation error detected: Value null at 'executionArn' failed to satisfy constraint: Member must not be null");
  if (!ARN_PATTERN.test(arn) || !/:execution:[^:]+:[^:]+$/.test(arn)) throw new ApiError('InvalidArn', `Invalid Arn: '${arn}'`);
  const record = executions.get(arn);
  if (!record) throw new ApiError('ExecutionDoesNotExist', `Execution Does Not Exist: '${arn}'`);
  return record;
}

// AWS: 1-80 characters; no whitespace, brackets, wildcards, the listed punctuation or control characters.
// eslint-disable-next-line no-control-regex
const INVALID_NAME_CHARACTERS = /[\s<>{}[\]?*"#%\\^|~`$&,;:/\u0000-\u001f\u007f-\u009f]/;

function validateName(name: unknown): string {
  if (typeof name !== 'string' || name.length < 1 || name.length > 80 || INVALID_NAME_CHARACTERS.test(name)) {
    throw new ApiError('InvalidName', `Invalid Name: '${String(name)}'`);
  }
  return name;
}

function validateInput(input: unknown): string {
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

function paginate<T>(items: T[], maxResults: unknown, nextToken: unknown, limit: number): { page: T[]; nextToken?: string } {
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

function withoutUndefined(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value ?? {})) as unknown;
}

const nowSeconds = (): number => Date.now() / 1000;
