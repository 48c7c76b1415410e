import { fileURLToPath } from 'node:url';
import { CfnOutput, Stack, type StackProps } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { Construct } from 'constructs';
import { wireAccess } from './constructs/access.ts';
import { Api } from './constructs/api.ts';
import { JwtIssuer } from './constructs/auth.ts';
import { DataStore } from './constructs/data.ts';
import { Functions } from './constructs/functions.ts';
import { Queues } from './constructs/queues.ts';
import { defaultMaxActiveOperationsPerProject, defaultMaxTokenLifetimeSeconds, env } from './topology.ts';
import { StateMachines } from './constructs/state-machines.ts';
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
 * - `logRetentionDays` (default 30): retention of every log group;
 * - `maxActiveOperationsPerProject` (default 10): operations of a project that may run at once;
 * - `maxTokenLifetimeSeconds` (default 86400): bearer tokens that live longer (exp - iat) are refused;
 * - `receiverAllowList` (default none): host names, IPs and CIDR networks that webhooks, subscriptions and callbacks may
 *   reach although they are private (comma-separated, or a JSON list); everything else must be public unicast;
 * - `jwtIssuer`, `jwtAudience`, `jwtJwksUrl`: external OIDC issuer; without them a Cognito user pool is created;
 * - `pricingRegion` (default us-east-1): whose published prices cost estimates use (a region functions/domain/pricing.ts has).
 */
export class ProcessMiningStack extends Stack {
  readonly functions: Functions;
  readonly stateMachines: StateMachines;
  readonly queues: Queues;
  readonly data: DataStore;
  readonly api: Api;
  readonly jwt: JwtIssuer;

  constructor(scope: Construct, id: string, props: ProcessMiningStackProps = {}) {
    super(scope, id, props);
    const projectRoot = props.projectRoot ?? PROJECT_ROOT;
    const logRetention = logRetentionFromContext(this);

    this.data = new DataStore(this, 'Data');
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
      environment: { [env.maxActiveOperationsPerProject]: String(maxActive), [env.pricingRegion]: pricingRegion },
      withCognitoPool: this.jwt.userPool !== undefined,
    });
    this.jwt.addTokenClaimsTrigger(this.functions.byId.PreTokenGeneration);
    this.stateMachines = new StateMachines(this, 'StateMachines', {
      projectRoot,
      logRetention,
      functions: this.functions.byId,
    });
    this.queues = new Queues(this, 'Queues', this.functions.byId);

    wireAccess(this.functions.byId, {
      table: this.data.table,
      bucket: this.data.bucket,
      queues: this.queues.queues(),
      jwt: { ...this.jwt.settings, maxTokenLifetimeSeconds: maxTokenLifetime },
      receiverAllowList: receiverAllowListFromContext(this),
    });

    this.api = new Api(this, 'Api', {
      functions: this.functions.byId,
      authorizerFunction: 'Authorizer',
      logRetention,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.restApi.url, description: 'Base URL of the REST API stage' });
    new CfnOutput(this, 'JwtIssuer', { value: this.jwt.settings.issuer });
    new CfnOutput(this, 'JwtAudience', { value: this.jwt.settings.audience });
    if (this.jwt.userPool) new CfnOutput(this, 'UserPoolId', { value: this.jwt.userPool.userPoolId });
    new CfnOutput(this, 'TableName', { value: this.data.table.tableName });
    new CfnOutput(this, 'DataBucketName', { value: this.data.bucket.bucketName });
  }
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
