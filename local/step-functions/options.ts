import type { FunctionId, StateMachineDefinition, StateMachineId } from '../../lib/topology.ts';
import type { RetryIntervalOverrides } from './interpreter.ts';
import type { StatusChangeEvent } from './status-change-events.ts';

/** What runs a function: `FunctionRuntime` in the local stack, anything with the same shape in tests. */
export interface FunctionInvoker {
  invoke(id: FunctionId, event: unknown): Promise<unknown>;
}

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
  /**
   * Called once when an execution ends (SUCCEEDED, FAILED, TIMED_OUT or ABORTED, StopExecution included) with the
   * event EventBridge would carry; not for the executions `stop()` aborts on shutdown.
   */
  onExecutionEnded?: (event: StatusChangeEvent) => void;
}

export interface StepFunctionsEndpoint<Id extends string = StateMachineId> {
  endpoint: string;
  stateMachineArns: Record<Id, string>;
  /** Aborts running executions and closes the server. */
  stop(): Promise<void>;
}
