import { fileURLToPath } from 'node:url';
import { DescribeExecutionCommand, SFNClient, StartExecutionCommand, StopExecutionCommand } from '@aws-sdk/client-sfn';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LOCAL_CREDENTIALS } from '../../local/emulators/s3.ts';
import { executionStatusListener } from '../../local/execution-status-events.ts';
import { LOCAL_REGION } from '../../local/function-runtime.ts';
import { startStepFunctions, type StepFunctionsEndpoint } from '../../local/step-functions/index.ts';
import type { StatusChangeEvent } from '../../local/step-functions/status-change-events.ts';
import { executionStatusChange } from '../../functions/schemas/execution-status-change.ts';
import { echo, FakeInvoker, flaky } from './fixtures/handlers.ts';

const projectRoot = fileURLToPath(new URL('../..', import.meta.url));

describe('the local Step Functions endpoint reports executions that end, as EventBridge does', () => {
  type FixtureId = 'Simple' | 'Slow';
  const events: StatusChangeEvent[] = [];
  let sfn: StepFunctionsEndpoint<FixtureId>;
  let client: SFNClient;

  beforeAll(async () => {
    sfn = await startStepFunctions<FixtureId>({
      invoker: new FakeInvoker({ Health: echo, RunPhase: flaky() }),
      projectRoot,
      stateMachines: {
        Simple: { definitionFile: 'test/local/fixtures/simple.asl.json', substitutions: { EchoFunctionArn: 'Health', FlakyFunctionArn: 'RunPhase' } },
        Slow: { definitionFile: 'test/local/fixtures/slow.asl.json', substitutions: { EchoFunctionArn: 'Health' } },
      },
      retryIntervalOverrides: { 'Maybe Fail': 10 },
      onExecutionEnded: (event) => events.push(event),
    });
    client = new SFNClient({ endpoint: sfn.endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });
  });

  afterAll(async () => {
    client?.destroy();
    await sfn?.stop();
  });

  async function ended(executionArn: string): Promise<StatusChangeEvent[]> {
    const deadline = Date.now() + 10_000;
    while (!events.some((e) => e.detail.executionArn === executionArn)) {
      if (Date.now() > deadline) throw new Error(`no status change for ${executionArn}`);
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
    return events.filter((e) => e.detail.executionArn === executionArn);
  }

  it('sends one event per ending, in the shape the reconciler parses, agreeing with DescribeExecution', async () => {
    const ok = await client.send(new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.Simple, input: JSON.stringify({ value: 1, mode: 'ok' }) }));
    const failed = await client.send(new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.Simple, input: JSON.stringify({ value: 2, mode: 'transient-always' }) }));
    for (const [start, status] of [[ok, 'SUCCEEDED'], [failed, 'FAILED']] as const) {
      const [event, ...more] = await ended(start.executionArn!);
      expect(more).toEqual([]);
      expect(executionStatusChange.parse(event).detail.status).toBe(status);
      const described = await client.send(new DescribeExecutionCommand({ executionArn: start.executionArn }));
      expect(event).toMatchObject({
        source: 'aws.states',
        'detail-type': 'Step Functions Execution Status Change',
        resources: [start.executionArn],
        detail: { executionArn: start.executionArn, stateMachineArn: sfn.stateMachineArns.Simple, status, input: described.input, error: described.error ?? null },
      });
      // EventBridge carries dates in epoch milliseconds.
      expect(event!.detail.startDate).toBe(described.startDate!.getTime());
      expect(event!.detail.stopDate).toBe(described.stopDate!.getTime());
    }
  });

  it('reports a stopped execution ABORTED once, and none of those a shutdown aborts', async () => {
    const start = await client.send(new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.Slow, input: '{}' }));
    await client.send(new StopExecutionCommand({ executionArn: start.executionArn, error: 'Cancelled', cause: 'user asked' }));
    const [event, ...more] = await ended(start.executionArn!);
    expect(more).toEqual([]);
    expect(event!.detail).toMatchObject({ status: 'ABORTED', error: 'Cancelled', cause: 'user asked' });

    const left = await client.send(new StartExecutionCommand({ stateMachineArn: sfn.stateMachineArns.Slow, input: '{}' }));
    await sfn.stop();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(events.filter((e) => e.detail.executionArn === left.executionArn)).toEqual([]);
  });
});

describe('the local stand-in for the EventBridge rule', () => {
  const event = (status: string) => ({ detail: { status, name: 'job-1' } }) as unknown as StatusChangeEvent;

  it('invokes the reconciler for FAILED, TIMED_OUT and ABORTED only, retrying a failed invocation twice', async () => {
    const calls: string[] = [];
    let failures = 2;
    const listener = executionStatusListener(
      {
        invoke: async (id, e) => {
          calls.push(`${id}:${(e as StatusChangeEvent).detail.status}`);
          if ((e as StatusChangeEvent).detail.status === 'FAILED' && failures-- > 0) throw new Error('table unavailable');
          return undefined;
        },
      },
      5,
    );
    for (const status of ['SUCCEEDED', 'FAILED', 'TIMED_OUT', 'ABORTED']) listener(event(status));
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(calls.sort()).toEqual(['ReconcileExecution:ABORTED', 'ReconcileExecution:FAILED', 'ReconcileExecution:FAILED', 'ReconcileExecution:FAILED', 'ReconcileExecution:TIMED_OUT']);
  });
});
