import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { DeleteCommand, GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { projectKey } from './dynamo-keys.ts';
import type { SlackIntegrationRecord, SlackIntegrationStore } from '../domain/notifications.ts';
import type { ProjectScope } from '../domain/records.ts';

/** The project's Slack integration: one item in the project's partition. */
const slackIntegrationSk = 'INTEGRATION#SLACK';

export class DynamoSlackIntegrationStore implements SlackIntegrationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(scope: ProjectScope): Promise<SlackIntegrationRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: this.key(scope), ConsistentRead: true }));
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, entity: _entity, ...record } = Item;
    return record as SlackIntegrationRecord;
  }

  async put(record: SlackIntegrationRecord): Promise<void> {
    await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...record, ...this.key(record), entity: 'SlackIntegration' } }));
  }

  async delete(scope: ProjectScope): Promise<boolean> {
    try {
      await this.db.send(new DeleteCommand({ TableName: this.tableName, Key: this.key(scope), ConditionExpression: 'attribute_exists(pk)' }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private key(scope: ProjectScope) {
    return { pk: projectKey(scope), sk: slackIntegrationSk };
  }
}
