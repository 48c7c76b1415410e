import { fileURLToPath } from 'node:url';
import { Aws, CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import type { CfnStage } from 'aws-cdk-lib/aws-apigateway';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { wireAccess } from './constructs/access.ts';
import { Api } from './constructs/api.ts';
import { DashboardHosting } from './constructs/dashboard.ts';
import { JwtIssuer } from './constructs/auth.ts';
import { DataStore } from './constructs/data.ts';
import { Functions } from './constructs/functions.ts';
import { Monitoring } from './constructs/monitoring.ts';
import { Queues } from './constructs/queues.ts';
import { SelfHealing } from './constructs/self-healing.ts';
import { defaultMaxActiveOperationsPerProject, defaultMaxTokenLifetimeSeconds, defaultResourceSampleIntervalMs, env, executionStatusChanges } from './topology.ts';
import { StateMachines } from './constructs/state-machines.ts';
import { Streams } from './constructs/websocket-api.ts';
import { receiverPolicy } from '../functions/domain/receiver-guard.ts';
import { defaultPricingRegion, pricingRegions } from '../functions/domain/pricing.ts';

/** The project root: topology entries and ASL files are relative to it. */
export const PROJECT_ROOT = fileURLToPath(new URL('..', import.meta.url));

export interface ProcessMiningStackProps extends StackProps {
  /** @default PROJECT_ROOT */
  readonly projectRoot?: string;
}

/**
 * Everything is derived from lib/topology.ts. CDK context:
 * - `logRetentionDays` (default 30): retention of every log group, and of job log items (LOG_RETENTION_DAYS);
 * - `apiBaseUrl` (default the stage URL): the API's public URL behind a custom domain, for payloads' absolute `trackingUrl`;
 * - `corsAllowedOrigins` (default *): origins whose pages may use the presigned upload and download URLs;
 * - `resourceSampleIntervalMs` (default 5000): how often a running phase samples its resources (RESOURCE_SAMPLE_INTERVAL_MS);
 * - `maxActiveOperationsPerProject` (default 10): operations of a project that may run at once;
 * - `maxTokenLifetimeSeconds` (default 86400): bearer tokens that live longer (exp - iat) are refused;
 * - `receiverAllowList` (default none): host names, IPs and CIDR networks that webhooks, subscriptions and callbacks may
 *   reach although they are private (comma-separated, or a JSON list); everything else must be public unicast;
 * - `jwtIssuer`, `jwtAudience`, `jwtJwksUrl`: external OIDC issuer; without them a Cognito user pool is created;
 * - `alarmEmail` (default none): an address subscribed to the alarm topic (it must confirm the subscription);
 * - `pricingRegion` (default us-east-1): whose published prices cost estimates use (a region functions/domain/pricing.ts has);
 * - `notificationSender` (default none): the SES-verified address `notifications.email` is sent from; without it the
 *   API refuses `notifications.email` (400).
 */
export class ProcessMiningStack extends Stack {
  readonly functions: Functions;
  readonly stateMachines: StateMachines;
  readonly queues: Queues;
  readonly data: DataStore;
  readonly api: Api;
  readonly jwt: JwtIssuer;
  readonly monitoring: Monitoring;
  readonly selfHealing: SelfHealing;
  readonly streams: Streams;

  constructor(scope: Construct, id: string, props: ProcessMiningStackProps = {}) {
    super(scope, id, props);
    const projectRoot = props.projectRoot ?? PROJECT_ROOT;
    const logRetention = logRetentionFromContext(this);
    const alarmEmail = alarmEmailFromContext(this);

    this.data = new DataStore(this, 'Data', { corsAllowedOrigins: corsAllowedOriginsFromContext(this) });
    this.jwt = new JwtIssuer(this, 'Auth');
    const maxActive = Number(this.node.tryGetContext('maxActiveOperationsPerProject') ?? defaultMaxActiveOperationsPerProject);
    if (!Number.isInteger(maxActive) || maxActive < 1) throw new Error(`CDK context maxActiveOperationsPerProject must be a positive integer`);
    const maxTokenLifetime = Number(this.node.tryGetContext('maxTokenLifetimeSeconds') ?? defaultMaxTokenLifetimeSeconds);
    if (!Number.isSafeInteger(maxTokenLifetime) || maxTokenLifetime < 1) throw new Error(`CDK context maxTokenLifetimeSeconds must be a positive integer`);
    const pricingRegion = String(this.node.tryGetContext('pricingRegion') ?? defaultPricingRegion);
    if (!(pricingRegions as string[]).includes(pricingRegion)) throw new Error(`CDK context pricingRegion must be one of ${pricingRegions.join(', ')}`);
    this.functions = new Functions(this, 'Functions', {
      projectRoot,
      logRetention,
      // Settings every function gets (a function that reads one must not fall back to a default the operator did not choose).
      environment: {
        [env.maxActiveOperationsPerProject]: String(maxActive),
        [env.pricingRegion]: pricingRegion,
        [env.logRetentionDays]: String(logRetention),
        [env.resourceSampleIntervalMs]: String(resourceSampleIntervalFromContext(this)),
      },
      withCognitoPool: this.jwt.userPool !== undefined,
    });
    this.jwt.addTokenClaimsTrigger(this.functions.byId.PreTokenGeneration);
    this.stateMachines = new StateMachines(this, 'StateMachines', {
      projectRoot,
      logRetention,
      functions: this.functions.byId,
    });
    this.queues = new Queues(this, 'Queues', this.functions.byId);
    this.selfHealing = new SelfHealing(this, 'SelfHealing', {
      reconciler: this.functions.byId[executionStatusChanges.target],
      stateMachines: this.stateMachines.byId,
    });

    wireAccess(this.functions.byId, {
      table: this.data.table,
      bucket: this.data.bucket,
      queues: this.queues.queues(),
      jwt: { ...this.jwt.settings, maxTokenLifetimeSeconds: maxTokenLifetime },
      receiverAllowList: receiverAllowListFromContext(this),
      ...notificationSenderFromContext(this),
    });

    this.api = new Api(this, 'Api', {
      functions: this.functions.byId,
      authorizerFunction: 'Authorizer',
      logRetention,
    });
    // Built from the API's id and stage name, not its stage resource: the stage's deployment depends on the functions.
    const stageName = (this.api.restApi.deploymentStage.node.defaultChild as CfnStage).stageName;
    const apiBaseUrl = apiBaseUrlFromContext(this) ?? `https://${this.api.restApi.restApiId}.execute-api.${Aws.REGION}.${Aws.URL_SUFFIX}/${stageName}`;
    for (const fn of Object.values(this.functions.byId)) fn.addEnvironment(env.apiBaseUrl, apiBaseUrl);

    this.streams = new Streams(this, 'Streams', { functions: this.functions.byId, logRetention });

    this.monitoring = new Monitoring(this, 'Monitoring', {
      functions: this.functions.byId,
      deadLetterQueues: {
        ...Object.fromEntries(Object.entries(this.queues.byId).map(([queueId, pair]) => [queueId, pair.deadLetterQueue])),
        ReconcileExecution: this.selfHealing.deadLetterQueue,
      },
      stateMachines: this.stateMachines.byId,
      restApi: this.api.restApi,
      table: this.data.table,
      alarmEmail,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.restApi.url, description: 'Base URL of the REST API stage' });
    new CfnOutput(this, 'AlarmTopicArn', { value: this.monitoring.topic.topicArn, description: 'Where the alarms go (subscribe more receivers here)' });
    const dashboard = new DashboardHosting(this, 'Dashboard', { api: this.api.restApi, jwt: this.jwt, dashboard: this.functions.byId.Dashboard });
    new CfnOutput(this, 'DashboardUrl', { value: dashboard.url, description: 'The web dashboard (the API stage root)' });
    if (dashboard.signInUrl) new CfnOutput(this, 'DashboardSignInUrl', { value: dashboard.signInUrl, description: "Cognito's hosted UI, where the dashboard signs in" });
    new CfnOutput(this, 'WebSocketUrl', { value: this.streams.stage.url, description: 'Where WebSocket subscriptions connect' });
    new CfnOutput(this, 'JwtIssuer', { value: this.jwt.settings.issuer });
    new CfnOutput(this, 'JwtAudience', { value: this.jwt.settings.audience });
    if (this.jwt.userPool) new CfnOutput(this, 'UserPoolId', { value: this.jwt.userPool.userPoolId });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'DataBucketName', { value: this.data.bucket.bucketName });
  }
}

/**
 * Origins allowed by CORS (CDK context `corsAllowedOrigins`: comma-separated or a JSON list; default `*`). Each is
 * `*` or a scheme and host with an optional port and no path, checked at synth rather than by browsers failing later.
 */
function corsAllowedOriginsFromContext(scope: Construct): string[] {
  const value: unknown = scope.node.tryGetContext('corsAllowedOrigins') ?? '*';
  const origins = (Array.isArray(value) ? value.map(String) : String(value).split(',')).map((origin) => origin.trim()).filter(Boolean);
  for (const origin of origins) {
    if (origin !== '*' && !/^https?:\/\/[a-z0-9.-]+(:\d{1,5})?$/i.test(origin)) {
      throw new Error(`CDK context corsAllowedOrigins: ${origin} is not an origin (scheme://host[:port], or *)`);
    }
  }
  if (origins.length === 0) throw new Error('CDK context corsAllowedOrigins is empty: give at least one origin, or * for any');
  return origins;
}

/** The API's public base URL behind a custom domain (CDK context `apiBaseUrl`, e.g. https://api.example.com/v1). */
function apiBaseUrlFromContext(scope: Construct): string | undefined {
  const value = String(scope.node.tryGetContext('apiBaseUrl') ?? '').trim();
  if (!value) return undefined;
  if (!/^https:\/\/[a-z0-9.-]+(:\d{1,5})?(\/[^\s?#]*)?$/i.test(value)) throw new Error(`CDK context apiBaseUrl must be an https URL without query or fragment, not ${value}`);
  return value.replace(/\/+$/, '');
}

/** Milliseconds between a running phase's resource samples (CDK context `resourceSampleIntervalMs`). */
function resourceSampleIntervalFromContext(scope: Construct): number {
  const raw: unknown = scope.node.tryGetContext('resourceSampleIntervalMs');
  const value = raw === undefined || raw === '' ? defaultResourceSampleIntervalMs : Number(raw);
  if (!Number.isInteger(value) || value < 250 || value > 60_000) throw new Error(`CDK context resourceSampleIntervalMs must be an integer from 250 to 60000, not ${String(raw)}`);
  return value;
}

function logRetentionFromContext(scope: Construct): logs.RetentionDays {
  const raw: unknown = scope.node.tryGetContext('logRetentionDays');
  const days = raw === undefined || raw === '' ? 30 : Number(raw);
  const allowed = Object.values(logs.RetentionDays).filter((v): v is number => typeof v === 'number');
  if (!allowed.includes(days)) {
    throw new Error(`CDK context logRetentionDays=${String(raw)} is not a CloudWatch Logs retention (${allowed.join(', ')})`);
  }
  return days as logs.RetentionDays;
}

/** The allow-list as the functions read it; a malformed entry fails the synth rather than every registration. */
function receiverAllowListFromContext(scope: Construct): string {
  const value: unknown = scope.node.tryGetContext('receiverAllowList') ?? '';
  const entries = Array.isArray(value) ? value.map(String) : String(value).split(',');
  const list = entries.map((entry) => entry.trim()).filter(Boolean).join(',');
  try {
    receiverPolicy(list, undefined);
  } catch (error) {
    throw new Error(`CDK context receiverAllowList: ${(error as Error).message}`);
  }
  return list;
}

/** A plain address (no display name), checked at synth rather than at the first e-mail. */
function notificationSenderFromContext(scope: Construct): { notificationSender?: string } {
  const value = String(scope.node.tryGetContext('notificationSender') ?? '').trim();
  if (!value) return {};
  if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(value)) throw new Error(`CDK context notificationSender must be an e-mail address, not ${value}`);
  return { notificationSender: value };
}

/** The alarm topic's e-mail subscriber, checked at synth rather than when SNS refuses it. */
function alarmEmailFromContext(scope: Construct): string | undefined {
  const value = String(scope.node.tryGetContext('alarmEmail') ?? '').trim();
  if (!value) return undefined;
  if (!/^[^\s@<>]+@[^\s@<>]+\.[^\s@<>]+$/.test(value)) throw new Error(`CDK context alarmEmail must be an e-mail address, not ${value}`);
  return value;
}
