import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { jobFactsKey } from './dynamo-keys.ts';
import type { JobScope } from '../domain/ports.ts';
import type { StreamConnection, StreamStore, StreamSubscription } from '../domain/stream-subscriptions.ts';

const tokenKey = (hash: string) => ({ pk: `WSTOKEN#${hash}`, sk: 'WSTOKEN' });
/** Finds a connection's job from its id alone, as `$disconnect` knows only the id. */
const pointerKey = (connectionId: string) => ({ pk: `WSCONN#${connectionId}`, sk: 'WSCONN' });
const connectionKey = (job: JobScope, connectionId: string) => ({ pk: jobFactsKey(job, job.jobId), sk: `CONN#${connectionId}` });

function strip(item: Record<string, unknown>): Record<string, unknown> {
  const { pk: _pk, sk: _sk, entity: _entity, leaseUntil: _lease, ...rest } = item;
  return rest;
}

/**
 * WebSocket subscriptions (by token hash) and connections (in their job's partition, with a pointer by id); every
 * item expires with its subscription through the table's TTL, so a connection API Gateway dropped without a
 * `$disconnect` does not stay.
 */
export class DynamoStreamStore implements StreamStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async saveSubscription(tokenHash: string, subscription: StreamSubscription): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { ...tokenKey(tokenHash), entity: 'StreamSubscription', ...subscription },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async subscriptionByToken(tokenHash: string): Promise<StreamSubscription | undefined> {
    const item = (await this.db.send(new GetCommand({ TableName: this.tableName, Key: tokenKey(tokenHash) }))).Item;
    return item ? (strip(item) as unknown as StreamSubscription) : undefined;
  }

  async addConnection(connection: StreamConnection): Promise<void> {
    const { tenantId, projectId, jobId, connectionId, expiresAt } = connection;
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Put: { TableName: this.tableName, Item: { ...connectionKey(connection, connectionId), entity: 'StreamConnection', ...connection } } },
          {
            Put: { TableName: this.tableName, Item: { ...pointerKey(connectionId), entity: 'StreamConnectionPointer', tenantId, projectId, jobId, expiresAt } },
          },
        ],
      }),
    );
  }

  async removeConnection(connectionId: string): Promise<boolean> {
    const pointer = (await this.db.send(new GetCommand({ TableName: this.tableName, Key: pointerKey(connectionId), ConsistentRead: true }))).Item;
    if (!pointer) return false;
    const job = { tenantId: String(pointer.tenantId), projectId: String(pointer.projectId), jobId: String(pointer.jobId) };
    await this.db.send(
      new TransactWriteCommand({
        TransactItems: [
          { Delete: { TableName: this.tableName, Key: connectionKey(job, connectionId) } },
          { Delete: { TableName: this.tableName, Key: pointerKey(connectionId) } },
        ],
      }),
    );
    return true;
  }

  async connection(job: JobScope, connectionId: string): Promise<StreamConnection | undefined> {
    const item = (await this.db.send(new GetCommand({ TableName: this.tableName, Key: connectionKey(job, connectionId), ConsistentRead: true }))).Item;
    return item ? (strip(item) as unknown as StreamConnection) : undefined;
  }

  async connectionsOf(job: JobScope): Promise<StreamConnection[]> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND begins_with(sk, :prefix)',
        ExpressionAttributeValues: { ':pk': jobFactsKey(job, job.jobId), ':prefix': 'CONN#' },
        ConsistentRead: true,
      }),
    );
    return (page.Items ?? []).map((item) => strip(item) as unknown as StreamConnection);
  }

  async lease(connection: StreamConnection, nowMs: number, leaseUntilMs: number): Promise<boolean> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: connectionKey(connection, connection.connectionId),
          UpdateExpression: 'SET leaseUntil = :until',
          ConditionExpression: 'attribute_exists(pk) AND sentSequence = :sent AND (attribute_not_exists(leaseUntil) OR leaseUntil < :now)',
          ExpressionAttributeValues: { ':until': leaseUntilMs, ':sent': connection.sentSequence, ':now': nowMs },
        }),
      );
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  async release(connection: StreamConnection, sentSequence: number): Promise<void> {
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: connectionKey(connection, connection.connectionId),
          UpdateExpression: 'SET sentSequence = :sent REMOVE leaseUntil',
          ConditionExpression: 'attribute_exists(pk)',
          ExpressionAttributeValues: { ':sent': sentSequence },
        }),
      );
    } catch (error) {
      // Disconnected while it was being sent to: nothing to release.
      if (!(error instanceof ConditionalCheckFailedException)) throw error;
    }
  }
}
