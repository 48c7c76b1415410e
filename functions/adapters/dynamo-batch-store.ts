import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { batchSk, projectKey } from './dynamo-keys.ts';
import type { BatchStore } from '../domain/ports.ts';
import type { BatchRecord, ProjectScope } from '../domain/records.ts';

export class DynamoBatchStore implements BatchStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(batch: BatchRecord): Promise<void> {
    await this.db.send(
      new PutCommand({ TableName: this.tableName, Item: { ...batch, pk: projectKey(batch), sk: batchSk(batch.batchId), entity: 'Batch' }, ConditionExpression: 'attribute_not_exists(pk)' }),
    );
  }

  async get(scope: ProjectScope, batchId: string): Promise<BatchRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: projectKey(scope), sk: batchSk(batchId) } }));
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, entity: _entity, eventsSent: _sent, ...batch } = Item;
    return batch as BatchRecord;
  }

  async claimEvent(scope: ProjectScope, batchId: string, event: string): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: projectKey(scope), sk: batchSk(batchId) },
          // A string set: ADD is atomic, and the condition makes the first writer the only one.
          UpdateExpression: 'ADD eventsSent :event',
          ConditionExpression: 'attribute_exists(pk) AND NOT contains(eventsSent, :name)',
          ExpressionAttributeValues: { ':event': new Set([event]), ':name': event },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }
}
