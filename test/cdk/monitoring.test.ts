import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { alarmThresholds } from '../../lib/constructs/monitoring.ts';
import { PROJECT_ROOT, ProcessMiningStack } from '../../lib/process-mining-stack.ts';
import { env, functions, queues, stateMachines, type FunctionId } from '../../lib/topology.ts';
import { metricNames, metricNamespace, serviceName } from '../../functions/domain/telemetry.ts';

type Resource = { Type: string; Properties: Record<string, any> };

const cdkContext = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const outdir = mkdtempSync(path.join(tmpdir(), 'cdk-monitoring-'));
afterAll(() => rmSync(outdir, { recursive: true, force: true }));

// Bundling skipped: these tests read the template, not the code (test/cdk/stack.test.ts bundles).
const noBundling = { 'aws:cdk:bundling-stacks': [] };
const app = new App({ outdir, context: { ...cdkContext, ...noBundling, alarmEmail: 'oncall@example.com' } });
const stack = new ProcessMiningStack(app, 'MonitoringTest', { projectRoot: process.env.CDK_TEST_PROJECT_ROOT || undefined });
/** The monitoring nested stack's template; the functions are the parent's. */
const template = Template.fromStack(stack.monitoring);
const parent = Template.fromStack(stack).toJSON().Resources as Record<string, Resource>;
const resources = template.toJSON().Resources as Record<string, Resource>;
const ofType = (type: string, from = resources) => Object.entries(from).filter(([, r]) => r.Type === type);
const alarms = ofType('AWS::CloudWatch::Alarm').map(([, r]) => r.Properties);
const alarmNamed = (id: string) => alarms.find((a) => JSON.stringify(a.AlarmName).includes(`-${id}`));
const ref = (construct: { node: { defaultChild?: unknown } }) => stack.getLogicalId(construct.node.defaultChild as never);
/** The parent's value a nested-stack parameter carries: the Ref or attribute it was given. */
const parameters = (Object.values(parent).find((r) => r.Type === 'AWS::CloudFormation::Stack')?.Properties.Parameters ?? {}) as Record<string, unknown>;
const passed = (value: unknown): string => JSON.stringify(typeof value === 'object' && value && 'Ref' in value ? parameters[(value as { Ref: string }).Ref] : value);
/** The metrics an alarm reads, flattened from a plain metric or a metric-math alarm. */
const metricsOf = (alarm: Record<string, any>): { namespace: string; name: string; dimensions: Record<string, unknown> }[] =>
  alarm.MetricName
    ? [{ namespace: alarm.Namespace, name: alarm.MetricName, dimensions: Object.fromEntries((alarm.Dimensions ?? []).map((d: any) => [d.Name, d.Value])) }]
    : (alarm.Metrics ?? [])
        .filter((m: any) => m.MetricStat)
        .map((m: any) => ({
          namespace: m.MetricStat.Metric.Namespace,
          name: m.MetricStat.Metric.MetricName,
          dimensions: Object.fromEntries((m.MetricStat.Metric.Dimensions ?? []).map((d: any) => [d.Name, d.Value])),
        }));

describe('alarm topic', () => {
  it('is one KMS-encrypted, TLS-only topic with the alarmEmail context subscribed', () => {
    template.resourceCountIs('AWS::SNS::Topic', 1);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'oncall@example.com' });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } })]) },
    });
    // CloudWatch may use the key, or it could not publish to the encrypted topic.
    template.hasResourceProperties('AWS::KMS::Key', {
      EnableKeyRotation: true,
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]) },
    });
  });

  it('receives every alarm, in alarm and back to OK', () => {
    const topicId = stack.monitoring.getLogicalId(stack.monitoring.topic.node.defaultChild as never);
    expect(alarms.length).toBeGreaterThan(0);
    for (const alarm of alarms) {
      expect(alarm.AlarmActions).toEqual([{ Ref: topicId }]);
      expect(alarm.OKActions).toEqual([{ Ref: topicId }]);
      expect(alarm.AlarmDescription).toMatch(/Runbook: README/);
    }
  });

  it('has no subscriber without alarmEmail, and a malformed address fails the synth', () => {
    const quiet = new ProcessMiningStack(new App({ context: { ...cdkContext, ...noBundling } }), 'NoEmail', { projectRoot: process.env.CDK_TEST_PROJECT_ROOT || undefined });
    Template.fromStack(quiet).resourceCountIs('AWS::SNS::Subscription', 0);
    expect(() => new ProcessMiningStack(new App({ context: { ...cdkContext, ...noBundling, alarmEmail: 'not an address' } }), 'BadEmail')).toThrow(/alarmEmail/);
  });
});

describe('alarms', () => {
  it('watch the depth of every dead-letter queue, the reconciler’s included', () => {
    const dlqIds = [...Object.keys(queues).map((id) => ref(stack.queues.byId[id as keyof typeof queues].deadLetterQueue)), ref(stack.selfHealing.deadLetterQueue)];
    for (const dlq of dlqIds) {
      const alarm = alarms.find((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible' && passed(a.Dimensions[0].Value).includes(dlq));
      expect(alarm, dlq).toMatchObject({ Namespace: 'AWS/SQS', Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1 });
    }
  });

  it('watch every state machine: any timed-out execution, and the share failed or aborted', () => {
    for (const id of Object.keys(stateMachines)) {
      const timedOut = alarmNamed(`ExecutionsTimedOut-${id}`)!;
      expect(timedOut).toMatchObject({ Namespace: 'AWS/States', MetricName: 'ExecutionsTimedOut', Dimensions: [{ Name: 'StateMachineArn' }], Threshold: 1 });
      expect(passed(timedOut.Dimensions[0].Value)).toContain(ref(stack.stateMachines.byId[id as keyof typeof stateMachines]));
      const failing = alarmNamed(`ExecutionsFailing-${id}`)!;
      expect(metricsOf(failing).map((m) => m.name).sort()).toEqual(['ExecutionsAborted', 'ExecutionsFailed', 'ExecutionsStarted']);
      expect(failing.Threshold).toBe(alarmThresholds.executionFailurePercent);
    }
  });

  it('cover the errors and throttles of every function, at most 10 metrics per alarm', () => {
    const functionIds = Object.keys(stack.functions.byId).map((id) => ref(stack.functions.byId[id as FunctionId]));
    for (const name of ['Errors', 'Throttles']) {
      const watched = alarms
        .filter((a) => metricsOf(a).some((m) => m.namespace === 'AWS/Lambda' && m.name === name))
        .flatMap((a) => {
          expect((a.Metrics ?? [a]).filter((m: any) => m.MetricStat || m.MetricName).length).toBeLessThanOrEqual(10);
          return metricsOf(a).map((m) => JSON.parse(passed(m.dimensions.FunctionName)).Ref as string);
        });
      expect(watched.sort()).toEqual([...functionIds].sort());
    }
  });

  it('watch API 5XX, API p99 latency and DynamoDB throttles', () => {
    expect(alarmNamed('Api5xx')).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: '5XXError', Statistic: 'Sum', Threshold: 1 });
    expect(alarmNamed('ApiLatencyP99')).toMatchObject({ Namespace: 'AWS/ApiGateway', MetricName: 'Latency', ExtendedStatistic: 'p99', Threshold: alarmThresholds.apiLatencyP99Ms });
    const throttles = alarmNamed('DynamoDbThrottles')!;
    expect(metricsOf(throttles).map((m) => m.name).sort()).toEqual(['ReadThrottleEvents', 'WriteThrottleEvents']);
    expect(JSON.parse(passed(metricsOf(throttles)[0]!.dimensions.TableName))).toEqual({ Ref: ref(stack.data.table) });
  });

  it('watch the delivery failure rate from the service’s own EMF metrics', () => {
    const rate = alarmNamed('DeliveryFailureRate')!;
    expect(metricsOf(rate)).toEqual([
      { namespace: metricNamespace, name: metricNames.deliverySucceeded, dimensions: { service: serviceName } },
      { namespace: metricNamespace, name: metricNames.deliveryFailed, dimensions: { service: serviceName } },
    ]);
    expect(rate.Threshold).toBe(alarmThresholds.deliveryFailurePercent);
  });
});

describe('dashboard', () => {
  it('is one dashboard of the golden signals: traffic, errors, latency, saturation', () => {
    template.resourceCountIs('AWS::CloudWatch::Dashboard', 1);
    const body = JSON.stringify(ofType('AWS::CloudWatch::Dashboard')[0]![1].Properties.DashboardBody);
    for (const signal of ['Traffic', 'Errors', 'Latency', 'Saturation']) expect(body).toContain(`${signal}:`);
    for (const metric of ['5XXError', 'Latency', 'ExecutionsFailed', 'ApproximateNumberOfMessagesVisible', metricNames.phaseDuration, metricNames.queueWait, metricNames.deliveryFailed]) {
      expect(body).toContain(metric);
    }
  });
});

describe('cdk-nag', () => {
  it('finds nothing to flag in the monitoring stack, with no acknowledgement', () => {
    const report = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack.monitoring);
    expect(report.violations.flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}`))).toEqual([]);
  });
});

describe('JSON logs', () => {
  it('every function logs JSON at INFO through Lambda’s JSON format, with the Powertools JSON lines', () => {
    const lambdas = ofType('AWS::Lambda::Function', parent).filter(([id]) => Object.values(stack.functions.byId).some((fn) => ref(fn) === id));
    expect(lambdas.length).toBe(Object.keys(stack.functions.byId).length);
    for (const [, fn] of lambdas) {
      expect(fn.Properties.LoggingConfig).toMatchObject({ LogFormat: 'JSON', ApplicationLogLevel: 'INFO', SystemLogLevel: 'WARN', LogGroup: expect.anything() });
      expect(fn.Properties.Environment.Variables).toMatchObject({ [env.logFormat]: 'json' });
    }
    // No function is left out of the topology's list.
    expect(Object.keys(stack.functions.byId).every((id) => id in functions)).toBe(true);
  });
});
