import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  TransactWriteItemsCommand,
  TransactionCanceledException,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, GetObjectCommand, HeadObjectCommand, PutObjectCommand, S3Client } from '@aws-sdk/client-s3';
import { getSignedUrl } from '@aws-sdk/s3-request-presigner';
import { GetQueueAttributesCommand, SQSClient } from '@aws-sdk/client-sqs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { queues, table } from '../../lib/topology.ts';
import { LOCAL_REGION } from '../../local/function-runtime.ts';
import { startDynamoDb, type Emulator } from '../../local/emulators/dynamodb.ts';
import { LOCAL_CREDENTIALS, LOCAL_S3_CLIENT_OPTIONS, startS3 } from '../../local/emulators/s3.ts';
import { startSqs } from '../../local/emulators/sqs.ts';
import { provision, type ProvisionedResources } from '../../local/provision.ts';

const clientConfig = (endpoint: string) => ({ endpoint, region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS });

describe('local emulators and provisioning', () => {
  let dataDir: string;
  let dynamo: Emulator | undefined;
  let sqs: Emulator | undefined;
  let s3: Emulator | undefined;
  let resources: ProvisionedResources;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'local-stack-test-'));
    [dynamo, sqs, s3] = await Promise.all([startDynamoDb({ dataDir }), startSqs(), startS3({ dataDir })]);
    resources = await provision({ endpoints: { dynamodb: dynamo.endpoint, sqs: sqs.endpoint, s3: s3.endpoint } });
  }, 45_000);

  afterAll(async () => {
    await Promise.all([dynamo?.stop(), sqs?.stop(), s3?.stop()]);
    if (dataDir) await rm(dataDir, { recursive: true, force: true });
  }, 20_000);

  it('binds the endpoints to 127.0.0.1', () => {
    for (const emulator of [dynamo, sqs, s3]) expect(emulator?.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('creates the table with its GSIs and TTL enabled', async () => {
    const client = new DynamoDBClient(clientConfig(dynamo!.endpoint));
    try {
      const { Table } = await client.send(new DescribeTableCommand({ TableName: resources.tableName }));
      expect(Table?.KeySchema).toEqual([
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ]);
      expect(Table?.BillingModeSummary?.BillingMode).toBe('PAY_PER_REQUEST');
      const indexes = (Table?.GlobalSecondaryIndexes ?? []).map((index) => ({
        name: index.IndexName,
        keys: index.KeySchema?.map((key) => key.AttributeName),
        projection: index.Projection?.ProjectionType,
      }));
      expect(indexes.sort((a, b) => a.name!.localeCompare(b.name!))).toEqual(
        table.globalSecondaryIndexes
          .map((index) => ({ name: index.indexName, keys: [index.partitionKey, index.sortKey], projection: 'ALL' }))
          .sort((a, b) => a.name.localeCompare(b.name)),
      );
      const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: resources.tableName }));
      expect(ttl.TimeToLiveDescription).toEqual({ TimeToLiveStatus: 'ENABLED', AttributeName: table.timeToLiveAttribute });
    } finally {
      client.destroy();
    }
  });

  it('runs TransactWriteItems, including a cancelled one, and queries a GSI', async () => {
    const client = new DynamoDBClient(clientConfig(dynamo!.endpoint));
    try {
      await client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: resources.tableName,
                Item: { pk: { S: 'T#t1' }, sk: { S: 'OP#1' }, gsi2pk: { S: 'T#t1#RUNNING' }, gsi2sk: { S: '2026-01-01' }, status: { S: 'RUNNING' } },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
            { Put: { TableName: resources.tableName, Item: { pk: { S: 'T#t1' }, sk: { S: 'JOB#1' }, status: { S: 'PENDING' } } } },
          ],
        }),
      );
      const again = client.send(
        new TransactWriteItemsCommand({
          TransactItems: [
            {
              Put: {
                TableName: resources.tableName,
                Item: { pk: { S: 'T#t1' }, sk: { S: 'OP#1' } },
                ConditionExpression: 'attribute_not_exists(pk)',
              },
            },
          ],
        }),
      );
      await expect(again).rejects.toBeInstanceOf(TransactionCanceledException);
      const byStatus = await client.send(
        new QueryCommand({
          TableName: resources.tableName,
          IndexName: 'byStatus',
          KeyConditionExpression: 'gsi2pk = :pk',
          ExpressionAttributeValues: { ':pk': { S: 'T#t1#RUNNING' } },
        }),
      );
      expect(byStatus.Items?.map((item) => item.sk?.S)).toEqual(['OP#1']);
    } finally {
      client.destroy();
    }
  });

  it('creates each queue with its DLQ, visibility timeout and redrive policy', async () => {
    const client = new SQSClient(clientConfig(sqs!.endpoint));
    try {
      const { Attributes } = await client.send(
        new GetQueueAttributesCommand({ QueueUrl: resources.queueUrls.Cancellation, AttributeNames: ['All'] }),
      );
      expect(Attributes?.VisibilityTimeout).toBe(String(queues.Cancellation.visibilityTimeoutSeconds));
      expect(JSON.parse(Attributes!.RedrivePolicy!)).toEqual({
        deadLetterTargetArn: resources.dlqArns.Cancellation,
        maxReceiveCount: queues.Cancellation.maxReceiveCount,
      });
      expect(resources.queueArns.Cancellation).toBe('arn:aws:sqs:us-east-1:000000000000:Cancellation');
      expect(resources.dlqArns.Cancellation).toBe('arn:aws:sqs:us-east-1:000000000000:Cancellation-dlq');
    } finally {
      client.destroy();
    }
  });

  it('provisions idempotently', async () => {
    const again = await provision({ endpoints: { dynamodb: dynamo!.endpoint, sqs: sqs!.endpoint, s3: s3!.endpoint } });
    expect(again).toEqual(resources);
  });

  it('accepts a 50 MB presigned PUT and reports its size', async () => {
    const client = new S3Client({ ...clientConfig(s3!.endpoint), ...LOCAL_S3_CLIENT_OPTIONS });
    try {
      const key = 'uploads/t1/p1/big.csv';
      const url = await getSignedUrl(client, new PutObjectCommand({ Bucket: resources.bucketName, Key: key, ContentType: 'text/csv' }), {
        expiresIn: 300,
      });
      const body = Buffer.alloc(50 * 1024 * 1024, 'a');
      const response = await fetch(url, { method: 'PUT', body, headers: { 'content-type': 'text/csv' } });
      expect(response.status).toBe(200);
      const head = await client.send(new HeadObjectCommand({ Bucket: resources.bucketName, Key: key }));
      expect(head.ContentLength).toBe(50 * 1024 * 1024);
      expect(head.ContentType).toBe('text/csv');
    } finally {
      client.destroy();
    }
  }, 30_000);

  it('stores streamed uploads as their content (no aws-chunked framing)', async () => {
    const client = new S3Client({ ...clientConfig(s3!.endpoint), ...LOCAL_S3_CLIENT_OPTIONS });
    try {
      const { Readable } = await import('node:stream');
      await client.send(
        new PutObjectCommand({ Bucket: resources.bucketName, Key: 'streamed.txt', Body: Readable.from([Buffer.from('abc'), Buffer.from('def')]), ContentLength: 6 }),
      );
      const object = await client.send(new GetObjectCommand({ Bucket: resources.bucketName, Key: 'streamed.txt' }));
      expect(await object.Body?.transformToString()).toBe('abcdef');
    } finally {
      client.destroy();
    }
  });

  it('rejects credentials other than LOCAL_CREDENTIALS on S3', async () => {
    const client = new S3Client({
      endpoint: s3!.endpoint,
      region: LOCAL_REGION,
      credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
      ...LOCAL_S3_CLIENT_OPTIONS,
    });
    try {
      await expect(client.send(new CreateBucketCommand({ Bucket: 'other-bucket' }))).rejects.toMatchObject({ name: 'InvalidAccessKeyId' });
    } finally {
      client.destroy();
    }
  });

  it('keeps DynamoDB and S3 data across a restart with the same data directory', async () => {
    await Promise.all([dynamo!.stop(), s3!.stop()]);
    [dynamo, s3] = await Promise.all([startDynamoDb({ dataDir }), startS3({ dataDir })]);
    const again = await provision({ endpoints: { dynamodb: dynamo.endpoint, sqs: sqs!.endpoint, s3: s3.endpoint } });
    expect(again.tableName).toBe(resources.tableName);

    const dynamoClient = new DynamoDBClient(clientConfig(dynamo.endpoint));
    const s3Client = new S3Client({ ...clientConfig(s3.endpoint), ...LOCAL_S3_CLIENT_OPTIONS });
    try {
      const item = await dynamoClient.send(new GetItemCommand({ TableName: resources.tableName, Key: { pk: { S: 'T#t1' }, sk: { S: 'JOB#1' } } }));
      expect(item.Item?.status?.S).toBe('PENDING');
      const head = await s3Client.send(new HeadObjectCommand({ Bucket: resources.bucketName, Key: 'uploads/t1/p1/big.csv' }));
      expect(head.ContentLength).toBe(50 * 1024 * 1024);
    } finally {
      dynamoClient.destroy();
      s3Client.destroy();
    }
  }, 45_000);
});
