import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { deliveryLogKey, deliverySk } from './dynamo-keys.ts';
import { InvalidCursorError, type CursorBinding, type CursorCodec } from '../domain/cursors.ts';
import {
  deliveryLogRetentionDays,
  lowestDeliveryIdAt,
  maxLoggedAttempts,
  type DeliveryAttemptRecord,
  type DeliveryFilter,
  type DeliveryLog,
  type DeliveryMessage,
  type DeliveryMessageRecord,
  type DeliveryStatus,
} from '../domain/delivery-log.ts';
import type { Page } from '../domain/ports.ts';
import type { ProjectScope } from '../domain/records.ts';

const prefix = deliverySk('');
/** Queries a filtered page may take to fill itself before it answers with fewer items and a cursor. */
const maxRoundsPerPage = 5;

function toRecord(item: Record<string, unknown>): DeliveryMessageRecord {
  const { pk: _pk, sk: _sk, entity: _entity, expiresAt: _expiresAt, ...rest } = item;
  return { attempts: [], ...rest } as unknown as DeliveryMessageRecord;
}

/**
 * The attempt log in the single table: a partition per webhook or subscription, one item per message keyed by its
 * delivery id (UUIDv7, so the sort key orders by time), expiring by the table's TTL 30 days after its last attempt.
 */
export class DynamoDeliveryLog implements DeliveryLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly cursors: CursorCodec,
  ) {}

  async record(message: DeliveryMessage, status: DeliveryStatus, attempt?: DeliveryAttemptRecord, dropped?: string): Promise<void> {
    const expiresAt = Math.floor(Date.now() / 1000) + deliveryLogRetentionDays * 86_400;
    const fields = Object.entries(message);
    const names: Record<string, string> = Object.fromEntries(fields.map(([name], i) => [`#m${i}`, name]));
    const values: Record<string, unknown> = Object.fromEntries(fields.map(([, value], i) => [`:m${i}`, value]));
    // The first record of a message writes it; later ones keep its first values.
    const keep = fields.map((_, i) => `#m${i} = if_not_exists(#m${i}, :m${i})`);
    const set = [...keep, '#status = :status', 'expiresAt = :expiresAt', 'entity = :entity', ...(dropped ? ['dropped = :dropped'] : [])];
    const common = {
      ExpressionAttributeNames: { ...names, '#status': 'status' },
      ExpressionAttributeValues: { ...values, ':status': status, ':expiresAt': expiresAt, ':entity': 'DeliveryMessage', ...(dropped ? { ':dropped': dropped } : {}) },
    };
    const key = { pk: deliveryLogKey(message, message.webhookId), sk: deliverySk(message.deliveryId) };
    if (attempt) {
      try {
        await this.db.send(
          new UpdateCommand({
            TableName: this.tableName,
            Key: key,
            UpdateExpression: `SET ${[...set, 'attempts = list_append(if_not_exists(attempts, :none), :attempt)'].join(', ')}`,
            // Past the cap the attempt still sets the status, but is not listed.
            ConditionExpression: 'attribute_not_exists(attempts) OR size(attempts) < :max',
            ExpressionAttributeNames: common.ExpressionAttributeNames,
            ExpressionAttributeValues: { ...common.ExpressionAttributeValues, ':none': [], ':attempt': [attempt], ':max': maxLoggedAttempts },
          }),
        );
        return;
      } catch (error) {
        if (!(error instanceof ConditionalCheckFailedException)) throw error;
      }
    }
    await this.db.send(new UpdateCommand({ TableName: this.tableName, Key: key, UpdateExpression: `SET ${set.join(', ')}`, ...common }));
  }

  async get(scope: ProjectScope, webhookId: string, deliveryId: string): Promise<DeliveryMessageRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: deliveryLogKey(scope, webhookId), sk: deliverySk(deliveryId) } }));
    return Item ? toRecord(Item) : undefined;
  }

  async page(scope: ProjectScope, webhookId: string, filter: DeliveryFilter, pageSize: number, nextToken?: string): Promise<Page<DeliveryMessageRecord>> {
    const pk = deliveryLogKey(scope, webhookId);
    const binding: CursorBinding = { tenantId: scope.tenantId, projectId: scope.projectId, route: `deliveries:${webhookId}:${filter.status ?? 'all'}` };
    let startKey = nextToken === undefined ? undefined : startKeyOf(await this.cursors.open(nextToken, binding), pk);
    const items: DeliveryMessageRecord[] = [];
    // A status filter is applied after the read: a page takes a few reads to fill, and may still come back short.
    for (let round = 0; round < maxRoundsPerPage && items.length < pageSize; round++) {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
          ...(filter.status ? { FilterExpression: '#status = :status', ExpressionAttributeNames: { '#status': 'status' } } : {}),
          ExpressionAttributeValues: { ':pk': pk, ':prefix': prefix, ...(filter.status ? { ':status': filter.status } : {}) },
          ScanIndexForward: false,
          Limit: pageSize - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []).map(toRecord));
      startKey = page.LastEvaluatedKey as Record<string, string> | undefined;
      if (!startKey) break;
    }
    const token = startKey ? await this.cursors.seal({ pk: startKey.pk, sk: startKey.sk }, binding) : undefined;
    return { items, ...(token ? { nextToken: token } : {}) };
  }

  async since(scope: ProjectScope, webhookId: string, since: string, limit: number): Promise<DeliveryMessageRecord[]> {
    const items: DeliveryMessageRecord[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
          ExpressionAttributeValues: { ':pk': deliveryLogKey(scope, webhookId), ':from': deliverySk(lowestDeliveryIdAt(new Date(since))), ':to': `${prefix}\uffff` },
          Limit: limit - items.length,
          ExclusiveStartKey: startKey,
        }),
      );
      items.push(...(page.Items ?? []).map(toRecord));
      startKey = page.LastEvaluatedKey;
    } while (startKey && items.length < limit);
    // Ids made before the log existed are not time-ordered: the creation time decides.
    return items.filter((item) => Date.parse(item.createdAt) >= Date.parse(since));
  }

  async markPending(scope: ProjectScope, webhookId: string, deliveryId: string): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: deliveryLogKey(scope, webhookId), sk: deliverySk(deliveryId) },
          UpdateExpression: 'SET #status = :pending',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeNames: { '#status': 'status' },
          ExpressionAttributeValues: { ':pending': 'pending' },
        }),
      );
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}

/** A sealed cursor is ours, but it is still checked to be a key of this log before it reaches the table. */
function startKeyOf(position: Record<string, unknown>, pk: string): Record<string, string> {
  const { pk: cursorPk, sk, ...rest } = position;
  if (cursorPk !== pk || typeof sk !== 'string' || !sk.startsWith(prefix) || Object.keys(rest).length > 0) throw new InvalidCursorError('query.nextToken');
  return { pk: cursorPk, sk };
}
