import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { App, type CfnResource } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import { describe, expect, it } from 'vitest';
import { checkWithCdkNag } from '../../lib/constructs/nag.ts';
import { retryHorizonSeconds } from '../../lib/constructs/queue-retention.ts';
import { PROJECT_ROOT, ProcessMiningStack } from '../../lib/process-mining-stack.ts';
import { defaultResourceSampleIntervalMs, env, executionStatusChanges, functions, queues, routes, type FunctionId, type QueueId } from '../../lib/topology.ts';
import { environmentReadsByFunction } from './environment-reads.ts';

type Resource = { Type: string; Properties: Record<string, any>; Metadata?: Record<string, unknown> };

const cdkJson = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')) as { context: Record<string, unknown> };

/**
 * Synthesized without bundling the functions (`aws:cdk:bundling-stacks: []`: the assets are placeholders, the
 * template is otherwise the same); with `nag`, cdk-nag is applied exactly as bin/app.ts applies it.
 */
function synth(context: Record<string, unknown> = {}, { nag = false, env }: { nag?: boolean; env?: { account: string; region: string } } = {}) {
  const app = new App({ context: { ...cdkJson.context, 'aws:cdk:bundling-stacks': [], ...context } });
  const stack = new ProcessMiningStack(app, 'OperabilityTest', env ? { env } : undefined);
  if (nag) checkWithCdkNag(app);
  const assembly = app.synth();
  const json = assembly.getStackByName(stack.stackName).template as { Resources: Record<string, Resource> };
  return { stack, json, template: Template.fromJSON(json), resources: json.Resources };
}

const { stack, json, template, resources } = synth();
const logicalId = (construct: { node: { defaultChild?: unknown } }): string => stack.getLogicalId(construct.node.defaultChild as CfnResource);
const fnLogicalId = (id: FunctionId): string => logicalId(stack.functions.byId[id]);
const ofType = (type: string): [string, Resource][] => Object.entries(resources).filter(([, r]) => r.Type === type);

describe('self-healing', () => {
  it('sends the stack machines\' FAILED, TIMED_OUT and ABORTED executions to the reconciler, with retries and a dead-letter queue', () => {
    const reconciler = fnLogicalId(executionStatusChanges.target);
    const dlq = logicalId(stack.selfHealing.deadLetterQueue);
    const machines = Object.values(stack.stateMachines.byId).map((machine) => ({ Ref: logicalId(machine) }));
    template.hasResourceProperties('AWS::Events::Rule', {
      State: 'ENABLED',
      EventPattern: {
        source: ['aws.states'],
        'detail-type': ['Step Functions Execution Status Change'],
        detail: { status: ['FAILED', 'TIMED_OUT', 'ABORTED'], stateMachineArn: Match.arrayWith(machines) },
      },
      Targets: [
        Match.objectLike({
          Arn: { 'Fn::GetAtt': [reconciler, 'Arn'] },
          DeadLetterConfig: { Arn: { 'Fn::GetAtt': [dlq, 'Arn'] } },
          RetryPolicy: { MaximumRetryAttempts: 10, MaximumEventAgeInSeconds: 86_400 },
        }),
      ],
    });
    const [ruleId] = ofType('AWS::Events::Rule').find(([, r]) => JSON.stringify(r.Properties.EventPattern).includes('aws.states'))!;
    expect(ruleId).toBeDefined();
    const [, rule] = ofType('AWS::Events::Rule').find(([id]) => id === ruleId)!;
    expect(rule.Properties.EventPattern.detail.stateMachineArn).toHaveLength(machines.length);
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [reconciler, 'Arn'] },
      Principal: 'events.amazonaws.com',
      SourceArn: { 'Fn::GetAtt': [ruleId, 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::EventInvokeConfig', {
      FunctionName: { Ref: reconciler },
      MaximumRetryAttempts: executionStatusChanges.retryAttempts,
      DestinationConfig: { OnFailure: { Destination: { 'Fn::GetAtt': [dlq, 'Arn'] } } },
    });
  });

  it('lets the reconciler do what the lifecycle recorder does, and nothing more', () => {
    expect(functions.ReconcileExecution.access).toEqual(functions.RecordLifecycle.access);
  });
});

describe('configuration that holds', () => {
  it('gives every function the log retention and sample interval the context chose', () => {
    const custom = synth({ logRetentionDays: 90, resourceSampleIntervalMs: 2000 });
    for (const [id, fn] of Object.entries(stack.functions.byId) as [FunctionId, (typeof stack.functions.byId)[FunctionId]][]) {
      const defaults = resources[logicalId(fn)]!.Properties.Environment.Variables;
      expect(defaults[env.logRetentionDays], id).toBe('30');
      expect(defaults[env.resourceSampleIntervalMs], id).toBe(String(defaultResourceSampleIntervalMs));
      const chosen = custom.resources[custom.stack.getLogicalId(custom.stack.functions.byId[id].node.defaultChild as CfnResource)]!.Properties.Environment.Variables;
      expect(chosen[env.logRetentionDays], id).toBe('90');
      expect(chosen[env.resourceSampleIntervalMs], id).toBe('2000');
    }
    expect(() => synth({ resourceSampleIntervalMs: 10 })).toThrow(/resourceSampleIntervalMs/);
  });

  it('tells every function the API\'s stage URL (or the context\'s custom one) for absolute trackingUrls', () => {
    const restApi = logicalId(stack.api.restApi);
    for (const fn of Object.values(stack.functions.byId)) {
      const url = JSON.stringify(resources[logicalId(fn)]!.Properties.Environment.Variables[env.apiBaseUrl]);
      expect(url).toContain(`{"Ref":"${restApi}"}`);
      expect(url).toContain(`.execute-api.`);
      expect(url).toMatch(/\/prod"\]\]\}$/);
    }
    const custom = synth({ apiBaseUrl: 'https://api.example.com/v1/' });
    for (const fn of Object.values(custom.stack.functions.byId)) {
      expect(custom.resources[custom.stack.getLogicalId(fn.node.defaultChild as CfnResource)]!.Properties.Environment.Variables[env.apiBaseUrl]).toBe('https://api.example.com/v1');
    }
    expect(() => synth({ apiBaseUrl: 'http://api.example.com' })).toThrow(/apiBaseUrl/);
  });

  it('takes the allowed CORS origins from context, and refuses what is not an origin', () => {
    const origins = (bucket: Resource) => bucket.Properties.CorsConfiguration.CorsRules[0].AllowedOrigins;
    const dataBucket = (r: Record<string, Resource>) => r[stack.getLogicalId(stack.data.bucket.node.defaultChild as CfnResource)]!;
    expect(origins(dataBucket(resources))).toEqual(['*']);
    const custom = synth({ corsAllowedOrigins: 'https://app.example.com, http://localhost:5173' });
    expect(origins(custom.resources[custom.stack.getLogicalId(custom.stack.data.bucket.node.defaultChild as CfnResource)]!)).toEqual([
      'https://app.example.com',
      'http://localhost:5173',
    ]);
    expect(() => synth({ corsAllowedOrigins: 'https://app.example.com/path' })).toThrow(/corsAllowedOrigins/);
  });

  it('keeps every message as long as its longest retry may take, and its dead letters longer', () => {
    for (const [queueId, pair] of Object.entries(stack.queues.byId) as [QueueId, (typeof stack.queues.byId)[QueueId]][]) {
      const retention = resources[logicalId(pair.queue)]!.Properties.MessageRetentionPeriod as number;
      const dlqRetention = resources[logicalId(pair.deadLetterQueue)]!.Properties.MessageRetentionPeriod as number;
      expect(retention, queueId).toBeGreaterThanOrEqual(retryHorizonSeconds(queueId));
      expect(dlqRetention, queueId).toBeGreaterThanOrEqual(retention);
    }
    // A webhook may retry 10 times, each wait up to SQS's 12-hour visibility limit: more than SQS's default 4 days.
    expect(retryHorizonSeconds('CallbackDelivery')).toBeGreaterThan(4 * 86_400);
    expect(Object.keys(stack.queues.byId).sort()).toEqual(Object.keys(queues).sort());
  });

  it('grants no dynamodb:Scan (no function scans), and read routes nothing but reads and the cursor key', () => {
    for (const [, policy] of ofType('AWS::IAM::Policy')) {
      for (const statement of policy.Properties.PolicyDocument.Statement) expect([statement.Action].flat()).not.toContain('dynamodb:Scan');
    }
    const writes = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'];
    for (const [id, def] of Object.entries(functions) as [FunctionId, (typeof functions)[FunctionId]][]) {
      const fn = stack.functions.byId[id];
      if (!fn || def.access.table !== 'read') continue;
      const roleId = (resources[fnLogicalId(id)]!.Properties.Role as { 'Fn::GetAtt': [string] })['Fn::GetAtt'][0];
      const statements = ofType('AWS::IAM::Policy')
        .filter(([, p]) => JSON.stringify(p.Properties.Roles).includes(`"${roleId}"`))
        .flatMap(([, p]) => p.Properties.PolicyDocument.Statement as Array<{ Action: string | string[]; Condition?: unknown }>);
      expect(statements.flatMap((s) => [s.Action].flat()), id).toContain('dynamodb:Query');
      for (const statement of statements) {
        const written = [statement.Action].flat().filter((action) => writes.includes(action));
        if (written.length === 0) continue;
        // The one write a read-only function has: the paging cursors' key, in the CONFIG partition.
        expect(written, id).toEqual(['dynamodb:PutItem']);
        expect(statement.Condition, id).toEqual({ 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': ['CONFIG'] } });
      }
    }
  });

  it('serves every read route (GET) with a function that may only read, unless it says why it writes', () => {
    // The first read after an upload records the dataset Available, with its size and time.
    const writesOnRead: Partial<Record<FunctionId, string>> = { GetDataset: 'records a finished upload' };
    const getOnly = (Object.keys(functions) as FunctionId[]).filter((id) => {
      const methods = new Set(routes.filter((r) => r.function === id).map((r) => r.method));
      return methods.size === 1 && methods.has('GET');
    });
    expect(getOnly.length).toBeGreaterThan(10);
    for (const id of getOnly) {
      const table = functions[id].access.table;
      if (table === 'readWrite') expect(writesOnRead[id], `${id} serves only GET routes but may write the table`).toBeDefined();
      expect(functions[id].access.bucket ?? 'read', id).toBe('read');
    }
  });

  it('writes no cdk-nag acknowledgements into the template (they stay in the construct tree and the validation report)', () => {
    // As `cdk synth` does it: the checks run (an unacknowledged finding throws here) and the template is written.
    const checked = synth({}, { nag: true });
    expect(JSON.stringify(checked.json)).not.toContain('cdk_nag');
    expect(Object.values(checked.resources).filter((r) => r.Metadata && 'cdk_nag' in r.Metadata)).toEqual([]);
    expect(JSON.stringify(json)).not.toContain('cdk_nag');
  });

  it('passes cdk-nag in a concrete account and region too, as `cdk synth` with a profile builds it', () => {
    // Findings name resolved partitions and regions there (arn:aws:…:eu-west-1:…), not <AWS::Region>.
    expect(() => synth({}, { nag: true, env: { account: '123456789012', region: 'eu-west-1' } })).not.toThrow();
  });

  it('sets every feature flag aws-cdk-lib recommends, at the recommended value', () => {
    const recommended = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'node_modules/aws-cdk-lib/recommended-feature-flags.json'), 'utf8')) as Record<string, unknown>;
    for (const [flag, value] of Object.entries(recommended)) expect(cdkJson.context[flag], flag).toEqual(value);
  });
});

describe('environment variables: what the code reads is what the stack sets', () => {
  const reads = environmentReadsByFunction();
  /** Set by Lambda itself, read by libraries (Powertools, Node), or by the test runner. */
  const notOurs = (name: string) => /^(AWS_|_X_AMZN_|LAMBDA_|POWERTOOLS_|NODE_OPTIONS$|VITEST$)/.test(name);
  const setFor = (id: FunctionId): Set<string> => {
    const fn = stack.functions.byId[id];
    const variables = (resources[logicalId(fn)]!.Properties.Environment?.Variables ?? {}) as Record<string, unknown>;
    return new Set(Object.keys(variables).filter((name) => !notOurs(name)));
  };
  const builtIds = (Object.keys(functions) as FunctionId[]).filter((id) => stack.functions.byId[id]);

  it('reads, in each function, every resource variable the stack sets on it (settings go to every function)', () => {
    for (const id of builtIds) {
      const read = reads[id]!;
      for (const name of setFor(id)) if (!(settings as readonly string[]).includes(name)) expect(read.has(name) || read.has(familyOf(name)), `${id} is given ${name} but no code it bundles reads it`).toBe(true);
    }
  });

  it('sets every variable the code reads, except those a deployment may leave unset', () => {
    const everythingSet = new Set(builtIds.flatMap((id) => [...setFor(id)]));
    for (const id of builtIds) {
      for (const name of reads[id]!) {
        if (notOurs(name) || (optionalEnvironment as readonly string[]).includes(name)) continue;
        if (name.endsWith('(*)')) continue;
        expect(everythingSet.has(name), `${id} reads ${name}, which the stack never sets`).toBe(true);
      }
    }
  });

  it('gives each function every setting its code reads (a setting left unset silently takes the code default)', () => {
    for (const id of builtIds) {
      for (const name of settings.filter((setting) => setting !== 'LOG_FORMAT')) if (reads[id]!.has(name)) expect(setFor(id).has(name), `${id} reads ${name}`).toBe(true);
    }
  });
});

/** Deployment-wide settings: the stack gives them to every function, so none falls back to a code default. */
const settings = [env.logRetentionDays, env.resourceSampleIntervalMs, env.maxActiveOperationsPerProject, env.pricingRegion, env.apiBaseUrl, 'LOG_FORMAT'] as const;

/** Variables the code reads that a deployment may leave unset: set from optional context, or only by the local stack. */
const optionalEnvironment = [env.receiverAllowList, env.receiverAllowHttp, env.s3ForcePathStyle, 'NOTIFICATION_SENDER'] as const;

/** `STATE_MACHINE_ARN_X` read through a variable machine id counts as a read of the family. */
function familyOf(name: string): string {
  if (name.startsWith('STATE_MACHINE_ARN_')) return 'stateMachineArn(*)';
  if (name.startsWith('QUEUE_URL_')) return 'queueUrl(*)';
  return name;
}
