import { randomUUID } from 'node:crypto';
import { LOCAL_ROLE_ARN, localExecutionArn, nowSeconds } from './conventions.ts';
import { ApiError, type Actions } from './aws-json-protocol.ts';
import type { ExecutionRegistry } from './executions.ts';
import { paginate } from './pagination.ts';
import { requireExecution, requireStateMachine, validateInput, validateName, validateStatusFilter } from './request-validation.ts';
import type { LoadedStateMachine } from './state-machine-loader.ts';

/** The Step Functions operations the local endpoint serves, by their JSON protocol names. */
export function apiActions(machines: Map<string, LoadedStateMachine>, executions: ExecutionRegistry): Actions {
  return {
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
      const record = executions.start(machine, executionArn, name, input);
      return { executionArn, startDate: record.startDate };
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
      executions.stop(
        record,
        typeof request.error === 'string' ? request.error : undefined,
        typeof request.cause === 'string' ? request.cause : undefined,
      );
      return { stopDate: record.stopDate ?? nowSeconds() };
    },
    ListExecutions(request) {
      const machine = requireStateMachine(machines, request.stateMachineArn);
      const statusFilter = request.statusFilter;
      validateStatusFilter(statusFilter);
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
        roleArn: LOCAL_ROLE_ARN,
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
}
