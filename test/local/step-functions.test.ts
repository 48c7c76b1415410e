import { fileURLToPath } from 'node:url';
import {
  DescribeExecutionCommand,
  DescribeStateMachineCommand,
  ExecutionAlreadyExists,
  ExecutionDoesNotExist,
  InvalidArn,
  InvalidName,
  ListExecutionsCommand,
  SFNClient,
  StartExecutionCommand,
  StateMachineDoesNotExist,
  StopExecutionCommand,
  type DescribeExecutionCommandOutput,
} from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { FunctionRuntime, LOCAL_REGION } from '../../local/function-runtime.ts';
import { LOCAL_CREDENTIALS } from '../../local/emulators/s3.ts';
import { startStepFunctions, type FunctionInvoker, type StepFunctionsEndpoint } from '../../local/step-functions/index.ts';
import type { StateMachineId } from '../../lib/topology.ts';
import { echo, FakeInvoker, flaky } from './fixtures/handlers.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

async function waitForEnd(client: SFNClient, executionArn: string, timeoutMs = 10_000): Promise<DescribeExecutionCommandOutput> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const description = await client.send(new DescribeExecutionCommand({ executionArn }));
    if (description.status !== 'RUNNING') return description;
    if (Date.now() > deadline) throw new Error(`${executionArn} still RUNNING after ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}

describe('local Step Functions endpoint with fixture state machines', () => {
  type FixtureId = 'Simple' | 'Slow';
  const invoker = new FakeInvoker({ Health: echo, RunPhase: flaky() });
  let sfn: StepFunctionsEndpoint<FixtureId>;
  let client: SFNClient;

  beforeAll(async () => {
    sfn = await startStepFunctions<FixtureId>({
      invoker,
      projectRoot,
      stateMachines: {
        Simple: {
          definitionFile: 'test/local/fixtures/simple.asl.json',
          substitutions: { EchoFunctionArn: 'Health', FlakyFunctionArn: 'RunPhase' },
        },
        Slow: { definitionFile: 'test/local/fixtures/slow.asl.json', substitutions: { EchoFunctionArn: 'Health' } },
      },
      // The fixture's Retry waits 5 s; tests retry after 10 ms.
      retryIntervalOverrides: { 'Maybe Fail': 10 },
    });
    client = new SFNClient({ endpoint: sfn.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  });

  afterAll(async () => {
    client?.destroy();
    await sfn?.stop();
  });

  it('runs an execution to SUCCEEDED with output and a context object', async () => {
    const start = await client.send(
      new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.Simple, name: 'happy-path', input: JSON.stringify({ value: 42, mode: 'ok' }) }),
    );
    expect(start.executionArn).toBe('arn:aws:states:us-east-1:000000000000:execution:Simple:happy-path');
    expect(start.startDate).toBeInstanceOf(Date);
    const done = await waitForEnd(client, start.executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    expect(done.name).toBe('happy-path');
    expect(done.stateMachineArn).toBe(sfn.stateMachineArns.Simple);
    expect(done.stopDate).toBeInstanceOf(Date);
    expect(JSON.parse(done.input!)).toEqual({ value: 42, mode: 'ok' });
    expect(JSON.parse(done.output!)).toEqual({
      value: 42,
      mode: 'ok',
      echo: {
        received: {
          value: 42,
          executionName: 'happy-path',
          executionId: start.executionArn,
          stateMachineName: 'Simple',
        },
      },
      flaky: { ok: true, transientFailures: 0 },
    });
  });

  it('retries an error by its name and catches another one', async () => {
    const retried = await client.send(
      new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.Simple, input: JSON.stringify({ value: 1, mode: 'transient-once' }) }),
    );
    const retriedDone = await waitForEnd(client, retried.executionArn!);
    expect(retriedDone.status).toBe('SUCCEEDED');
    expect(JSON.parse(retriedDone.output!).flaky).toEqual({ ok: true, transientFailures: 1 });

    const caught = await client.send(
      new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.Simple, input: JSON.stringify({ value: 2, mode: 'invalid' }) }),
    );
    const caughtDone = await waitForEnd(client, caught.executionArn!);
    expect(caughtDone.status).toBe('SUCCEEDED');
    const output = JSON.parse(caughtDone.output!);
    expect(output.outcome).toBe('caught');
    expect(output.error.Error).toBe('ValidationError');
    // The cause is the Lambda error payload, as Step Functions reports it.
    expect(JSON.parse(output.error.Cause)).toMatchObject({ errorType: 'ValidationError', errorMessage: 'the dataset has no rows' });
  });

  it('fails the execution when retries are exhausted and nothing catches the error', async () => {
    const start = await client.send(
      new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.Simple, input: JSON.stringify({ value: 3, mode: 'transient-always' }) }),
    );
    const done = await waitForEnd(client, start.executionArn!);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('TransientError');
    expect(JSON.parse(done.cause!)).toMatchObject({ errorType: 'TransientError' });
    expect(done.output).toBeUndefined();
  });

  it('fails with States.DataLimitExceeded when a task returns more than 256 KiB', async () => {
    const start = await client.send(
      new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.Simple, input: JSON.stringify({ value: 'huge', mode: 'ok' }) }),
    );
    const done = await waitForEnd(client, start.executionArn!);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('States.DataLimitExceeded');
  });

  it('stops a running execution (ABORTED) and lists executions by status', async () => {
    const start = await client.send(new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.Slow, name: 'to-stop', input: '{}' }));
    const running = await client.send(new DescribeExecutionCommand({ executionArn: start.executionArn }));
    expect(running.status).toBe('RUNNING');
    const listedRunning = await client.send(new ListExecutionsCommand({ stateMachineArn: sfn.stateMachineArns.Slow, statusFilter: 'RUNNING' }));
    expect(listedRunning.executions?.map((execution) => execution.name)).toEqual(['to-stop']);

    const stop = await client.send(new StopExecutionCommand({ executionArn: start.executionArn, error: 'Cancelled', cause: 'user asked' }));
    expect(stop.stopDate).toBeInstanceOf(Date);
    const stopped = await client.send(new DescribeExecutionCommand({ executionArn: start.executionArn }));
    expect(stopped).toMatchObject({ status: 'ABORTED', error: 'Cancelled', cause: 'user asked' });
    expect(stopped.stopDate).toBeInstanceOf(Date);
    // Aborted before the Wait ended: the task after it never runs.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect((await client.send(new DescribeExecutionCommand({ executionArn: start.executionArn }))).status).toBe('ABORTED');

    const aborted = await client.send(new ListExecutionsCommand({ stateMachineArn: sfn.stateMachineArns.Slow, statusFilter: 'ABORTED', maxResults: 10 }));
    expect(aborted.executions?.map((execution) => execution.executionArn)).toEqual([start.executionArn]);
    expect((await client.send(new ListExecutionsCommand({ stateMachineArn: sfn.stateMachineArns.Slow, statusFilter: 'RUNNING' }))).executions).toEqual([]);
  });

  it('treats a repeated name like Step Functions: same input while running is idempotent, else ExecutionAlreadyExists', async () => {
    const first = await client.send(new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.Slow, name: 'dup', input: '{"a":1}' }));
    const again = await client.send(new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.Slow, name: 'dup', input: '{"a":1}' }));
    expect(again.executionArn).toBe(first.executionArn);
    expect(again.startDate?.getTime()).toBe(first.startDate?.getTime());
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.Slow, name: 'dup', input: '{"a":2}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
    await client.send(new StopExecutionCommand({ executionArn: first.executionArn }));
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.Slow, name: 'dup', input: '{"a":1}' })),
    ).rejects.toBeInstanceOf(ExecutionAlreadyExists);
  });

  it('answers errors in the AWS JSON shape the SDK understands', async () => {
    const unknownExecution = 'arn:aws:states:us-east-1:000000000000:execution:Simple:no-such-execution';
    const error = await client.send(new DescribeExecutionCommand({ executionArn: unknownExecution })).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(ExecutionDoesNotExist);
    expect((error as ExecutionDoesNotExist).name).toBe('ExecutionDoesNotExist');
    expect((error as ExecutionDoesNotExist).$metadata.httpStatusCode).toBe(400);
    await expect(client.send(new StopExecutionCommand({ executionArn: unknownExecution }))).rejects.toBeInstanceOf(ExecutionDoesNotExist);
    await expect(client.send(new DescribeExecutionCommand({ executionArn: 'not-an-arn' }))).rejects.toBeInstanceOf(InvalidArn);
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: 'arn:aws:states:us-east-1:000000000000:stateMachine:Nope' })),
    ).rejects.toBeInstanceOf(StateMachineDoesNotExist);
    await expect(
      client.send(new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.Simple, name: 'has space' })),
    ).rejects.toBeInstanceOf(InvalidName);
  });

  it('describes a state machine with the substituted definition', async () => {
    const described = await client.send(new DescribeStateMachineCommand({ stateMachineArn: sfn.stateMachineArns.Simple }));
    expect(described).toMatchObject({ name: 'Simple', status: 'ACTIVE', type: 'STANDARD' });
    const definition = JSON.parse(described.definition!);
    expect(definition.States.Echo.Resource).toBe('arn:aws:lambda:us-east-1:000000000000:function:Health');
    expect(definition.States.Echo.TimeoutSeconds).toBeUndefined();
  });
});

describe('local Step Functions endpoint with the real state machines', () => {
  let sfn: StepFunctionsEndpoint;
  let client: SFNClient;
  let failAtPhase: string | undefined;
  const runPhase = async (event: unknown) => {
    const { phase } = event as { phase: string };
    if (phase === failAtPhase) {
      const error = new Error(`phase ${phase} broke`);
      error.name = 'PhaseFailed';
      throw error;
    }
    return { phase, done: true };
  };
  const invoker = new FakeInvoker({ RecordLifecycle: async () => ({ recorded: true }), RunPhase: runPhase, RunPhase8GB: runPhase });
  const job = { tenantId: 't1', projectId: 'p1', operationId: 'op-1', datasetId: 'ds-1' };
  const invoked = (): string[] =>
    invoker.calls.map(({ id, event }) => {
      const { phase, event: lifecycle } = event as { phase?: string; event?: string };
      return `${id}:${phase ?? lifecycle}`;
    });

  beforeAll(async () => {
    sfn = await startStepFunctions({ invoker, projectRoot });
    client = new SFNClient({ endpoint: sfn.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  });

  afterAll(async () => {
    client?.destroy();
    await sfn?.stop();
  });

  it('takes the real FunctionRuntime as its invoker', () => {
    const runtime: FunctionInvoker = new FunctionRuntime(projectRoot);
    expect(typeof runtime.invoke).toBe('function');
  });

  it('loads every topology state machine', () => {
    expect(Object.keys(sfn.stateMachineArns).sort()).toEqual(['DataEnrichment', 'ProcessMiningAnalysis', 'ReportGeneration'] satisfies StateMachineId[]);
    expect(sfn.stateMachineArns.ProcessMiningAnalysis).toBe('arn:aws:states:us-east-1:000000000000:stateMachine:ProcessMiningAnalysis');
  });

  it('runs ProcessMiningAnalysis through its phases in order', async () => {
    invoker.calls.length = 0;
    failAtPhase = undefined;
    const start = await client.send(
      new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.ProcessMiningAnalysis, name: 'op-1', input: JSON.stringify({ job }) }),
    );
    const done = await waitForEnd(client, start.executionArn!);
    expect(done.status).toBe('SUCCEEDED');
    expect(JSON.parse(done.output!)).toEqual({ job, phaseFunction: 'arn:aws:lambda:us-east-1:000000000000:function:RunPhase' });
    expect(invoked()).toEqual([
      'RecordLifecycle:started',
      'RunPhase:DataLoadingValidation',
      'RunPhase:ProcessDiscovery',
      'RunPhase:PerformanceAnalysis',
      'RunPhase:MachineLearningAnalysis',
      'RunPhase:ReportGeneration',
      'RecordLifecycle:completed',
    ]);
    expect(invoker.calls[1]?.event).toEqual({ phase: 'DataLoadingValidation', job });
  });

  it('runs the phases on the function of the size the input names', async () => {
    invoker.calls.length = 0;
    failAtPhase = undefined;
    const start = await client.send(
      new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.ReportGeneration, name: 'op-8gb', input: JSON.stringify({ job, phaseMemoryMb: 8192 }) }),
    );
    expect((await waitForEnd(client, start.executionArn!)).status).toBe('SUCCEEDED');
    expect(invoked()).toEqual(['RecordLifecycle:started', 'RunPhase8GB:ResultsLoading', 'RunPhase8GB:ReportRendering', 'RecordLifecycle:completed']);
  });

  it('records the failure and fails the execution when a phase throws', async () => {
    invoker.calls.length = 0;
    failAtPhase = 'ProcessDiscovery';
    const start = await client.send(
      new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.ProcessMiningAnalysis, name: 'op-2', input: JSON.stringify({ job }) }),
    );
    const done = await waitForEnd(client, start.executionArn!);
    expect(done.status).toBe('FAILED');
    expect(done.error).toBe('OperationFailed');
    expect(invoked()).toEqual(['RecordLifecycle:started', 'RunPhase:DataLoadingValidation', 'RunPhase:ProcessDiscovery', 'RecordLifecycle:failed']);
    const failedEvent = invoker.calls[3]?.event as { error: { Error: string; Cause: string } };
    expect(failedEvent.error.Error).toBe('PhaseFailed');
    expect(JSON.parse(failedEvent.error.Cause)).toMatchObject({ errorType: 'PhaseFailed', errorMessage: 'phase ProcessDiscovery broke' });
  });
});
