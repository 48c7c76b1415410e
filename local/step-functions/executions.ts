import { ExecutionAbortedError, ExecutionError, ExecutionTimeoutError } from 'aws-local-stepfunctions';
import { LOCAL_ROLE_ARN, nowSeconds } from './conventions.ts';
import type { JsonValue, RetryIntervalOverrides } from './interpreter.ts';
import type { LoadedStateMachine } from './state-machine-loader.ts';
import { statusChangeEvent, type StatusChangeEvent } from './status-change-events.ts';

export type ExecutionStatus = 'RUNNING' | 'SUCCEEDED' | 'FAILED' | 'ABORTED' | 'TIMED_OUT';

export interface ExecutionRecord {
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

/** Every execution started since the endpoint started, by ARN; in memory only. */
export class ExecutionRegistry {
  private readonly records = new Map<string, ExecutionRecord>();
  private readonly running = new Set<Promise<void>>();

  private shuttingDown = false;

  constructor(
    private readonly retryIntervalOverrides: RetryIntervalOverrides | undefined,
    private readonly onEnded?: (event: StatusChangeEvent) => void,
  ) {}

  /** Reports an ended execution as EventBridge would; a listener's failure never affects the execution. */
  private ended(record: ExecutionRecord): void {
    if (!this.onEnded || this.shuttingDown) return;
    try {
      this.onEnded(statusChangeEvent(record));
    } catch (error) {
      console.error(`[step-functions] status-change listener failed: ${error instanceof Error ? error.message : String(error)}`);
    }
  }

  get(executionArn: string): ExecutionRecord | undefined {
    return this.records.get(executionArn);
  }

  values(): IterableIterator<ExecutionRecord> {
    return this.records.values();
  }

  start(machine: LoadedStateMachine, executionArn: string, name: string, input: string): ExecutionRecord {
    const { record, done } = startExecution(machine, executionArn, name, input, this.retryIntervalOverrides, () => this.ended(record));
    this.records.set(executionArn, record);
    this.running.add(done);
    void done.finally(() => this.running.delete(done));
    return record;
  }

  /** StopExecution: a no-op once the execution has ended. */
  stop(record: ExecutionRecord, error: string | undefined, cause: string | undefined): void {
    if (record.status !== 'RUNNING') return;
    record.status = 'ABORTED';
    record.stopDate = nowSeconds();
    if (error !== undefined) record.error = error;
    if (cause !== undefined) record.cause = cause;
    record.abort();
    this.ended(record);
  }

  /** Aborts every running execution and waits until the interpreter has let go of them all. */
  async abortAll(): Promise<void> {
    // A stack shutting down is not an execution failing: the restart reconciliation settles these (local/reconcile.ts).
    this.shuttingDown = true;
    for (const record of this.records.values()) {
      if (record.status !== 'RUNNING') continue;
      record.status = 'ABORTED';
      record.stopDate = nowSeconds();
      record.abort();
    }
    await Promise.allSettled([...this.running]);
  }
}

function startExecution(
  machine: LoadedStateMachine,
  executionArn: string,
  name: string,
  input: string,
  retryIntervalOverrides: RetryIntervalOverrides | undefined,
  onEnded: () => void,
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
        RoleArn: LOCAL_ROLE_ARN,
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
      onEnded();
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
      onEnded();
    },
  );
  return { record, done };
}
