import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as events from 'aws-cdk-lib/aws-events';
import * as targets from 'aws-cdk-lib/aws-events-targets';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import { Construct } from 'constructs';
import { executionStatusChanges, type StateMachineId } from '../topology.ts';
import { acknowledge } from './nag.ts';

export interface SelfHealingProps {
  /** The topology's `executionStatusChanges.target`. */
  readonly reconciler: lambda.IFunction;
  readonly stateMachines: Record<StateMachineId, sfn.IStateMachine>;
}

/**
 * An EventBridge rule on the stack's executions ending FAILED, TIMED_OUT or ABORTED, invoking the reconciler, which
 * settles an operation the execution left marked active. Events the reconciler could not handle after Lambda's
 * asynchronous retries, and events EventBridge could not deliver, are kept in one dead-letter queue for 14 days.
 */
export class SelfHealing extends Construct {
  readonly rule: events.Rule;
  readonly deadLetterQueue: sqs.Queue;

  constructor(scope: Construct, id: string, props: SelfHealingProps) {
    super(scope, id);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED,
      enforceSSL: true,
      retentionPeriod: Duration.days(14),
      removalPolicy: RemovalPolicy.DESTROY,
    });
    acknowledge(this.deadLetterQueue, 'SQS3', 'This queue is itself a dead-letter queue: of the reconciler\'s EventBridge target and of its asynchronous invocations.');

    this.rule = new events.Rule(this, 'ExecutionEnded', {
      description: 'Step Functions executions of this stack that ended FAILED, TIMED_OUT or ABORTED: the reconciler settles their operations',
      eventPattern: {
        source: ['aws.states'],
        detailType: ['Step Functions Execution Status Change'],
        detail: {
          status: [...executionStatusChanges.statuses],
          stateMachineArn: Object.values(props.stateMachines).map((machine) => machine.stateMachineArn),
        },
      },
    });
    this.rule.addTarget(
      new targets.LambdaFunction(props.reconciler, {
        deadLetterQueue: this.deadLetterQueue,
        retryAttempts: 10,
        maxEventAge: Duration.hours(24),
      }),
    );
    // EventBridge invokes asynchronously: a reconciliation that throws is retried by Lambda, then kept for redrive.
    props.reconciler.configureAsyncInvoke({
      retryAttempts: executionStatusChanges.retryAttempts,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(this.deadLetterQueue),
    });
  }
}
