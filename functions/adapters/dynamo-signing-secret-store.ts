import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { projectKey, signingSecretSk } from './dynamo-keys.ts';
import type { SigningSecretStore } from '../domain/ports.ts';
import type { ProjectScope, SigningSecretRecord } from '../domain/records.ts';

/** One item per project (`SIGNING_SECRET`); writes are conditional so concurrent first uses and rotations cannot both win. */
export class DynamoSigningSecretStore implements SigningSecretStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
  ) {}

  async get(scope: ProjectScope): Promise<SigningSecretRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: this.key(scope), ConsistentRead: true }));
    if (!Item) return undefined;
    const { pk: _pk, sk: _sk, entity: _entity, ...record } = Item;
    return record as SigningSecretRecord;
  }

  async createIfAbsent(record: SigningSecretRecord): Promise<SigningSecretRecord> {
    if (await this.put(record, { ConditionExpression: 'attribute_not_exists(pk)' })) return record;
    return (await this.get(record))!;
  }

  async replace(record: SigningSecretRecord, expectedSecret: string | undefined): Promise<boolean> {
    return this.put(
      record,
      expectedSecret === undefined
        ? { ConditionExpression: 'attribute_not_exists(pk)' }
        : { ConditionExpression: '#secret = :expected', ExpressionAttributeNames: { '#secret': 'secret' }, ExpressionAttributeValues: { ':expected': expectedSecret } },
    );
  }

  private async put(record: SigningSecretRecord, condition: Pick<ConstructorParameters<typeof PutCommand>[0], 'ConditionExpression' | 'ExpressionAttributeNames' | 'ExpressionAttributeValues'>): Promise<boolean> {
    try {
      await this.db.send(new PutCommand({ TableName: this.tableName, Item: { ...record, ...this.key(record), entity: 'SigningSecret' }, ...condition }));
      return true;
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException) return false;
      throw error;
    }
  }

  private key(scope: ProjectScope) {
    return { pk: projectKey(scope), sk: signingSecretSk };
  }
}
