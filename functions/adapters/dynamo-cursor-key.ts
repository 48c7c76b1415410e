import { randomBytes } from 'node:crypto';
import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import type { CursorKeySource } from '../domain/cursors.ts';

/** The key's item: outside every project's partition (those start with `T#`). */
export const cursorKeyItem = { pk: 'CONFIG', sk: 'CURSOR_KEY' } as const;

/**
 * The cursor key lives in the table, so a deployment needs no new infrastructure: the first function that needs it
 * creates 32 random bytes with a conditional put (a concurrent first use keeps whichever was written first), and each
 * container keeps it in memory. Deleting the item rotates the key; outstanding cursors then answer 400.
 */
export function dynamoCursorKey(db: DynamoDBDocumentClient, tableName: string): CursorKeySource {
  let cached: Promise<Uint8Array> | undefined;
  const read = async (): Promise<Uint8Array | undefined> => {
    const { Item } = await db.send(new GetCommand({ TableName: tableName, Key: cursorKeyItem, ConsistentRead: true }));
    return typeof Item?.key === 'string' ? Buffer.from(Item.key, 'base64') : undefined;
  };
  const load = async (): Promise<Uint8Array> => {
    const existing = await read();
    if (existing) return existing;
    const key = randomBytes(32);
    try {
      await db.send(
        new PutCommand({
          TableName: tableName,
          Item: { ...cursorKeyItem, entity: 'Config', key: key.toString('base64'), createdAt: new Date().toISOString() },
          ConditionExpression: 'attribute_not_exists(pk)',
        }),
      );
      return key;
    } catch (error) {
      if (!(error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException')) throw error;
      const winner = await read();
      if (!winner) throw new Error('The cursor key was created and then disappeared');
      return winner;
    }
  };
  return () => {
    // A failed load is not cached: the next request tries again.
    cached ??= load().catch((error: unknown) => {
      cached = undefined;
      throw error;
    });
    return cached;
  };
}
