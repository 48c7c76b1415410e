import type { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { DynamoDBPersistenceLayer } from '@aws-lambda-powertools/idempotency/dynamodb';
import { projectKey } from './dynamo-keys.ts';
import { table } from '../../lib/topology.ts';
import type { ProjectScope } from '../domain/records.ts';

/**
 * Idempotency records in the single table, through Powertools' DynamoDB persistence layer. Its
 * attribute names are configurable, so a record is an item of the project's own partition
 * (pk = the project, sk = `IDEM#<method> <route>#<sha256 of the key>`) that the table's TTL
 * attribute expires; the layer's static partition value is the project, hence one layer per
 * project (cheap: they share the client). It writes no index attributes, so no query sees it.
 */
export function dynamoIdempotencyStores(client: DynamoDBClient, tableName: string) {
  return (scope: ProjectScope) =>
    new DynamoDBPersistenceLayer({
      tableName,
      awsSdkV3Client: client,
      keyAttr: table.partitionKey,
      sortKeyAttr: table.sortKey,
      staticPkValue: projectKey(scope),
      expiryAttr: table.timeToLiveAttribute,
      inProgressExpiryAttr: 'inProgressExpiresAtMs',
      // Not `status`: operations' status attribute means something else to the table's readers.
      statusAttr: 'idempotencyStatus',
      dataAttr: 'response',
      validationKeyAttr: 'requestHash',
    });
}
