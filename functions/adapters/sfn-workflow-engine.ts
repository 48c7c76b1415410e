import { ExecutionDoesNotExist, type SFNClient, StartExecutionCommand, StopExecutionCommand, DescribeExecutionCommand } from '@aws-sdk/client-sfn';
import type { OperationType, PhaseId } from '../domain/operation-types.ts';
import type { WorkflowEngine } from '../domain/ports.ts';
import type { JobRef } from '../domain/records.ts';

export class SfnWorkflowEngine implements WorkflowEngine {
  constructor(
    private readonly sfn: SFNClient,
    private readonly stateMachineArns: Partial<Record<OperationType, string>>,
  ) {}

  async start(operationType: OperationType, executionName: string, input: { job: JobRef; resumeFrom?: PhaseId; phaseMemoryMb?: number }): Promise<{ executionArn: string }> {
    const stateMachineArn = this.stateMachineArns[operationType];
    if (!stateMachineArn) throw new Error(`No state machine is configured for ${operationType}`);
    const result = await this.sfn.send(new StartExecutionCommand({ stateMachineArn, name: executionName, input: JSON.stringify(input) }));
    return { executionArn: result.executionArn! };
  }

  /** Stopping an execution that has already ended or never existed is not an error: the goal holds. */
  async stop(executionArn: string, error: string, cause: string): Promise<void> {
    try {
      const { status } = await this.sfn.send(new DescribeExecutionCommand({ executionArn }));
      if (status !== 'RUNNING') return;
      await this.sfn.send(new StopExecutionCommand({ executionArn, error, cause }));
    } catch (e) {
      if (e instanceof ExecutionDoesNotExist) return;
      throw e;
    }
  }
}
