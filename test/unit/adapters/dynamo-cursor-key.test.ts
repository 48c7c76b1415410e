import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { cursorKeyItem, dynamoCursorKey } from '../../../functions/adapters/dynamo-cursor-key.ts';

/** A table of one item, answering Get and conditional Put as DynamoDB does; `beforePut` lets another writer win. */
function fakeTable(options: { beforePut?: (items: Map<string, Record<string, unknown>>) => void; failGets?: number } = {}) {
  const items = new Map<string, Record<string, unknown>>();
  const calls: string[] = [];
  let failGets = options.failGets ?? 0;
  const db = {
    send: async (command: unknown) => {
      if (command instanceof GetCommand) {
        calls.push('get');
        if (failGets-- > 0) throw Object.assign(new Error('throttled'), { name: 'ThrottlingException' });
        expect(command.input.Key).toEqual(cursorKeyItem);
        return { Item: items.get('key') };
      }
      if (command instanceof PutCommand) {
        calls.push('put');
        options.beforePut?.(items);
        if (items.has('key')) throw new ConditionalCheckFailedException({ message: 'The conditional request failed', $metadata: {} });
        expect(command.input.ConditionExpression).toBe('attribute_not_exists(pk)');
        items.set('key', command.input.Item!);
        return {};
      }
      throw new Error('unexpected command');
    },
  } as unknown as DynamoDBDocumentClient;
  return { db, items, calls };
}

describe('dynamoCursorKey', () => {
  it('creates a 32-byte key on first use and reuses it from memory', async () => {
    const { db, items, calls } = fakeTable();
    const key = dynamoCursorKey(db, 't');
    const first = await key();
    expect(first).toHaveLength(32);
    expect(Buffer.from(items.get('key')!.key as string, 'base64').equals(Buffer.from(first))).toBe(true);
    expect(await key()).toBe(first);
    expect(calls).toEqual(['get', 'put']);
    // Another container reads the same key.
    expect(Buffer.from(await dynamoCursorKey(db, 't')()).equals(Buffer.from(first))).toBe(true);
  });

  it('uses the key of a concurrent first writer', async () => {
    const winner = Buffer.alloc(32, 7).toString('base64');
    const { db, calls } = fakeTable({ beforePut: (items) => items.set('key', { ...cursorKeyItem, key: winner }) });
    expect(Buffer.from(await dynamoCursorKey(db, 't')()).toString('base64')).toBe(winner);
    expect(calls).toEqual(['get', 'put', 'get']);
  });

  it('does not cache a failed load', async () => {
    const { db } = fakeTable({ failGets: 1 });
    const key = dynamoCursorKey(db, 't');
    await expect(key()).rejects.toThrow('throttled');
    expect(await key()).toHaveLength(32);
  });
});
