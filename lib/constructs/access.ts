import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { cursorKeyItem } from '../../functions/adapters/dynamo-cursor-key.ts';
import { env, functions as functionTopology, type FunctionId, type QueueId } from '../topology.ts';
import type { JwtSettings } from './auth.ts';
import { acknowledge, wildcardResource } from './nag.ts';
import { stateMachineArn, stateMachineName } from './state-machines.ts';

export interface AccessTargets {
  readonly table: dynamodb.ITable;
  readonly bucket: s3.IBucket;
  readonly queues: Record<QueueId, sqs.IQueue>;
  /** The token verifier's settings, and the longest lifetime (s) it admits (CDK context `maxTokenLifetimeSeconds`). */
  readonly jwt: JwtSettings & { readonly maxTokenLifetimeSeconds: number };
  /** The operator's receiver allow-list (CDK context `receiverAllowList`); empty admits public addresses only. */
  readonly receiverAllowList: string;
  /** The address e-mail notifications are sent from (CDK context `notificationSender`); absent, e-mail is refused. */
  readonly notificationSender?: string;
}

/** Reads by key and by index (transactions and batches need the item actions they contain); never Scan. */
export const tableReadActions = ['dynamodb:GetItem', 'dynamodb:BatchGetItem', 'dynamodb:Query', 'dynamodb:ConditionCheckItem', 'dynamodb:DescribeTable'] as const;
export const tableWriteActions = ['dynamodb:PutItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:BatchWriteItem'] as const;

/**
 * Turns each function's topology `access` into environment variables and least-privilege grants,
 * and acknowledges (cdk-nag IAM5) exactly the wildcard resources/actions those grants produce.
 */
export function wireAccess(fns: Record<FunctionId, lambda.Function>, targets: AccessTargets): void {
  for (const [fnId, def] of Object.entries(functionTopology) as [FunctionId, (typeof functionTopology)[FunctionId]][]) {
    const fn = fns[fnId];
    // A Cognito trigger is absent when an external issuer is configured.
    if (!fn) continue;
    const { access } = def;
    const wildcards: string[] = [];
    const reasons: string[] = [];

    if (access.table) {
      fn.addEnvironment(env.tableName, targets.table.tableName);
      // Named actions rather than CDK's grantRead/WriteData: those include dynamodb:Scan, which no function needs.
      targets.table.grant(fn, ...(access.table === 'read' ? tableReadActions : [...tableReadActions, ...tableWriteActions]));
      if (access.table === 'read') {
        // Any list may be the first to need the paging cursors' key, created on first use: a read-only function may put
        // that one item, in the CONFIG partition, and write nothing else.
        fn.addToRolePolicy(
          new iam.PolicyStatement({
            actions: ['dynamodb:PutItem'],
            resources: [targets.table.tableArn],
            conditions: { 'ForAllValues:StringEquals': { 'dynamodb:LeadingKeys': [cursorKeyItem.pk] } },
          }),
        );
      }
      wildcards.push(wildcardResource(fn, `${targets.table.tableArn}/index/*`));
      reasons.push('`<table>/index/*` lets the function query the table\'s GSIs (only this table)');
    }

    if (access.bucket) {
      const bucket = targets.bucket;
      fn.addEnvironment(env.bucketName, bucket.bucketName);
      const objects = wildcardResource(fn, bucket.arnForObjects('*'));
      switch (access.bucket) {
        case 'read':
          bucket.grantRead(fn);
          wildcards.push(objects, 'Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*');
          break;
        case 'readWrite':
          bucket.grantReadWrite(fn);
          wildcards.push(objects, 'Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:DeleteObject*', 'Action::s3:Abort*');
          break;
        case 'presignPut':
          // Presigned PUT URLs are signed with this role, so it needs PutObject; HeadObject on the upload needs read.
          bucket.grantPut(fn);
          bucket.grantRead(fn);
          wildcards.push(objects, 'Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:List*', 'Action::s3:Abort*');
          break;
      }
      reasons.push('dataset/result object keys are created at run time, so the grant covers the objects of the one data bucket (CDK grant action groups)');
    }

    for (const machineId of access.startExecution ?? []) {
      const arn = stateMachineArn(fn, machineId);
      fn.addEnvironment(env.stateMachineArn(machineId), arn);
      fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['states:StartExecution'], resources: [arn] }));
    }

    for (const machineId of access.stopExecution ?? []) {
      fn.addEnvironment(env.stateMachineArn(machineId), stateMachineArn(fn, machineId));
      const executions = Stack.of(fn).formatArn({
        service: 'states',
        resource: 'execution',
        resourceName: `${stateMachineName(fn, machineId)}:*`,
        arnFormat: ArnFormat.COLON_RESOURCE_NAME,
      });
      fn.addToRolePolicy(
        new iam.PolicyStatement({ actions: ['states:StopExecution', 'states:DescribeExecution'], resources: [executions] }),
      );
      wildcards.push(wildcardResource(fn, executions));
    }
    if (access.stopExecution?.length) reasons.push('execution ARNs are only known at run time; `execution:<machine>:*` is limited to that state machine\'s executions');

    for (const queueId of access.sendTo ?? []) {
      const queue = targets.queues[queueId];
      fn.addEnvironment(env.queueUrl(queueId), queue.queueUrl);
      queue.grantSendMessages(fn);
    }

    if (access.jwt) {
      fn.addEnvironment(env.jwksUrl, targets.jwt.jwksUrl);
      fn.addEnvironment(env.jwtIssuer, targets.jwt.issuer);
      fn.addEnvironment(env.jwtAudience, targets.jwt.audience);
      fn.addEnvironment(env.maxTokenLifetimeSeconds, String(targets.jwt.maxTokenLifetimeSeconds));
    }

    if (access.receivers && targets.receiverAllowList) fn.addEnvironment(env.receiverAllowList, targets.receiverAllowList);

    if (access.notifications && targets.notificationSender) {
      fn.addEnvironment(env.notificationSender, targets.notificationSender);
      // SES authorizes SendEmail on the verified identity: the address itself, or its domain when the domain is verified.
      if (access.notifications === 'send') fn.addToRolePolicy(new iam.PolicyStatement({ actions: ['ses:SendEmail'], resources: sesIdentityArns(fn, targets.notificationSender) }));
    }

    if (wildcards.length > 0) acknowledge(fn, 'IAM5', `Derived from topology access of ${fnId}: ${reasons.join('; ')}.`, wildcards);
  }
}

/** The SES identities a sender address may be verified as: the address, and its domain. */
function sesIdentityArns(fn: lambda.Function, sender: string): string[] {
  const domain = sender.slice(sender.lastIndexOf('@') + 1);
  return [sender, domain].map((identity) => Stack.of(fn).formatArn({ service: 'ses', resource: 'identity', resourceName: identity }));
}
