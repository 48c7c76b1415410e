import {
  CreateTableCommand,
  DescribeTableCommand,
  DescribeTimeToLiveCommand,
  DynamoDBClient,
  ResourceInUseException,
  ResourceNotFoundException,
  UpdateTableCommand,
  UpdateTimeToLiveCommand,
  type AttributeDefinition,
  type TableDescription,
} from '@aws-sdk/client-dynamodb';
import { CreateBucketCommand, HeadBucketCommand, PutBucketCorsCommand, S3Client } from '@aws-sdk/client-s3';
import {
  CreateQueueCommand,
  GetQueueAttributesCommand,
  GetQueueUrlCommand,
  QueueNameExists,
  SetQueueAttributesCommand,
  SQSClient,
} from '@aws-sdk/client-sqs';
import { queues, table, type QueueDefinition, type QueueId } from '../lib/topology.ts';
import { LOCAL_REGION } from './function-runtime.ts';
import { LOCAL_CREDENTIALS, LOCAL_S3_CLIENT_OPTIONS } from './emulators/s3.ts';

export interface LocalNames {
  table: string;
  bucket: string;
  /** Put in front of every queue name (`<prefix><QueueId>`, `<prefix><QueueId>-dlq`). */
  queuePrefix: string;
}

export const DEFAULT_LOCAL_NAMES: LocalNames = {
  table: 'process-mining-jobs',
  bucket: 'process-mining-data',
  queuePrefix: '',
};

/** Per-queue changes to topology values, e.g. a short visibility timeout in tests. */
export type QueueOverrides = Partial<Record<QueueId, Partial<QueueDefinition>>>;

export interface ProvisionOptions {
  endpoints: { dynamodb: string; sqs: string; s3: string };
  names?: Partial<LocalNames>;
  queueOverrides?: QueueOverrides;
}

export interface ProvisionedResources {
  tableName: string;
  bucketName: string;
  queueUrls: Record<QueueId, string>;
  queueArns: Record<QueueId, string>;
  dlqUrls: Record<QueueId, string>;
  dlqArns: Record<QueueId, string>;
}

/** Topology values for a queue with test overrides applied. */
export function queueSettings(id: QueueId, overrides?: QueueOverrides): QueueDefinition {
  return { ...queues[id], ...overrides?.[id] };
}

export const queueIds = (): QueueId[] => Object.keys(queues) as QueueId[];

/**
 * Creates what the local stack needs, from lib/topology.ts, and leaves what already exists:
 * the table (with its GSIs and TTL), each queue with its dead-letter queue, and the bucket.
 * Safe to run on every start (the SQS emulator is in memory, DynamoDB and S3 persist).
 */
export async function provision(options: ProvisionOptions): Promise<ProvisionedResources> {
  const names = { ...DEFAULT_LOCAL_NAMES, ...options.names };
  const common = { region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS };
  const dynamodb = new DynamoDBClient({ ...common, endpoint: options.endpoints.dynamodb });
  const sqs = new SQSClient({ ...common, endpoint: options.endpoints.sqs });
  const s3 = new S3Client({ ...common, ...LOCAL_S3_CLIENT_OPTIONS, endpoint: options.endpoints.s3 });
  try {
    const [, queuesCreated] = await Promise.all([
      ensureTable(dynamodb, names.table),
      ensureQueues(sqs, names.queuePrefix, options.queueOverrides),
      ensureBucket(s3, names.bucket),
    ]);
    return { tableName: names.table, bucketName: names.bucket, ...queuesCreated };
  } finally {
    dynamodb.destroy();
    sqs.destroy();
    s3.destroy();
  }
}

/** Only the queues (and their DLQs), for a stack or test that needs SQS alone. */
export async function provisionQueues(
  sqsEndpoint: string,
  options: { queuePrefix?: string; queueOverrides?: QueueOverrides } = {},
): Promise<Pick<ProvisionedResources, 'queueUrls' | 'queueArns' | 'dlqUrls' | 'dlqArns'>> {
  const sqs = new SQSClient({ region: LOCAL_REGION, credentials: LOCAL_CREDENTIALS, endpoint: sqsEndpoint });
  try {
    return await ensureQueues(sqs, options.queuePrefix ?? DEFAULT_LOCAL_NAMES.queuePrefix, options.queueOverrides);
  } finally {
    sqs.destroy();
  }
}

async function ensureTable(client: DynamoDBClient, tableName: string): Promise<void> {
  let description = await describeTable(client, tableName);
  if (!description) {
    const keyNames = new Set<string>([table.partitionKey, table.sortKey]);
    for (const index of table.globalSecondaryIndexes) {
      keyNames.add(index.partitionKey);
      keyNames.add(index.sortKey);
    }
    try {
      await client.send(
        new CreateTableCommand({
          TableName: tableName,
          BillingMode: 'PAY_PER_REQUEST',
          AttributeDefinitions: [...keyNames].map((name): AttributeDefinition => ({ AttributeName: name, AttributeType: 'S' })),
          KeySchema: [
            { AttributeName: table.partitionKey, KeyType: 'HASH' },
            { AttributeName: table.sortKey, KeyType: 'RANGE' },
          ],
          GlobalSecondaryIndexes: table.globalSecondaryIndexes.map((index) => ({
            IndexName: index.indexName,
            KeySchema: [
              { AttributeName: index.partitionKey, KeyType: 'HASH' },
              { AttributeName: index.sortKey, KeyType: 'RANGE' },
            ],
            Projection: { ProjectionType: 'ALL' },
          })),
        }),
      );
    } catch (error) {
      if (!(error instanceof ResourceInUseException)) throw error;
    }
    description = await waitForActive(client, tableName);
  } else {
    // A table from an older topology: add indexes that are missing (one per UpdateTable, as in AWS).
    const existing = new Set((description.GlobalSecondaryIndexes ?? []).map((index) => index.IndexName));
    for (const index of table.globalSecondaryIndexes) {
      if (existing.has(index.indexName)) continue;
      await client.send(
        new UpdateTableCommand({
          TableName: tableName,
          AttributeDefinitions: [
            { AttributeName: index.partitionKey, AttributeType: 'S' },
            { AttributeName: index.sortKey, AttributeType: 'S' },
          ],
          GlobalSecondaryIndexUpdates: [
            {
              Create: {
                IndexName: index.indexName,
                KeySchema: [
                  { AttributeName: index.partitionKey, KeyType: 'HASH' },
                  { AttributeName: index.sortKey, KeyType: 'RANGE' },
                ],
                Projection: { ProjectionType: 'ALL' },
              },
            },
          ],
        }),
      );
      await waitForActive(client, tableName);
    }
  }

  const ttl = await client.send(new DescribeTimeToLiveCommand({ TableName: tableName }));
  const status = ttl.TimeToLiveDescription?.TimeToLiveStatus;
  const attribute = ttl.TimeToLiveDescription?.AttributeName;
  if ((status === 'ENABLED' || status === 'ENABLING') && attribute === table.timeToLiveAttribute) return;
  await client.send(
    new UpdateTimeToLiveCommand({
      TableName: tableName,
      TimeToLiveSpecification: { AttributeName: table.timeToLiveAttribute, Enabled: true },
    }),
  );
}

async function describeTable(client: DynamoDBClient, tableName: string): Promise<TableDescription | undefined> {
  try {
    return (await client.send(new DescribeTableCommand({ TableName: tableName }))).Table;
  } catch (error) {
    if (error instanceof ResourceNotFoundException) return undefined;
    throw error;
  }
}

async function waitForActive(client: DynamoDBClient, tableName: string): Promise<TableDescription> {
  const deadline = Date.now() + 30_000;
  for (;;) {
    const description = await describeTable(client, tableName);
    const indexesActive = (description?.GlobalSecondaryIndexes ?? []).every((index) => index.IndexStatus === 'ACTIVE');
    if (description?.TableStatus === 'ACTIVE' && indexesActive) return description;
    if (Date.now() > deadline) throw new Error(`Table ${tableName} did not become ACTIVE within 30 s`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

async function ensureQueues(
  client: SQSClient,
  prefix: string,
  overrides: QueueOverrides | undefined,
): Promise<Pick<ProvisionedResources, 'queueUrls' | 'queueArns' | 'dlqUrls' | 'dlqArns'>> {
  const queueUrls = {} as Record<QueueId, string>;
  const queueArns = {} as Record<QueueId, string>;
  const dlqUrls = {} as Record<QueueId, string>;
  const dlqArns = {} as Record<QueueId, string>;
  for (const id of queueIds()) {
    const settings = queueSettings(id, overrides);
    const dlq = await ensureQueue(client, `${prefix}${id}-dlq`, {
      // AWS keeps dead letters up to 14 days; the default (4 days) would be shorter.
      MessageRetentionPeriod: String(14 * 24 * 60 * 60),
    });
    const queue = await ensureQueue(client, `${prefix}${id}`, {
      VisibilityTimeout: String(settings.visibilityTimeoutSeconds),
      RedrivePolicy: JSON.stringify({ deadLetterTargetArn: dlq.arn, maxReceiveCount: settings.maxReceiveCount }),
    });
    queueUrls[id] = queue.url;
    queueArns[id] = queue.arn;
    dlqUrls[id] = dlq.url;
    dlqArns[id] = dlq.arn;
  }
  return { queueUrls, queueArns, dlqUrls, dlqArns };
}

async function ensureQueue(client: SQSClient, name: string, attributes: Record<string, string>): Promise<{ url: string; arn: string }> {
  let url: string | undefined;
  try {
    url = (await client.send(new CreateQueueCommand({ QueueName: name, Attributes: attributes }))).QueueUrl;
  } catch (error) {
    // Exists with other attributes (e.g. the topology changed): bring it in line.
    if (!(error instanceof QueueNameExists) && (error as Error).name !== 'QueueAlreadyExists') throw error;
    url = (await client.send(new GetQueueUrlCommand({ QueueName: name }))).QueueUrl;
    await client.send(new SetQueueAttributesCommand({ QueueUrl: url, Attributes: attributes }));
  }
  if (!url) throw new Error(`CreateQueue returned no URL for ${name}`);
  const arn = (await client.send(new GetQueueAttributesCommand({ QueueUrl: url, AttributeNames: ['QueueArn'] }))).Attributes?.QueueArn;
  if (!arn) throw new Error(`GetQueueAttributes returned no QueueArn for ${name}`);
  return { url, arn };
}

async function ensureBucket(client: S3Client, bucketName: string): Promise<void> {
  await createBucket(client, bucketName);
  await allowBrowsers(client, bucketName);
}

async function createBucket(client: S3Client, bucketName: string): Promise<void> {
  try {
    await client.send(new HeadBucketCommand({ Bucket: bucketName }));
    return;
  } catch (error) {
    const status = (error as { $metadata?: { httpStatusCode?: number } }).$metadata?.httpStatusCode;
    if (status !== 404) throw error;
  }
  try {
    await client.send(new CreateBucketCommand({ Bucket: bucketName }));
  } catch (error) {
    // s3rver answers BucketAlreadyExists for a bucket it already has; AWS says ...OwnedByYou.
    const name = (error as Error).name;
    if (name !== 'BucketAlreadyOwnedByYou' && name !== 'BucketAlreadyExists') throw error;
  }
}

/** The CORS rule of the deployed data bucket (lib/constructs/data.ts): the dashboard uploads and downloads through presigned URLs. */
async function allowBrowsers(client: S3Client, bucketName: string): Promise<void> {
  await client.send(
    new PutBucketCorsCommand({
      Bucket: bucketName,
      CORSConfiguration: { CORSRules: [{ AllowedMethods: ['PUT', 'GET', 'HEAD'], AllowedOrigins: ['*'], AllowedHeaders: ['*'], ExposeHeaders: ['ETag'], MaxAgeSeconds: 3600 }] },
    }),
  );
}
