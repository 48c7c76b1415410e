import { GetCommand, PutCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from './dynamo-query.ts';
import { projectKey, webhookSk } from './dynamo-keys.ts';
import type { WebhookStore } from '../domain/ports.ts';
import type { ProjectScope, WebhookRecord } from '../domain/records.ts';

function toRecord(item: Record<string, unknown>): WebhookRecord {
  const { pk: _pk, sk: _sk, entity: _entity, ...rest } = item;
  return rest as unknown as WebhookRecord;
}

export class DynamoWebhookStore implements WebhookStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async create(webhook: WebhookRecord): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...webhook, pk: projectKey(webhook), sk: webhookSk(webhook.webhookId), entity: 'Webhook' },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async get(scope: ProjectScope, webhookId: string): Promise<WebhookRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: projectKey(scope), sk: webhookSk(webhookId) } }));
    return Item ? toRecord(Item) : undefined;
  }

  /** A project's webhooks share its partition, so fan-out is one query. */
  async list(scope: ProjectScope): Promise<WebhookRecord[]> {
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
      ExpressionAttributeValues: { ':pk': projectKey(scope), ':prefix': webhookSk('') },
    });
    return items.map(toRecord);
  }

  async recordDelivery(scope: ProjectScope, webhookId: string, outcome: { successful: boolean; responseMs: number; at: string; event: string; statusCode: number | null }): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: projectKey(scope), sk: webhookSk(webhookId) },
        UpdateExpression: 'ADD stats.totalDeliveries :one, stats.#outcome :one, stats.totalResponseMs :ms SET lastDelivery = :last',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#outcome': outcome.successful ? 'successfulDeliveries' : 'failedDeliveries' },
        ExpressionAttributeValues: {
          ':one': 1,
          ':ms': outcome.responseMs,
          ':last': { at: outcome.at, event: outcome.event, successful: outcome.successful, statusCode: outcome.statusCode },
        },
      }),
    );
  }
}
