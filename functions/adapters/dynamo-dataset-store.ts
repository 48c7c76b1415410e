import { GetCommand, PutCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { datasetSk, projectKey } from './dynamo-keys.ts';
import { InvalidCursorError, type CursorBinding, type CursorCodec } from '../domain/cursors.ts';
import type { DatasetStore, Page } from '../domain/ports.ts';
import type { DatasetRecord, ProjectScope } from '../domain/records.ts';

function toRecord(item: Record<string, unknown>): DatasetRecord {
  const { pk: _pk, sk: _sk, entity: _entity, ...rest } = item;
  return rest as unknown as DatasetRecord;
}

export class DynamoDatasetStore implements DatasetStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursors: CursorCodec,
  ) {}

  async create(dataset: DatasetRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...dataset, pk: projectKey(dataset), sk: datasetSk(dataset.datasetId), entity: 'Dataset' },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(scope: ProjectScope, datasetId: string): Promise<DatasetRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: projectKey(scope), sk: datasetSk(datasetId) } }));
    return Item ? toRecord(Item) : undefined;
  }

  async list(scope: ProjectScope, pageSize: number, nextToken?: string): Promise<Page<DatasetRecord>> {
    const binding: CursorBinding = { tenantId: scope.tenantId, projectId: scope.projectId, route: 'datasets' };
    const startKey = nextToken === undefined ? undefined : startKeyOf(await this.cursors.open(nextToken, binding), scope);
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': projectKey(scope), ':prefix': 'DS#' },
        Limit: pageSize,
        ExclusiveStartKey: startKey,
      }),
    );
    const last = page.LastEvaluatedKey;
    const token = last ? await this.cursors.seal({ pk: last.pk, sk: last.sk }, binding) : undefined;
    return { items: (page.Items ?? []).map(toRecord), ...(token ? { nextToken: token } : {}) };
  }

  async markUploaded(scope: ProjectScope, datasetId: string, sizeBytes: number, uploadedAt: string): Promise<DatasetRecord> {
    const { Attributes } = await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: projectKey(scope), sk: datasetSk(datasetId) },
        UpdateExpression: 'SET #status = :available, sizeBytes = :size, uploadedAt = :at',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':available': 'Available', ':size': sizeBytes, ':at': uploadedAt },
        ReturnValues: 'ALL_NEW',
      }),
    );
    return toRecord(Attributes ?? {});
  }
}

/** A sealed cursor is ours, but it is still checked to be a dataset key of this project before it reaches the table. */
function startKeyOf(position: Record<string, unknown>, scope: ProjectScope): Record<string, string> {
  const { pk, sk, ...rest } = position;
  if (pk !== projectKey(scope) || typeof sk !== 'string' || !sk.startsWith('DS#') || Object.keys(rest).length > 0) throw new InvalidCursorError('query.nextToken');
  return { pk, sk };
}
