import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import {
  BatchGetCommand,
  GetCommand,
  QueryCommand,
  TransactWriteCommand,
  UpdateCommand,
  type BatchGetCommandOutput,
  type DynamoDBDocumentClient,
  type TransactWriteCommandInput,
} from '@aws-sdk/lib-dynamodb';
import { queryAll } from './dynamo-query.ts';
import { jobSubscriptionsSk, projectKey, webhookCountersSk, webhookSk } from './dynamo-keys.ts';
import { setExpression } from './update-expression.ts';
import { InvalidCursorError, type CursorBinding, type CursorCodec } from '../domain/cursors.ts';
import { ConflictError, LimitExceededError } from '../domain/errors.ts';
import type { Page, WebhookChanges, WebhookStore } from '../domain/ports.ts';
import type { ProjectScope, WebhookRecord } from '../domain/records.ts';

function toRecord(item: Record<string, unknown>): WebhookRecord {
  const { pk: _pk, sk: _sk, entity: _entity, ...rest } = item;
  return rest as unknown as WebhookRecord;
}

/** Project webhooks are `WH#wh-…`, job subscriptions `WH#sub-…`, in the project's partition. */
const webhookPrefix = webhookSk('wh-');

/** Optimistic rounds before a write that keeps meeting concurrent writers gives up. */
const maxRounds = 8;

type TransactItem = NonNullable<TransactWriteCommandInput['TransactItems']>[number];

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

function cancellationCodes(error: unknown): (string | undefined)[] | undefined {
  return error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []).map((reason) => reason.Code) : undefined;
}

/**
 * Webhooks and job subscriptions, with their limits and circuit breakers. A project's webhooks are counted in a
 * counter item taken in the same transaction as the webhook is written. Subscriptions expire (DynamoDB's TTL deletes
 * them, which no counter would see), so a job's are listed with their expiry in one item that is rewritten, under
 * optimistic locking, in the same transaction as the subscription: expired entries free their place.
 */
export class DynamoWebhookStore implements WebhookStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursors: CursorCodec,
  ) {}

  async create(webhook: WebhookRecord, limit: number): Promise<void> {
    const put: TransactItem = {
      Put: {
        TableName: this.tableName,
        Item: { ...webhook, pk: projectKey(webhook), sk: webhookSk(webhook.webhookId), entity: 'Webhook' },
        ConditionExpression: 'attribute_not_exists(pk)',
      },
    };
    if (webhook.jobId) return this.createSubscription(webhook, webhook.jobId, limit, put);
    for (let round = 1; ; round++) {
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: { pk: projectKey(webhook), sk: webhookCountersSk },
                  UpdateExpression: 'ADD #count :one SET entity = :entity',
                  ConditionExpression: 'attribute_not_exists(#count) OR #count < :limit',
                  ExpressionAttributeNames: { '#count': 'webhooks' },
                  ExpressionAttributeValues: { ':one': 1, ':limit': limit, ':entity': 'WebhookCounters' },
                },
              },
              put,
            ],
          }),
        );
        return;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.[0] === 'ConditionalCheckFailed') throw new LimitExceededError(`The project already has ${limit} webhooks, its limit; delete one first`, limit);
        if (codes?.includes('TransactionConflict') && round < maxRounds) {
          await pause(20 * round * Math.random());
          continue;
        }
        throw error;
      }
    }
  }

  private async createSubscription(subscription: WebhookRecord, jobId: string, limit: number, put: TransactItem): Promise<void> {
    const key = { pk: projectKey(subscription), sk: jobSubscriptionsSk(jobId) };
    for (let round = 1; round <= maxRounds; round++) {
      const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: key, ConsistentRead: true }));
      const version = typeof Item?.version === 'number' ? Item.version : 0;
      const nowSeconds = Math.floor(Date.now() / 1000);
      const live = Object.entries((Item?.subscriptions ?? {}) as Record<string, number>).filter(([, expiresAt]) => expiresAt > nowSeconds);
      if (live.length >= limit) throw new LimitExceededError(`The job already has ${limit} subscriptions, its limit; delete one first`, limit);
      const subscriptions = Object.fromEntries([...live, [subscription.webhookId, subscription.expiresAt ?? nowSeconds]]);
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Put: {
                  TableName: this.tableName,
                  // Expires with the last of its subscriptions.
                  Item: { ...key, entity: 'JobSubscriptions', jobId, subscriptions, version: version + 1, expiresAt: Math.max(...Object.values(subscriptions)) },
                  ConditionExpression: version === 0 ? 'attribute_not_exists(pk)' : '#version = :version',
                  ...(version === 0 ? {} : { ExpressionAttributeNames: { '#version': 'version' }, ExpressionAttributeValues: { ':version': version } }),
                },
              },
              put,
            ],
          }),
        );
        return;
      } catch (error) {
        // Someone else changed the job's subscriptions since we read them: read again.
        if (!cancellationCodes(error)) throw error;
        await pause(20 * round * Math.random());
      }
    }
    throw new ConflictError("The job's subscriptions are being changed concurrently; try again");
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

  async page(scope: ProjectScope, pageSize: number, nextToken?: string): Promise<Page<WebhookRecord>> {
    const binding: CursorBinding = { tenantId: scope.tenantId, projectId: scope.projectId, route: 'webhooks' };
    const startKey = nextToken === undefined ? undefined : startKeyOf(await this.cursors.open(nextToken, binding), scope);
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': projectKey(scope), ':prefix': webhookPrefix },
        Limit: pageSize,
        ExclusiveStartKey: startKey,
      }),
    );
    const last = page.LastEvaluatedKey;
    const token = last ? await this.cursors.seal({ pk: last.pk, sk: last.sk }, binding) : undefined;
    return { items: (page.Items ?? []).map(toRecord), ...(token ? { nextToken: token } : {}) };
  }

  async listForJob(scope: ProjectScope, jobId: string, nowSeconds: number): Promise<WebhookRecord[]> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: projectKey(scope), sk: jobSubscriptionsSk(jobId) }, ConsistentRead: true }));
    const ids = Object.entries((Item?.subscriptions ?? {}) as Record<string, number>)
      .filter(([, expiresAt]) => expiresAt > nowSeconds)
      .map(([id]) => id);
    if (ids.length === 0) return [];
    const records: WebhookRecord[] = [];
    // At most a job's limit of keys, far below BatchGetItem's 100; unprocessed keys are asked for again.
    let keys: Record<string, unknown>[] | undefined = ids.map((id) => ({ pk: projectKey(scope), sk: webhookSk(id) }));
    for (let round = 1; keys?.length && round <= maxRounds; round++) {
      const result: BatchGetCommandOutput = await this.db.send(new BatchGetCommand({ RequestItems: { [this.tableName]: { Keys: keys } } }));
      records.push(...(result.Responses?.[this.tableName] ?? []).map(toRecord));
      keys = result.UnprocessedKeys?.[this.tableName]?.Keys;
      if (keys?.length) await pause(20 * round);
    }
    return records.filter((record) => (record.expiresAt ?? Infinity) > nowSeconds).sort((a, b) => a.createdAt.localeCompare(b.createdAt));
  }

  async update(scope: ProjectScope, webhookId: string, changes: WebhookChanges): Promise<WebhookRecord | undefined> {
    const { assignments, names, values } = setExpression(changes);
    if (assignments.length === 0) return this.get(scope, webhookId);
    try {
      const { Attributes } = await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: projectKey(scope), sk: webhookSk(webhookId) },
          UpdateExpression: `SET ${assignments.join(', ')}`,
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return Attributes ? toRecord(Attributes) : undefined;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }

  async delete(scope: ProjectScope, webhook: WebhookRecord): Promise<boolean> {
    const remove: TransactItem = {
      Delete: { TableName: this.tableName, Key: { pk: projectKey(scope), sk: webhookSk(webhook.webhookId) }, ConditionExpression: 'attribute_exists(pk)' },
    };
    const release: TransactItem = webhook.jobId
      ? {
          Update: {
            TableName: this.tableName,
            Key: { pk: projectKey(scope), sk: jobSubscriptionsSk(webhook.jobId) },
            // The version moves so that a registration that read the list before this delete cannot write it back.
            UpdateExpression: 'REMOVE subscriptions.#id ADD #version :one',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#id': webhook.webhookId, '#version': 'version' },
            ExpressionAttributeValues: { ':one': 1 },
          },
        }
      : {
          Update: {
            TableName: this.tableName,
            Key: { pk: projectKey(scope), sk: webhookCountersSk },
            UpdateExpression: 'ADD #count :minus',
            ConditionExpression: 'attribute_exists(pk)',
            ExpressionAttributeNames: { '#count': 'webhooks' },
            ExpressionAttributeValues: { ':minus': -1 },
          },
        };
    for (let round = 1; ; round++) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: [remove, release] }));
        return true;
      } catch (error) {
        const codes = cancellationCodes(error);
        if (codes?.[0] === 'ConditionalCheckFailed') return false;
        // No list or counter to release (made before limits existed, or expired): the item alone goes.
        if (codes?.[1] === 'ConditionalCheckFailed') return this.deleteItem(scope, webhook.webhookId);
        if (codes?.includes('TransactionConflict') && round < maxRounds) {
          await pause(20 * round * Math.random());
          continue;
        }
        throw error;
      }
    }
  }

  private async deleteItem(scope: ProjectScope, webhookId: string): Promise<boolean> {
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [{ Delete: { TableName: this.tableName, Key: { pk: projectKey(scope), sk: webhookSk(webhookId) }, ConditionExpression: 'attribute_exists(pk)' } }],
        }),
      );
      return true;
    } catch (error) {
      if (cancellationCodes(error)?.[0] === 'ConditionalCheckFailed') return false;
      throw error;
    }
  }

  async recordDelivery(
    scope: ProjectScope,
    webhookId: string,
    outcome: { successful: boolean; responseMs: number | null; at: string; event: string; statusCode: number | null; responseExcerpt?: string },
  ): Promise<void> {
    const timed = outcome.responseMs !== null;
    await this.ignoringGone(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: projectKey(scope), sk: webhookSk(webhookId) },
        UpdateExpression: `ADD stats.totalDeliveries :one, stats.#outcome :one${timed ? ', stats.totalResponseMs :ms, stats.timedDeliveries :one' : ''} SET lastDelivery = :last`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: { '#outcome': outcome.successful ? 'successfulDeliveries' : 'failedDeliveries' },
        ExpressionAttributeValues: {
          ':one': 1,
          ...(timed ? { ':ms': outcome.responseMs } : {}),
          ':last': {
            at: outcome.at,
            event: outcome.event,
            successful: outcome.successful,
            statusCode: outcome.statusCode,
            ...(outcome.responseExcerpt !== undefined ? { responseExcerpt: outcome.responseExcerpt } : {}),
          },
        },
      }),
    );
  }

  async recordFailure(scope: ProjectScope, webhookId: string): Promise<number | undefined> {
    const result = await this.ignoringGone(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: projectKey(scope), sk: webhookSk(webhookId) },
        // failingSince: when the failures began, for the endpoint health rule (endpoint-health.ts).
        UpdateExpression: 'ADD consecutiveFailures :one SET failingSince = if_not_exists(failingSince, :now)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':one': 1, ':now': new Date().toISOString() },
        ReturnValues: 'UPDATED_NEW',
      }),
    );
    const failures = result?.Attributes?.consecutiveFailures;
    return typeof failures === 'number' ? failures : undefined;
  }

  async pause(scope: ProjectScope, webhookId: string, pause: { expectedFailures: number; now: string; pausedUntil: string; pauseSeconds: number }): Promise<boolean> {
    const result = await this.ignoringGone(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: projectKey(scope), sk: webhookSk(webhookId) },
        UpdateExpression: 'SET pausedUntil = :until, pauseSeconds = :seconds, consecutiveFailures = :zero ADD pausesSinceSuccess :one',
        // ISO 8601 instants in UTC compare as strings.
        ConditionExpression: 'consecutiveFailures = :expected AND (attribute_not_exists(pausedUntil) OR pausedUntil <= :now)',
        ExpressionAttributeValues: { ':until': pause.pausedUntil, ':seconds': pause.pauseSeconds, ':zero': 0, ':one': 1, ':expected': pause.expectedFailures, ':now': pause.now },
      }),
    );
    return result !== undefined;
  }

  async reset(scope: ProjectScope, webhookId: string): Promise<void> {
    await this.ignoringGone(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: projectKey(scope), sk: webhookSk(webhookId) },
        UpdateExpression: 'REMOVE consecutiveFailures, pausedUntil, pauseSeconds, failingSince, pausesSinceSuccess, warning',
        ConditionExpression: 'attribute_exists(pk)',
      }),
    );
  }

  /** A conditional update whose condition failed (the webhook was deleted meanwhile, or someone else won): undefined. */
  private async ignoringGone(command: UpdateCommand) {
    try {
      return await this.db.send(command);
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return undefined;
      throw error;
    }
  }
}

/** A sealed cursor is ours, but it is still checked to be a webhook key of this project before it reaches the table. */
function startKeyOf(position: Record<string, unknown>, scope: ProjectScope): Record<string, string> {
  const { pk, sk, ...rest } = position;
  if (pk !== projectKey(scope) || typeof sk !== 'string' || !sk.startsWith(webhookPrefix) || Object.keys(rest).length > 0) throw new InvalidCursorError('query.nextToken');
  return { pk, sk };
}
