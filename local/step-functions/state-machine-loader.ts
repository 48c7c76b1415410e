import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { StateMachine, type StateMachineDefinition as AslDefinition } from 'aws-local-stepfunctions';
import type { StateMachineDefinition } from '../../lib/topology.ts';
import { localFunctionArn } from '../function-runtime.ts';
import { localStateMachineArn, nowSeconds, TASK_TIMEOUT_SECONDS_CAP } from './conventions.ts';
import type { JsonValue } from './interpreter.ts';
import type { FunctionInvoker } from './options.ts';
import { taskHandler } from './task-handlers.ts';
import { forEachTaskState } from './task-states.ts';

export interface LoadedStateMachine {
  id: string;
  arn: string;
  /** The ASL after placeholder substitution, as DescribeStateMachine returns it. */
  definitionText: string;
  machine: StateMachine;
  taskResourceLocalHandlers: Record<string, (input: JsonValue) => Promise<JsonValue>>;
  creationDate: number;
}

/** Reads the ASL file, puts local function ARNs in place of its `${Placeholder}`s and validates it. */
export async function loadStateMachine(
  id: string,
  definition: StateMachineDefinition,
  projectRoot: string,
  invoker: FunctionInvoker,
): Promise<LoadedStateMachine> {
  const file = resolve(projectRoot, definition.definitionFile);
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
    taskResourceLocalHandlers[stateName] = taskHandler(id, stateName, state, invoker);
  });
  let machine: StateMachine;
  try {
    machine = new StateMachine(runnable, { validationOptions: { checkArn: true, checkPaths: true } });
  } catch (error) {
    throw new Error(`${definition.definitionFile}: ${(error as Error).message}`);
  }
  return { id, arn: localStateMachineArn(id), definitionText, machine, taskResourceLocalHandlers, creationDate: nowSeconds() };
}
