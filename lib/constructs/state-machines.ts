import * as path from 'node:path';
import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { stateMachines as machineTopology, type FunctionId, type StateMachineId } from '../topology.ts';
import { acknowledge, wildcardResource } from './nag.ts';

export interface StateMachinesProps {
  readonly projectRoot: string;
  readonly logRetention: logs.RetentionDays;
  readonly functions: Record<FunctionId, lambda.IFunction>;
}

/**
 * Machines are named from the stack, so functions can be given their ARNs as plain strings:
 * a reference to the machine resource would make a cycle for the functions the machines invoke
 * that also start executions (batches advance from RecordLifecycle).
 */
export const stateMachineName = (scope: Construct, id: StateMachineId): string => `${Stack.of(scope).stackName}-${id}`;

export const stateMachineArn = (scope: Construct, id: StateMachineId): string =>
  Stack.of(scope).formatArn({ service: 'states', resource: 'stateMachine', resourceName: stateMachineName(scope, id), arnFormat: ArnFormat.COLON_RESOURCE_NAME });

/** One STANDARD state machine per topology entry, defined by its ASL file with function ARNs substituted. */
export class StateMachines extends Construct {
  readonly byId: Record<StateMachineId, sfn.StateMachine>;

  constructor(scope: Construct, id: string, props: StateMachinesProps) {
    super(scope, id);
    const entries = Object.entries(machineTopology) as [StateMachineId, (typeof machineTopology)[StateMachineId]][];
    this.byId = Object.fromEntries(
      entries.map(([machineId, def]) => {
        const substituted = Object.entries(def.substitutions).map(([key, fnId]) => [key, props.functions[fnId]] as const);
        const machine = new sfn.StateMachine(this, machineId, {
          stateMachineName: stateMachineName(this, machineId),
          stateMachineType: sfn.StateMachineType.STANDARD,
          definitionBody: sfn.DefinitionBody.fromFile(path.join(props.projectRoot, def.definitionFile)),
          definitionSubstitutions: Object.fromEntries(substituted.map(([key, fn]) => [key, fn.functionArn])),
          tracingEnabled: true,
          logs: {
            destination: new logs.LogGroup(this, `${machineId}Logs`, { retention: props.logRetention }),
            level: sfn.LogLevel.ALL,
            includeExecutionData: true,
          },
        });
        const invoked = [...new Set(substituted.map(([, fn]) => fn))];
        for (const fn of invoked) fn.grantInvoke(machine);
        acknowledge(
          machine,
          'IAM5',
          'lambda:InvokeFunction on the versions/aliases (`<arn>:*`) of exactly the functions this definition calls; ' +
            'log delivery (logs:*LogDelivery*, DescribeLogGroups/ResourcePolicies) and X-Ray tracing do not support resource-level permissions.',
          ['Resource::*', ...invoked.map((fn) => wildcardResource(machine, `${fn.functionArn}:*`))],
        );
        return [machineId, machine];
      }),
    ) as Record<StateMachineId, sfn.StateMachine>;
  }
}
