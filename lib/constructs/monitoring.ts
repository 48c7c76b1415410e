import { Duration, NestedStack, Stack } from 'aws-cdk-lib';
import type * as apigateway from 'aws-cdk-lib/aws-apigateway';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import type * as sfn from 'aws-cdk-lib/aws-stepfunctions';
import type { Construct } from 'constructs';
import { metricNames, metricNamespace, serviceName } from '../../functions/domain/telemetry.ts';

export interface MonitoringProps {
  readonly functions: Record<string, lambda.IFunction>;
  /** Every dead-letter queue of the stack, by a name the alarm repeats. */
  readonly deadLetterQueues: Record<string, sqs.IQueue>;
  readonly stateMachines: Record<string, sfn.IStateMachine>;
  readonly restApi: apigateway.RestApi;
  readonly table: dynamodb.ITable;
  /** Subscribed to the alarm topic (CDK context `alarmEmail`); without it the topic has no subscriber. */
  readonly alarmEmail?: string;
}

/** The thresholds the README's runbook explains; one place to tune them. */
export const alarmThresholds = {
  /** Share of finished executions of a machine that failed or were aborted, over three 5-minute periods. */
  executionFailurePercent: 25,
  /** API p99 latency, milliseconds, over three 5-minute periods (the longest route timeout is 30 s). */
  apiLatencyP99Ms: 5_000,
  /** Share of deliveries given up, over three 5-minute periods, once at least this many ended. */
  deliveryFailurePercent: 20,
  deliveryMinimumVolume: 10,
} as const;

const period = Duration.minutes(5);
/** CloudWatch alarms on metric math take at most 10 metrics; larger sets are summed in groups of this size. */
const maxMetricsPerAlarm = 10;

/**
 * Alarms on what an on-call engineer must act on, an SNS topic they go to, and one dashboard of the service's golden
 * signals (traffic, errors, latency, saturation). Alarm names start with the stack name so one account can hold
 * several deployments. A nested stack: its ~30 resources do not count against the parent's 500, which the API's
 * methods and the functions' roles and log groups already come close to.
 */
export class Monitoring extends NestedStack {
  readonly topic: sns.Topic;
  readonly dashboard: cloudwatch.Dashboard;
  readonly alarms: cloudwatch.Alarm[] = [];

  constructor(scope: Construct, id: string, props: MonitoringProps) {
    super(scope, id, { description: 'Alarms, alarm topic and dashboard of the process-mining service' });
    const prefix = Stack.of(scope).stackName;

    // CloudWatch can only publish to an encrypted topic through a customer-managed key that lets it use the key.
    const key = new kms.Key(this, 'AlarmTopicKey', { enableKeyRotation: true, description: 'Encrypts the alarm topic' });
    key.grant(new iam.ServicePrincipal('cloudwatch.amazonaws.com'), 'kms:Decrypt', 'kms:GenerateDataKey*');
    this.topic = new sns.Topic(this, 'AlarmTopic', { displayName: `${prefix} alarms`, masterKey: key, enforceSSL: true });
    if (props.alarmEmail) this.topic.addSubscription(new subscriptions.EmailSubscription(props.alarmEmail));
    const alarm = (alarmId: string, description: string, options: Omit<cloudwatch.CreateAlarmOptions, 'alarmName' | 'alarmDescription'> & { metric: cloudwatch.IMetric }) => {
      const created = new cloudwatch.Alarm(this, alarmId, {
        alarmName: `${prefix}-${alarmId}`,
        alarmDescription: `${description} Runbook: README, "Alarms runbook", ${alarmId.replace(/-.*$/, '')}.`,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        ...options,
      });
      created.addAlarmAction(new actions.SnsAction(this.topic));
      created.addOkAction(new actions.SnsAction(this.topic));
      this.alarms.push(created);
      return created;
    };

    // Dead-letter queues: any message there is work that did not happen.
    for (const [name, queue] of Object.entries(props.deadLetterQueues)) {
      alarm(`DeadLetters-${name}`, `Messages are waiting in the ${name} dead-letter queue.`, {
        metric: queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    }

    for (const [name, machine] of Object.entries(props.stateMachines)) {
      // A machine's own TimeoutSeconds passing means a run hung past every operation timeout: never expected.
      alarm(`ExecutionsTimedOut-${name}`, `Executions of ${name} hit the state machine's timeout.`, {
        metric: machine.metricTimedOut({ period, statistic: 'Sum' }),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
      // Failed runs include data the client sent (an invalid log) and aborted ones include cancellations, so a rate.
      alarm(`ExecutionsFailing-${name}`, `More than ${alarmThresholds.executionFailurePercent} % of ${name} executions failed or were aborted.`, {
        metric: new cloudwatch.MathExpression({
          label: `${name} failed or aborted %`,
          expression: 'IF(FILL(s, 0) > 0, 100 * (FILL(f, 0) + FILL(a, 0)) / FILL(s, 0), 0)',
          usingMetrics: {
            s: machine.metricStarted({ period, statistic: 'Sum' }),
            f: machine.metricFailed({ period, statistic: 'Sum' }),
            a: machine.metricAborted({ period, statistic: 'Sum' }),
          },
          period,
        }),
        threshold: alarmThresholds.executionFailurePercent,
        evaluationPeriods: 3,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
      });
    }

    const functions = Object.entries(props.functions);
    groups(functions, maxMetricsPerAlarm).forEach((group, index) => {
      const names = group.map(([name]) => name).join(', ');
      alarm(`FunctionErrors-${index + 1}`, `A function threw or timed out (one of ${names}).`, {
        metric: summed(group.map(([, fn]) => fn.metricErrors({ period, statistic: 'Sum' })), `Errors (${names})`),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
      alarm(`FunctionThrottles-${index + 1}`, `Lambda throttled invocations (one of ${names}).`, {
        metric: summed(group.map(([, fn]) => fn.metricThrottles({ period, statistic: 'Sum' })), `Throttles (${names})`),
        threshold: 1,
        evaluationPeriods: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      });
    });

    const api = props.restApi;
    alarm('Api5xx', 'The API answered 5XX: a client mistake is never a 5XX, so each is a fault or a throttled AWS service.', {
      metric: api.metricServerError({ period, statistic: 'Sum' }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });
    alarm('ApiLatencyP99', `The API's p99 latency stayed above ${alarmThresholds.apiLatencyP99Ms} ms.`, {
      metric: api.metricLatency({ period, statistic: 'p99' }),
      threshold: alarmThresholds.apiLatencyP99Ms,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    alarm('DynamoDbThrottles', 'DynamoDB throttled reads or writes of the table.', {
      metric: new cloudwatch.MathExpression({
        label: 'Throttle events',
        expression: 'FILL(r, 0) + FILL(w, 0)',
        usingMetrics: { r: tableMetric(props.table, 'ReadThrottleEvents'), w: tableMetric(props.table, 'WriteThrottleEvents') },
        period,
      }),
      threshold: 1,
      evaluationPeriods: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
    });

    const deliveryFailureRate = new cloudwatch.MathExpression({
      label: 'Deliveries given up %',
      expression: `IF(FILL(ok, 0) + FILL(failed, 0) >= ${alarmThresholds.deliveryMinimumVolume}, 100 * FILL(failed, 0) / (FILL(ok, 0) + FILL(failed, 0)), 0)`,
      usingMetrics: { ok: serviceMetric(metricNames.deliverySucceeded), failed: serviceMetric(metricNames.deliveryFailed) },
      period,
    });
    alarm('DeliveryFailureRate', `More than ${alarmThresholds.deliveryFailurePercent} % of callback and webhook deliveries were given up.`, {
      metric: deliveryFailureRate,
      threshold: alarmThresholds.deliveryFailurePercent,
      evaluationPeriods: 3,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_THRESHOLD,
    });

    this.dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `${prefix}-golden-signals`,
      defaultInterval: Duration.hours(6),
      widgets: goldenSignals(props, deliveryFailureRate, this.alarms),
    });
  }
}

function serviceMetric(metricName: string, statistic = 'Sum'): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: metricNamespace, metricName, dimensionsMap: { service: serviceName }, period, statistic });
}

/** A metric of the service's EMF records with one more dimension, every value of it (dashboards only: alarms take no SEARCH). */
function serviceSearch(metricName: string, dimension: string, statistic: string, label: string): cloudwatch.MathExpression {
  return new cloudwatch.MathExpression({
    expression: `SEARCH('{${metricNamespace},${dimension},service} MetricName="${metricName}"', '${statistic}', 300)`,
    label,
    period,
  });
}

function tableMetric(table: dynamodb.ITable, metricName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({ namespace: 'AWS/DynamoDB', metricName, dimensionsMap: { TableName: table.tableName }, period, statistic: 'Sum' });
}

/** `id` prefixes the metrics' ids: two sums in one graph must not share them. */
function summed(metrics: cloudwatch.IMetric[], label: string, id = 'm'): cloudwatch.IMetric {
  if (metrics.length === 1) return metrics[0]!;
  return new cloudwatch.MathExpression({
    label,
    expression: `SUM([${metrics.map((_, i) => `${id}${i}`).join(', ')}])`,
    usingMetrics: Object.fromEntries(metrics.map((metric, i) => [`${id}${i}`, metric])),
    period,
  });
}

function groups<T>(items: T[], size: number): T[][] {
  return Array.from({ length: Math.ceil(items.length / size) }, (_, i) => items.slice(i * size, (i + 1) * size));
}

function goldenSignals(props: MonitoringProps, deliveryFailureRate: cloudwatch.IMetric, alarms: cloudwatch.Alarm[]): cloudwatch.IWidget[][] {
  const api = props.restApi;
  const machines = Object.entries(props.stateMachines);
  const functions = Object.values(props.functions);
  const wide = { width: 12, height: 6 } as const;
  return [
    [new cloudwatch.TextWidget({ markdown: '# Process-mining jobs: golden signals\nTraffic, errors, latency, saturation. Alarms and their runbook: README, "Alarms runbook".', width: 24, height: 2 })],
    [new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms, width: 24, height: 4 })],
    // Traffic
    [
      new cloudwatch.GraphWidget({ title: 'Traffic: API requests', left: [api.metricCount({ period, statistic: 'Sum' })], ...wide }),
      new cloudwatch.GraphWidget({
        title: 'Traffic: executions started, operations admitted',
        left: machines.map(([name, machine]) => machine.metricStarted({ period, statistic: 'Sum', label: `${name} started` })),
        right: [serviceMetric(metricNames.operationsAdmitted)],
        ...wide,
      }),
    ],
    // Errors
    [
      new cloudwatch.GraphWidget({
        title: 'Errors: API 4XX and 5XX',
        left: [api.metricClientError({ period, statistic: 'Sum' }), api.metricServerError({ period, statistic: 'Sum' })],
        ...wide,
      }),
      new cloudwatch.GraphWidget({
        title: 'Errors: executions failed, timed out, aborted',
        left: machines.flatMap(([name, machine]) => [
          machine.metricFailed({ period, statistic: 'Sum', label: `${name} failed` }),
          machine.metricTimedOut({ period, statistic: 'Sum', label: `${name} timed out` }),
          machine.metricAborted({ period, statistic: 'Sum', label: `${name} aborted` }),
        ]),
        ...wide,
      }),
    ],
    [
      new cloudwatch.GraphWidget({
        title: 'Errors: function errors and throttles (all functions)',
        left: [summed(functions.map((fn) => fn.metricErrors({ period, statistic: 'Sum' })), 'Errors', 'e')],
        right: [summed(functions.map((fn) => fn.metricThrottles({ period, statistic: 'Sum' })), 'Throttles', 't')],
        ...wide,
      }),
      new cloudwatch.GraphWidget({
        title: 'Errors: deliveries and dead letters',
        left: [
          serviceMetric(metricNames.deliverySucceeded),
          serviceMetric(metricNames.deliveryFailed),
          serviceMetric(metricNames.deliveryRetried),
          serviceMetric(metricNames.endpointDisabled),
          serviceSearch(metricNames.deadLettered, 'queue', 'Sum', 'Dead-lettered'),
        ],
        right: [deliveryFailureRate],
        ...wide,
      }),
    ],
    // Latency
    [
      new cloudwatch.GraphWidget({
        title: 'Latency: API p50, p90, p99 (ms)',
        left: ['p50', 'p90', 'p99'].map((statistic) => api.metricLatency({ period, statistic, label: `Latency ${statistic}` })),
        ...wide,
      }),
      new cloudwatch.GraphWidget({
        title: 'Latency: phase duration p90 (ms), by phase',
        left: [serviceSearch(metricNames.phaseDuration, 'phase', 'p90', 'Phase duration p90')],
        ...wide,
      }),
    ],
    // Saturation
    [
      new cloudwatch.GraphWidget({
        title: 'Saturation: queue wait of admitted operations p90 (ms), events per second by phase',
        left: [serviceMetric(metricNames.queueWait, 'p90')],
        right: [serviceSearch(metricNames.eventsPerSecond, 'phase', 'Average', 'Events per second')],
        ...wide,
      }),
      new cloudwatch.GraphWidget({
        title: 'Saturation: dead-letter queue depth, DynamoDB throttles',
        left: Object.entries(props.deadLetterQueues).map(([name, queue]) => queue.metricApproximateNumberOfMessagesVisible({ period, statistic: 'Maximum', label: `${name} DLQ` })),
        right: [tableMetric(props.table, 'ReadThrottleEvents'), tableMetric(props.table, 'WriteThrottleEvents')],
        ...wide,
      }),
    ],
  ];
}

