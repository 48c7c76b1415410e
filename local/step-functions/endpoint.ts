import { stateMachines as topologyStateMachines, type StateMachineDefinition, type StateMachineId } from '../../lib/topology.ts';
import { apiActions } from './api-actions.ts';
import { listenAwsJson } from './aws-json-protocol.ts';
import { ExecutionRegistry } from './executions.ts';
import type { StepFunctionsEndpoint, StepFunctionsOptions } from './options.ts';
import { loadStateMachine, type LoadedStateMachine } from './state-machine-loader.ts';

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
    const loaded = await loadStateMachine(id, definitions[id], options.projectRoot, options.invoker);
    machines.set(loaded.arn, loaded);
    stateMachineArns[id] = loaded.arn;
  }

  const executions = new ExecutionRegistry(options.retryIntervalOverrides, options.onExecutionEnded);
  const { server, port } = await listenAwsJson(options.port ?? 0, apiActions(machines, executions));

  let stopped = false;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    stateMachineArns,
    async stop() {
      if (stopped) return;
      stopped = true;
      await executions.abortAll();
      const closed = new Promise<void>((resolveClose) => server.close(() => resolveClose()));
      server.closeAllConnections();
      await closed;
    },
  };
}
