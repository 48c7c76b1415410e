import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { App } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import type { CfnResource } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import { afterAll, describe, expect, it } from 'vitest';
import { assertVisibilityCoversConsumer } from '../../lib/constructs/queues.ts';
import { PROJECT_ROOT, ProcessMiningStack } from '../../lib/process-mining-stack.ts';
import {
  LAMBDA_NODE_MAJOR,
  defaultMaxActiveOperationsPerProject,
  defaultMaxTokenLifetimeSeconds,
  env,
  functions,
  methodNotAllowedFunction,
  queues,
  routes,
  phaseFunctionSizes,
  stateMachines,
  table,
  webSocketRoutes,
  type FunctionId,
  type QueueId,
  type StateMachineId,
} from '../../lib/topology.ts';

type Resource = { Type: string; Properties: Record<string, any>; DeletionPolicy?: string };

/** Same feature flags as `cdk synth`. CDK_TEST_PROJECT_ROOT lets CI point the entries at stub handlers. */
const cdkContext = JSON.parse(readFileSync(path.join(PROJECT_ROOT, 'cdk.json'), 'utf8')).context as Record<string, unknown>;
const projectRoot = process.env.CDK_TEST_PROJECT_ROOT || undefined;

// Synthesized once for the whole file: bundling the functions takes a few seconds.
const outdirs: string[] = [];
const tempOutdir = (): string => {
  const dir = mkdtempSync(path.join(tmpdir(), 'cdk-test-'));
  outdirs.push(dir);
  return dir;
};
afterAll(() => outdirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })));

const outdir = tempOutdir();
const app = new App({ outdir, context: cdkContext });
const stack = new ProcessMiningStack(app, 'ProcessMiningTest', { projectRoot });
const template = Template.fromStack(stack);
const resources = template.toJSON().Resources as Record<string, Resource>;
const nagReport = new AwsSolutionsChecks(undefined, { verbose: true }).validateScope(stack);

const logicalId = (construct: { node: { defaultChild?: unknown } }): string =>
  stack.getLogicalId(construct.node.defaultChild as CfnResource);
const fnLogicalId = (id: FunctionId): string => logicalId(stack.functions.byId[id]);
const ofType = (type: string): [string, Resource][] => Object.entries(resources).filter(([, r]) => r.Type === type);

/** IAM actions granted to a function, from every policy attached to its role. */
function actionsOf(id: FunctionId): Set<string> {
  const roleArn = resources[fnLogicalId(id)]!.Properties.Role as { 'Fn::GetAtt': [string, string] };
  const roleId = roleArn['Fn::GetAtt'][0];
  const actions = new Set<string>();
  for (const [, policy] of ofType('AWS::IAM::Policy')) {
    if (!JSON.stringify(policy.Properties.Roles).includes(`"${roleId}"`)) continue;
    for (const statement of policy.Properties.PolicyDocument.Statement) {
      for (const action of [statement.Action].flat()) actions.add(action);
    }
  }
  return actions;
}

describe('functions', () => {
  it('has exactly one Node.js Lambda per topology function, sized from the topology', () => {
    template.resourceCountIs('AWS::Lambda::Function', Object.keys(functions).length);
    for (const [id, def] of Object.entries(functions) as [FunctionId, (typeof functions)[FunctionId]][]) {
      const props = resources[fnLogicalId(id)]!.Properties;
      expect(props).toMatchObject({
        Runtime: `nodejs${LAMBDA_NODE_MAJOR}.x`,
        Architectures: ['arm64'],
        Handler: 'index.handler',
        MemorySize: def.memoryMb,
        Timeout: def.timeoutSeconds,
        TracingConfig: { Mode: 'Active' },
      });
      expect(props.Runtime).toBe('nodejs24.x');
      expect(props.LoggingConfig.LogGroup).toEqual({ Ref: expect.any(String) });
    }
  });

  it('sets exactly the environment variables the topology access implies', () => {
    for (const [id, { access }] of Object.entries(functions) as [FunctionId, (typeof functions)[FunctionId]][]) {
      const expected = new Set<string>(['NODE_OPTIONS', env.maxActiveOperationsPerProject, env.pricingRegion, env.logRetentionDays, env.resourceSampleIntervalMs, env.apiBaseUrl, env.logFormat]);
      if (access.table) expected.add(env.tableName);
      if (access.bucket) expected.add(env.bucketName);
      for (const machine of [...(access.startExecution ?? []), ...(access.stopExecution ?? [])]) expected.add(env.stateMachineArn(machine));
      for (const queue of access.sendTo ?? []) expected.add(env.queueUrl(queue));
      if (access.jwt) [env.jwksUrl, env.jwtIssuer, env.jwtAudience, env.maxTokenLifetimeSeconds].forEach((name) => expected.add(name));
      if (access.webSocket) expected.add(access.webSocket === 'connectUrl' ? env.webSocketUrl : env.webSocketManagementEndpoint);
      // The hosted UI the dashboard page signs in with (the default stack has its own Cognito pool).
      if (id === 'Dashboard') [env.dashboardSignInDomain, env.dashboardClientId].forEach((name) => expected.add(name));
      const variables = resources[fnLogicalId(id)]!.Properties.Environment.Variables as Record<string, unknown>;
      expect(new Set(Object.keys(variables)), id).toEqual(expected);
      // Phase functions add their V8 options (a small young generation); the rest only source maps.
      expect(variables.NODE_OPTIONS).toBe(id.startsWith('RunPhase') ? '--enable-source-maps --max-semi-space-size=2' : '--enable-source-maps');
      expect(variables[env.maxActiveOperationsPerProject]).toBe(String(defaultMaxActiveOperationsPerProject));
      if (access.jwt) expect(variables[env.maxTokenLifetimeSeconds]).toBe(String(defaultMaxTokenLifetimeSeconds));
    }
  });

  it('grants only what the topology access asks for', () => {
    for (const [id, { access }] of Object.entries(functions) as [FunctionId, (typeof functions)[FunctionId]][]) {
      const actions = actionsOf(id);
      const has = (action: string): boolean => actions.has(action);
      expect(has('dynamodb:Query'), `${id} table read`).toBe(access.table !== undefined);
      expect(has('dynamodb:UpdateItem'), `${id} table write`).toBe(access.table === 'readWrite');
      expect(has('s3:GetObject*'), `${id} bucket read`).toBe(access.bucket !== undefined);
      expect(has('s3:PutObject'), `${id} bucket put`).toBe(access.bucket === 'readWrite' || access.bucket === 'presignPut');
      expect(has('s3:DeleteObject*'), `${id} bucket delete`).toBe(access.bucket === 'readWrite');
      expect(has('states:StartExecution'), `${id} start`).toBe((access.startExecution ?? []).length > 0);
      expect(has('states:StopExecution'), `${id} stop`).toBe((access.stopExecution ?? []).length > 0);
      expect(has('sqs:SendMessage'), `${id} send`).toBe((access.sendTo ?? []).length > 0);
    }
  });
});

describe('REST API', () => {
  /** "METHOD /path AUTHTYPE -> function logical id" for every method in the template. */
  function methodsInTemplate(): string[] {
    const paths = new Map<string, string>();
    const pathOf = (ref: any): string => {
      if (ref['Fn::GetAtt']?.[1] === 'RootResourceId') return '';
      const id = ref.Ref as string;
      if (!paths.has(id)) {
        const props = resources[id]!.Properties;
        paths.set(id, `${pathOf(props.ParentId)}/${props.PathPart}`);
      }
      return paths.get(id)!;
    };
    return ofType('AWS::ApiGateway::Method').map(([, m]) => {
      const uri = JSON.stringify(m.Properties.Integration?.Uri ?? '');
      const target = Object.keys(functions).find((id) => uri.includes(`"${fnLogicalId(id as FunctionId)}"`));
      expect(m.Properties.Integration.Type).toBe('AWS_PROXY');
      // The root resource's own methods (the dashboard at `/`) have an empty path.
      return `${m.Properties.HttpMethod} ${pathOf(m.Properties.ResourceId) || '/'} ${m.Properties.AuthorizationType} -> ${target}`;
    });
  }

  it('has every route with its method, function and authorization, plus a 405 ANY per path, and nothing else', () => {
    const expected = [
      ...routes.map((r) => `${r.method} ${r.path} ${r.authorized ? 'CUSTOM' : 'NONE'} -> ${r.function}`),
      ...[...new Set(routes.map((r) => r.path))].map((p) => `ANY ${p} NONE -> ${methodNotAllowedFunction}`),
    ];
    expect(methodsInTemplate().sort()).toEqual(expected.sort());
    expect(routes.find((r) => r.path === '/health')?.authorized).toBe(false);
  });

  it('authorizes with a cached TOKEN authorizer on the Authorization header', () => {
    template.hasResourceProperties('AWS::ApiGateway::Authorizer', {
      Type: 'TOKEN',
      IdentitySource: 'method.request.header.Authorization',
      AuthorizerResultTtlInSeconds: 300,
    });
    const [[authorizerId, authorizer]] = ofType('AWS::ApiGateway::Authorizer') as [[string, Resource]];
    expect(JSON.stringify(authorizer.Properties.AuthorizerUri)).toContain(`"${fnLogicalId('Authorizer')}"`);
    for (const [, m] of ofType('AWS::ApiGateway::Method')) {
      if (m.Properties.AuthorizationType === 'CUSTOM') expect(m.Properties.AuthorizerId).toEqual({ Ref: authorizerId });
    }
  });

  it.each([
    ['UNAUTHORIZED', 401, undefined],
    ['ACCESS_DENIED', 403, undefined],
    ['MISSING_AUTHENTICATION_TOKEN', 404, '404'],
    ['REQUEST_TOO_LARGE', 413, undefined],
    ['THROTTLED', 429, undefined],
    ['DEFAULT_4XX', 400, '400'],
    ['DEFAULT_5XX', 500, '500'],
  ])('answers %s with an application/problem+json %i', (type, status, statusCode) => {
    template.hasResourceProperties('AWS::ApiGateway::GatewayResponse', {
      ResponseType: type,
      StatusCode: statusCode ?? Match.absent(),
      ResponseParameters: { 'gatewayresponse.header.Content-Type': "'application/problem+json'" },
      ResponseTemplates: {
        'application/json': Match.stringLikeRegexp(
          `^\\{"type":"about:blank","title":"[^"]+","status":${status},"detail":\\$context\\.error\\.messageString\\}$`,
        ),
      },
    });
  });

  it('logs access, traces and throttles the stage, and outputs the URL', () => {
    template.hasResourceProperties('AWS::ApiGateway::Stage', {
      TracingEnabled: true,
      AccessLogSetting: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      MethodSettings: Match.arrayWith([
        Match.objectLike({ HttpMethod: '*', ResourcePath: '/*', LoggingLevel: 'ERROR', ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() }),
      ]),
    });
    template.resourceCountIs('AWS::ApiGateway::Account', 1);
    expect(Object.keys(template.findOutputs('ApiUrl'))).toHaveLength(1);
  });
});

describe('WebSocket API', () => {
  it('routes $connect and $disconnect to their functions, with no authorizer and no message route', () => {
    template.resourceCountIs('AWS::ApiGatewayV2::Api', 1);
    template.hasResourceProperties('AWS::ApiGatewayV2::Api', { ProtocolType: 'WEBSOCKET', RouteSelectionExpression: '$request.body.action' });
    const routesInTemplate = ofType('AWS::ApiGatewayV2::Route').map(([, route]) => {
      const integration = resources[(route.Properties.Target['Fn::Join'][1][1] as { Ref: string }).Ref]!;
      const target = webSocketRoutes.find((r) => JSON.stringify(integration.Properties.IntegrationUri).includes(`"${fnLogicalId(r.function)}"`));
      expect(integration.Properties.IntegrationType).toBe('AWS_PROXY');
      return `${route.Properties.RouteKey} ${route.Properties.AuthorizationType ?? 'NONE'} -> ${target?.function}`;
    });
    expect(routesInTemplate.sort()).toEqual(webSocketRoutes.map((r) => `${r.routeKey} NONE -> ${r.function}`).sort());
  });

  it('logs and throttles its stage, outputs its URL, and lets exactly the delivering functions manage connections', () => {
    template.hasResourceProperties('AWS::ApiGatewayV2::Stage', {
      AutoDeploy: true,
      AccessLogSettings: { DestinationArn: Match.anyValue(), Format: Match.stringLikeRegexp('requestId') },
      DefaultRouteSettings: { ThrottlingRateLimit: Match.anyValue(), ThrottlingBurstLimit: Match.anyValue() },
    });
    expect(Object.keys(template.findOutputs('WebSocketUrl'))).toHaveLength(1);
    for (const [id, { access }] of Object.entries(functions) as [FunctionId, (typeof functions)[FunctionId]][]) {
      expect(actionsOf(id).has('execute-api:ManageConnections'), id).toBe(access.webSocket === 'manageConnections');
    }
  });
});

describe('function packages', () => {
  it.each((Object.keys(functions) as FunctionId[]).filter((id) => functions[id].bundledFiles?.length))('%s ships the files it reads at run time', (id) => {
    const assembly = app.synth();
    const code = resources[fnLogicalId(id)]!.Properties.Code as { S3Key: string };
    const assetDir = path.join(assembly.directory, `asset.${code.S3Key.replace(/\.zip$/, '')}`);
    for (const file of functions[id].bundledFiles!) {
      expect(existsSync(path.join(assetDir, file)), file).toBe(true);
    }
  });
});

describe('state machines', () => {
  const assembly = app.synth();

  it('have the phase function in every size, and each machine may invoke every size', () => {
    const sizes = phaseFunctionSizes.map((size) => resources[fnLogicalId(size.functionId)]!.Properties.MemorySize as number);
    expect(sizes.sort((a, b) => a - b)).toEqual([2048, 4096, 8192, 10_240]);
    for (const size of phaseFunctionSizes) expect(resources[fnLogicalId(size.functionId)]!.Properties.Handler).toBe('index.handler');
    for (const id of Object.keys(stateMachines) as StateMachineId[]) {
      const roleId = resources[logicalId(stack.stateMachines.byId[id])]!.Properties.RoleArn['Fn::GetAtt'][0] as string;
      const policy = ofType('AWS::IAM::Policy').find(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))!;
      const invoke = JSON.stringify(policy[1].Properties.PolicyDocument.Statement.filter((s: any) => [s.Action].flat().includes('lambda:InvokeFunction')));
      for (const size of phaseFunctionSizes) expect(invoke, `${id} → ${size.functionId}`).toContain(`"${fnLogicalId(size.functionId)}"`);
    }
  });

  it('price cost figures in the pricing region given by context, us-east-1 by default', () => {
    expect(resources[fnLogicalId('StartOperation')]!.Properties.Environment.Variables[env.pricingRegion]).toBe('us-east-1');
    // Not bundled again: the functions were bundled above, only the environment differs.
    const other = new ProcessMiningStack(new App({ outdir: tempOutdir(), context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], pricingRegion: 'eu-west-1' } }), 'PricingTest', { projectRoot });
    const variables = Template.fromStack(other).toJSON().Resources[other.getLogicalId(other.functions.byId.StartOperation.node.defaultChild as CfnResource)].Properties.Environment.Variables;
    expect(variables[env.pricingRegion]).toBe('eu-west-1');
    expect(() => new ProcessMiningStack(new App({ outdir: tempOutdir(), context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], pricingRegion: 'mars-1' } }), 'BadPricing', { projectRoot })).toThrow(/pricingRegion must be one of/);
  });

  it.each(Object.keys(stateMachines) as StateMachineId[])('%s runs its ASL file with every placeholder bound to a function ARN', (id) => {
    const def = stateMachines[id];
    const props = resources[logicalId(stack.stateMachines.byId[id])]!.Properties;
    expect(props.StateMachineType).toBe('STANDARD');
    expect(props.TracingConfiguration).toEqual({ Enabled: true });
    expect(props.LoggingConfiguration).toMatchObject({ Level: 'ALL', Destinations: [expect.anything()] });

    // The definition is the ASL file itself, shipped as an asset; CloudFormation applies the substitutions.
    const source = readFileSync(path.join(PROJECT_ROOT, def.definitionFile), 'utf8');
    const staged = readFileSync(path.join(assembly.directory, `asset.${props.DefinitionS3Location.Key}`), 'utf8');
    expect(staged).toBe(source);

    const substitutions = props.DefinitionSubstitutions as Record<string, unknown>;
    expect(Object.keys(substitutions).sort()).toEqual(Object.keys(def.substitutions).sort());
    let effective = staged;
    for (const [key, fnId] of Object.entries(def.substitutions)) {
      expect(substitutions[key]).toEqual({ 'Fn::GetAtt': [fnLogicalId(fnId), 'Arn'] });
      effective = effective.split(`\${${key}}`).join(`arn:aws:lambda:region:account:function:${fnId}`);
    }
    expect(effective).not.toContain('${');
    const states = Object.values(JSON.parse(effective).States as Record<string, { Type: string; Resource?: string; Result?: unknown; Parameters?: Record<string, unknown> }>);
    const tasks = states.filter((s) => s.Type === 'Task');
    expect(tasks.length).toBeGreaterThan(0);
    // A Task names its function, or (the phases) invokes the one its size's Pass state put at $.phaseFunction.
    for (const task of tasks) {
      if (task.Resource === 'arn:aws:states:::lambda:invoke') expect(task.Parameters).toMatchObject({ 'FunctionName.$': '$.phaseFunction' });
      else expect(task.Resource).toMatch(/^arn:aws:lambda:region:account:function:\w+$/);
    }
    const phaseFunctions = states.filter((s) => s.Type === 'Pass').map((s) => s.Result);
    expect(phaseFunctions.sort()).toEqual(phaseFunctionSizes.map((size) => `arn:aws:lambda:region:account:function:${size.functionId}`).sort());

    // Its role may invoke exactly the substituted functions.
    const roleId = props.RoleArn['Fn::GetAtt'][0] as string;
    const policy = ofType('AWS::IAM::Policy').find(([, p]) => JSON.stringify(p.Properties.Roles) === JSON.stringify([{ Ref: roleId }]))!;
    const invoke = JSON.stringify(policy[1].Properties.PolicyDocument.Statement.filter((s: any) => [s.Action].flat().includes('lambda:InvokeFunction')));
    for (const fnId of Object.keys(functions) as FunctionId[]) {
      expect(invoke.includes(`"${fnLogicalId(fnId)}"`), fnId).toBe(Object.values(def.substitutions).includes(fnId));
    }
  });
});

describe('queues', () => {
  it.each(Object.keys(queues) as QueueId[])('%s has a DLQ redrive and a partial-batch event source', (id) => {
    const def = queues[id];
    const { queue, deadLetterQueue } = stack.queues.byId[id];
    const props = resources[logicalId(queue)]!.Properties;
    expect(props.RedrivePolicy).toEqual({
      deadLetterTargetArn: { 'Fn::GetAtt': [logicalId(deadLetterQueue), 'Arn'] },
      maxReceiveCount: def.maxReceiveCount,
    });
    expect(props.VisibilityTimeout).toBe(def.visibilityTimeoutSeconds);
    expect(props.SqsManagedSseEnabled).toBe(true);
    expect(resources[logicalId(deadLetterQueue)]!.Properties.SqsManagedSseEnabled).toBe(true);
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [logicalId(queue), 'Arn'] },
      FunctionName: { Ref: fnLogicalId(def.consumer) },
      BatchSize: def.batchSize,
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      ScalingConfig: { MaximumConcurrency: def.maxConcurrency },
    });
  });

  it('refuses a visibility timeout shorter than the consumer timeout', () => {
    expect(() => assertVisibilityCoversConsumer('X', { consumer: 'RunPhase', batchSize: 1, visibilityTimeoutSeconds: 60, maxReceiveCount: 3, maxConcurrency: 2 })).toThrow(
      /visibilityTimeoutSeconds \(60\) must be >= the timeout of its consumer RunPhase \(900s\)/,
    );
  });
});

describe('data', () => {
  it('has the single table with its GSIs, TTL, PITR and on-demand billing, retained', () => {
    template.resourceCountIs('AWS::DynamoDB::Table', 1);
    const [[, tableResource]] = ofType('AWS::DynamoDB::Table') as [[string, Resource]];
    expect(tableResource.DeletionPolicy).toBe('Retain');
    template.hasResourceProperties('AWS::DynamoDB::Table', {
      KeySchema: [
        { AttributeName: table.partitionKey, KeyType: 'HASH' },
        { AttributeName: table.sortKey, KeyType: 'RANGE' },
      ],
      BillingMode: 'PAY_PER_REQUEST',
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
      SSESpecification: { SSEEnabled: true },
      GlobalSecondaryIndexes: Match.arrayEquals(
        table.globalSecondaryIndexes.map((gsi) => ({
          IndexName: gsi.indexName,
          KeySchema: [
            { AttributeName: gsi.partitionKey, KeyType: 'HASH' },
            { AttributeName: gsi.sortKey, KeyType: 'RANGE' },
          ],
          Projection: { ProjectionType: 'ALL' },
        })),
      ),
    });
  });

  it('keeps the data bucket private, encrypted, versioned, logged and TLS-only', () => {
    const bucketId = logicalId(stack.data.bucket);
    const bucket = resources[bucketId]!;
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties).toMatchObject({
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      VersioningConfiguration: { Status: 'Enabled' },
      LoggingConfiguration: { DestinationBucketName: { Ref: logicalId(stack.data.accessLogBucket) } },
    });
    expect(bucket.Properties.CorsConfiguration.CorsRules[0]).toMatchObject({
      AllowedMethods: expect.arrayContaining(['PUT', 'GET', 'HEAD']),
      AllowedOrigins: ['*'],
    });
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: bucketId },
      PolicyDocument: {
        Statement: Match.arrayWith([
          Match.objectLike({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        ]),
      },
    });
  });
});

describe('authentication', () => {
  it('falls back to a Cognito user pool issuer when no JWT context is given', () => {
    template.resourceCountIs('AWS::Cognito::UserPool', 1);
    template.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    const variables = resources[fnLogicalId('Authorizer')]!.Properties.Environment.Variables;
    expect(JSON.stringify(variables[env.jwtIssuer])).toContain('https://cognito-idp.');
    expect(JSON.stringify(variables[env.jwksUrl])).toContain('/.well-known/jwks.json');
  });

  it('gives the pool a version 2 pre-token-generation trigger and tenant attributes its app client cannot write', () => {
    const [[, pool]] = ofType('AWS::Cognito::UserPool') as [[string, Resource]];
    expect(pool.Properties.UserPoolTier).toBe('ESSENTIALS');
    expect(pool.Properties.LambdaConfig.PreTokenGenerationConfig).toEqual({
      LambdaArn: { 'Fn::GetAtt': [fnLogicalId('PreTokenGeneration'), 'Arn'] },
      LambdaVersion: 'V2_0',
    });
    expect(pool.Properties.Schema).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ Name: 'tenantId', AttributeDataType: 'String', Mutable: true }),
        expect.objectContaining({ Name: 'projectIds', AttributeDataType: 'String', Mutable: true }),
      ]),
    );
    const [[, client]] = ofType('AWS::Cognito::UserPoolClient') as [[string, Resource]];
    expect(client.Properties.WriteAttributes.length).toBeGreaterThan(0);
    expect(client.Properties.WriteAttributes.filter((name: string) => name.startsWith('custom:'))).toEqual([]);
    expect(client.Properties.ExplicitAuthFlows).toEqual(expect.arrayContaining(['ALLOW_USER_SRP_AUTH', 'ALLOW_USER_PASSWORD_AUTH', 'ALLOW_REFRESH_TOKEN_AUTH']));
    template.hasResourceProperties('AWS::Lambda::Permission', {
      Action: 'lambda:InvokeFunction',
      FunctionName: { 'Fn::GetAtt': [fnLogicalId('PreTokenGeneration'), 'Arn'] },
      Principal: 'cognito-idp.amazonaws.com',
    });
  });

  it("signs the dashboard in through the pool's hosted UI: code flow with PKCE back to the API stage root", () => {
    template.resourceCountIs('AWS::Cognito::UserPoolDomain', 1);
    const [[, client]] = ofType('AWS::Cognito::UserPoolClient') as [[string, Resource]];
    expect(client.Properties.AllowedOAuthFlows).toEqual(['code']);
    expect(client.Properties.AllowedOAuthScopes).toEqual(['openid', 'email', 'profile']);
    const callback = JSON.stringify(client.Properties.CallbackURLs);
    expect(callback).toContain('.execute-api.');
    expect(callback).toContain('/prod/');
    expect(client.Properties.LogoutURLs).toEqual(client.Properties.CallbackURLs);
    const variables = resources[fnLogicalId('Dashboard')]!.Properties.Environment.Variables;
    expect(JSON.stringify(variables[env.dashboardSignInDomain])).toContain('.auth.');
    expect(variables[env.dashboardClientId]).toEqual({ Ref: Object.keys(resources).find((id) => resources[id]!.Type === 'AWS::Cognito::UserPoolClient') });
    expect(Object.keys(template.toJSON().Outputs)).toEqual(expect.arrayContaining(['DashboardUrl', 'DashboardSignInUrl']));
  });

  it('uses the issuer, JWKS URL and audience from CDK context when given', () => {
    const contextApp = new App({
      outdir: tempOutdir(),
      context: {
        ...cdkContext,
        'aws:cdk:bundling-stacks': [], // the functions are bundled above already
        jwtIssuer: 'https://issuer.example.com/',
        jwtAudience: 'process-mining-api',
        jwtJwksUrl: 'https://issuer.example.com/keys',
      },
    });
    const contextStack = new ProcessMiningStack(contextApp, 'ProcessMiningContextTest', { projectRoot });
    const contextTemplate = Template.fromStack(contextStack);
    contextTemplate.resourceCountIs('AWS::Cognito::UserPool', 0);
    contextTemplate.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    contextTemplate.resourceCountIs('AWS::Cognito::UserPoolDomain', 0);
    // Nothing Cognito: not its trigger function either.
    contextTemplate.resourceCountIs('AWS::Lambda::Function', Object.values(functions).filter((def) => !def.onlyWithCognitoPool).length);
    expect(JSON.stringify(contextTemplate.toJSON())).not.toContain('cognito-idp');
    contextTemplate.hasResourceProperties('AWS::Lambda::Function', {
      Environment: {
        Variables: {
          [env.jwtIssuer]: 'https://issuer.example.com/',
          [env.jwtAudience]: 'process-mining-api',
          [env.jwksUrl]: 'https://issuer.example.com/keys',
          NODE_OPTIONS: '--enable-source-maps',
        },
      },
    });
  });
});

describe('receiver allow-list', () => {
  const withContext = (receiverAllowList: unknown) =>
    new ProcessMiningStack(new App({ outdir: tempOutdir(), context: { ...cdkContext, 'aws:cdk:bundling-stacks': [], receiverAllowList } }), `ReceiverTest${outdirs.length}`, {
      projectRoot,
    });

  it('gives the receiverAllowList context to exactly the functions that register or deliver to receivers', () => {
    const contextStack = withContext(['10.1.0.0/16', ' hooks.internal ']);
    const contextResources = Template.fromStack(contextStack).toJSON().Resources as Record<string, Resource>;
    for (const [id, { access }] of Object.entries(functions) as [FunctionId, (typeof functions)[FunctionId]][]) {
      const fnId = contextStack.getLogicalId(contextStack.functions.byId[id].node.defaultChild as CfnResource);
      const variables = contextResources[fnId]!.Properties.Environment.Variables as Record<string, unknown>;
      expect(variables[env.receiverAllowList], id).toBe(access.receivers ? '10.1.0.0/16,hooks.internal' : undefined);
      // Plain http is never switched on in AWS.
      expect(variables[env.receiverAllowHttp], id).toBeUndefined();
    }
  });

  it('fails the synth on an entry it cannot read', () => {
    expect(() => withContext('10.0.0.0/33')).toThrow(/receiverAllowList/);
  });
});

describe('cdk-nag AwsSolutions', () => {
  const describeViolations = (severity: string): string[] =>
    nagReport.violations
      .filter((v) => v.severity === severity)
      .flatMap((v) => v.violatingResources.map((r) => `${v.ruleName} at ${r.constructPath}: ${v.description}`));

  it('has no unacknowledged error', () => {
    expect(describeViolations('error')).toEqual([]);
  });

  it('has no unacknowledged warning', () => {
    expect(describeViolations('warning')).toEqual([]);
    expect(nagReport.success).toBe(true);
  });

  it('leaves no CDK error annotation and no AwsSolutions annotation', () => {
    const annotations = Annotations.fromStack(stack);
    expect(annotations.findError('*', Match.anyValue())).toEqual([]);
    expect(annotations.findWarning('*', Match.anyValue())).toEqual([]);
    expect(annotations.findError('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
    expect(annotations.findWarning('*', Match.stringLikeRegexp('AwsSolutions-.*'))).toEqual([]);
  });
});

/** cfn-lint (pip install cfn-lint) when it is on PATH; CI machines have it, a laptop may not. */
const cfnLintVersion = (() => {
  const probe = spawnSync('cfn-lint', ['--version'], { encoding: 'utf8', timeout: 30_000 });
  return probe.status === 0 ? probe.stdout.trim() : undefined;
})();

describe('CloudFormation linting', () => {
  if (!cfnLintVersion) console.warn('cfn-lint is not on PATH: the template is not linted (pip install cfn-lint to run this check).');

  it.skipIf(!cfnLintVersion)(`cfn-lint finds no error in the synthesized template (${cfnLintVersion ?? 'skipped: cfn-lint not on PATH, pip install cfn-lint'})`, () => {
    const templateFile = app.synth().getStackByName(stack.stackName).templateFullPath;
    // --non-zero-exit-code error: warnings and informational findings are reported, only errors fail.
    const run = spawnSync('cfn-lint', ['--non-zero-exit-code', 'error', '--format', 'parseable', '--', templateFile], { encoding: 'utf8', timeout: 300_000 });
    expect(run.error).toBeUndefined();
    expect({ status: run.status, findings: run.stdout.split('\n').filter((line) => /:E\d+:/.test(line)) }).toEqual({ status: 0, findings: [] });
  }, 320_000);
});

