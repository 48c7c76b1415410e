import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBDocumentClient, ScanCommand } from '@aws-sdk/lib-dynamodb';
import { DynamoOperationStore } from '../functions/adapters/dynamo-operation-store.ts';
import type { OperationRecord } from '../functions/domain/records.ts';

const unfinished = ['Initiated', 'Queued', 'Running'] as const;

/**
 * The local Step Functions endpoint keeps executions in memory, so after a restart no
 * execution is left for an operation that was still under way. Such operations are marked
 * Failed (through the store, so the project counters stay right) instead of staying Running
 * forever. A Scan is fine here: it is the local stack, once at start.
 */
export async function failOrphanedOperations(endpoint: string, tableName: string, credentials: { accessKeyId: string; secretAccessKey: string }, region: string): Promise<number> {
  const db = DynamoDBDocumentClient.from(new DynamoDBClient({ endpoint, credentials, region }));
  const store = new DynamoOperationStore(db, tableName);
  const now = new Date().toISOString();
  let failed = 0;
  let startKey: Record<string, unknown> | undefined;
  do {
    const page = await db.send(
      new ScanCommand({
        TableName: tableName,
        FilterExpression: 'entity = :operation AND #status IN (:s0, :s1, :s2)',
        ExpressionAttributeNames: { '#status': 'status' },
        ExpressionAttributeValues: { ':operation': 'Operation', ':s0': unfinished[0], ':s1': unfinished[1], ':s2': unfinished[2] },
        ExclusiveStartKey: startKey,
      }),
    );
    for (const item of (page.Items ?? []) as OperationRecord[]) {
      const moved = await store.transition(item, item.operationId, unfinished, 'Failed', {
        endTime: now,
        error: { error: 'LocalStackRestarted', cause: 'The local stack stopped while this operation was running; start it again.' },
      });
      if (moved) failed += 1;
    }
    startKey = page.LastEvaluatedKey;
  } while (startKey);
  db.destroy();
  return failed;
}
