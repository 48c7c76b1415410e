import { ArnFormat, Stack } from 'aws-cdk-lib';
import type * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as s3 from 'aws-cdk-lib/aws-s3';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
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
}

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
      if (access.table === 'read') targets.table.grantReadData(fn);
      else targets.table.grantReadWriteData(fn);
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

    if (wildcards.length > 0) acknowledge(fn, 'IAM5', `Derived from topology access of ${fnId}: ${reasons.join('; ')}.`, wildcards);
  }
}
