import { ConditionalCheckFailedException, TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, PutCommand, QueryCommand, TransactWriteCommand, UpdateCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { admissionPriorityPrefix, admissionSortKey, createdSortKey, indexKeys, jobSk, operationCountersSk, operationSk, projectKey } from './dynamo-keys.ts';
import { setExpression } from './update-expression.ts';
import { AlreadyRetriedError, CapacityExceededError, FencedWriteError } from '../domain/errors.ts';
import { phasesByOperationType, type PhaseId } from '../domain/operation-types.ts';
import type { OperationFilter, OperationStore } from '../domain/ports.ts';
import { activeStatuses, type DependentRecord, type NotificationChannel, type OperationRecord, type PhaseRecord, type ProjectScope, type StatusCounts } from '../domain/records.ts';
import { operationStatuses, type OperationStatus, type Priority } from '../schemas/operation.ts';
import { fullJitterMs, pause } from './backoff.ts';

/** Reads and conditional writes a status change makes before it gives up on a contended operation. */
const maxTransitionAttempts = 6;

type StoredOperation = Omit<OperationRecord, 'phases'> & { phases: Record<string, PhaseRecord> };
type TransactItems = NonNullable<ConstructorParameters<typeof TransactWriteCommand>[0]['TransactItems']>;

const indexFields = (op: Pick<OperationRecord, 'tenantId' | 'projectId' | 'status' | 'operationType' | 'priority' | 'dateCreated' | 'operationId'>) => {
  const sortKey = createdSortKey(op.dateCreated, op.operationId);
  return {
    gsi1pk: indexKeys.byCreated(op),
    gsi1sk: sortKey,
    gsi2pk: indexKeys.byStatus(op, op.status),
    gsi2sk: sortKey,
    gsi3pk: indexKeys.byType(op, op.operationType),
    gsi3sk: sortKey,
    gsi4pk: indexKeys.byPriority(op, op.priority),
    gsi4sk: sortKey,
  };
};

/**
 * The admission index entry: present only while the operation is Queued for a free slot (not while a batch
 * operation waits for its dependencies), so the index holds exactly the operations admission may start.
 */
const admissionFields = (op: Pick<OperationRecord, 'tenantId' | 'projectId' | 'priority' | 'dateCreated' | 'operationId'>) => ({
  gsi5pk: indexKeys.byAdmission(op),
  gsi5sk: admissionSortKey(op.priority, op.dateCreated, op.operationId),
});
const waitsForSlot = (op: Pick<OperationRecord, 'status' | 'waitingFor'>) => op.status === 'Queued' && op.waitingFor === 'capacity';

function toRecord(item: Record<string, unknown>): OperationRecord {
  const stored = item as unknown as StoredOperation;
  const { pk: _pk, sk: _sk, gsi1pk: _1, gsi1sk: _2, gsi2pk: _3, gsi2sk: _4, gsi3pk: _5, gsi3sk: _6, gsi4pk: _7, gsi4sk: _8, gsi5pk: _9, gsi5sk: _10, entity: _e, ...rest } =
    item as Record<string, unknown>;
  // Phases are stored as a map so one phase can be updated in place; their order is the domain's.
  const phases = phasesByOperationType[stored.operationType].map(
    (definition) => stored.phases[definition.id] ?? { id: definition.id, name: definition.name, status: 'Pending' as const },
  );
  return { ...(rest as unknown as OperationRecord), phases };
}

const emptyCounts = (): StatusCounts =>
  Object.fromEntries([...operationStatuses.map((s) => [s, 0]), ['total', 0]]) as StatusCounts;

export class DynamoOperationStore implements OperationStore {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    /** Active (Initiated or Running) operations a project may have; null for no limit. */
    private readonly maxActivePerProject: number | null = null,
  ) {}

  /**
   * The counters item's update for a status change: per-status counts, `active` (the slots in
   * use) and `waitingForSlot` (the operations in the admission index). Taking a slot is conditional
   * on one being free, in the same transaction as the change; a new operation may take one outright
   * only when nobody waits for one (`direct`), so arrivals never overtake the queue: they queue,
   * and admission starts the queue in its order.
   */
  private countersUpdate(scope: ProjectScope, from: OperationStatus | null, to: OperationStatus, waiting: -1 | 0 | 1 = 0, direct = false) {
    const slot = (activeStatuses.includes(to) ? 1 : 0) - (from && activeStatuses.includes(from) ? 1 : 0);
    const names: Record<string, string> = { '#to': to, '#active': 'active' };
    const values: Record<string, unknown> = { ':plus': 1, ':slot': slot };
    let expression = 'ADD #to :plus, #active :slot';
    if (waiting !== 0) {
      names['#waiting'] = 'waitingForSlot';
      values[':waiting'] = waiting;
      expression += ', #waiting :waiting';
    }
    if (from) {
      names['#from'] = from;
      values[':minus'] = -1;
      expression += ', #from :minus';
    } else {
      names['#total'] = 'total';
      expression += ', #total :plus';
    }
    const limited = slot > 0 && this.maxActivePerProject !== null;
    const conditions: string[] = [];
    if (limited) {
      values[':limit'] = this.maxActivePerProject;
      conditions.push('(attribute_not_exists(#active) OR #active < :limit)');
      if (direct) {
        names['#waiting'] = 'waitingForSlot';
        values[':none'] = 0;
        conditions.push('(attribute_not_exists(#waiting) OR #waiting <= :none)');
      }
    }
    return {
      TableName: this.tableName,
      Key: { pk: projectKey(scope), sk: operationCountersSk },
      UpdateExpression: expression,
      ...(conditions.length ? { ConditionExpression: conditions.join(' AND ') } : {}),
      ExpressionAttributeNames: names,
      ExpressionAttributeValues: values,
    };
  }

  async create(op: OperationRecord): Promise<void> {
    const item: StoredOperation & Record<string, unknown> = {
      ...op,
      phases: Object.fromEntries(op.phases.map((p) => [p.id, p])),
      pk: projectKey(op),
      sk: operationSk(op.operationId),
      entity: 'Operation',
      ...indexFields(op),
      ...(waitsForSlot(op) ? admissionFields(op) : {}),
    };
    const items: TransactItems = [
      { Put: { TableName: this.tableName, Item: item, ConditionExpression: 'attribute_not_exists(pk)' } },
      {
        Put: {
          TableName: this.tableName,
          Item: { pk: projectKey(op), sk: jobSk(op.jobId), entity: 'Job', jobId: op.jobId, operationId: op.operationId, attempt: 1, createdAt: op.dateCreated },
          ConditionExpression: 'attribute_not_exists(pk)',
        },
      },
      { Update: this.countersUpdate(op, null, op.status, waitsForSlot(op) ? 1 : 0, true) },
    ];
    if (op.retry) {
      // One retry per operation, however many requests race: the link is written with the retry or not at all.
      items.push({
        Update: {
          TableName: this.tableName,
          Key: { pk: projectKey(op), sk: operationSk(op.retry.originalOperationId) },
          UpdateExpression: 'SET retriedBy = :retry, dependents = list_append(if_not_exists(dependents, :empty), :dependent)',
          ConditionExpression: 'attribute_exists(pk) AND attribute_not_exists(retriedBy)',
          ExpressionAttributeValues: { ':retry': op.operationId, ':empty': [], ':dependent': [{ operationId: op.operationId, jobId: op.jobId, relation: 'retry' } satisfies DependentRecord] },
        },
      });
    }
    try {
      await this.write(items, 2);
    } catch (error) {
      if (op.retry && error instanceof TransactionCanceledException && error.CancellationReasons?.[3]?.Code === 'ConditionalCheckFailed') {
        const original = await this.get(op, op.retry.originalOperationId);
        throw new AlreadyRetriedError(op.retry.originalOperationId, original?.retriedBy ?? 'unknown');
      }
      throw error;
    }
  }

  /**
   * A transaction whose item at `countersIndex` takes a slot: its failed condition (alone) means no
   * slot was free. Every change of a project touches its counters item, so concurrent requests
   * collide there (TransactionConflict): those are tried again after a short random pause.
   */
  private async write(items: TransactItems, countersIndex: number): Promise<void> {
    for (let attempt = 1; ; attempt += 1) {
      try {
        await this.db.send(new TransactWriteCommand({ TransactItems: items }));
        return;
      } catch (error) {
        const reasons = error instanceof TransactionCanceledException ? (error.CancellationReasons ?? []) : [];
        const failed = reasons.flatMap((reason, i) => (reason?.Code === 'ConditionalCheckFailed' ? [i] : []));
        if (failed.length === 1 && failed[0] === countersIndex) {
          throw new CapacityExceededError('The project has no free slot for another active operation');
        }
        if (failed.length === 0 && reasons.some((reason) => reason?.Code === 'TransactionConflict') && attempt < 8) {
          await pause(fullJitterMs(attempt));
          continue;
        }
        throw error;
      }
    }
  }

  async get(scope: ProjectScope, operationId: string): Promise<OperationRecord | undefined> {
    const item = await this.getItem(scope, operationId);
    return item ? toRecord(item) : undefined;
  }

  private async getItem(scope: ProjectScope, operationId: string): Promise<Record<string, unknown> | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: projectKey(scope), sk: operationSk(operationId) }, ConsistentRead: true }));
    return Item;
  }

  async getByJob(scope: ProjectScope, jobId: string): Promise<OperationRecord | undefined> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: projectKey(scope), sk: jobSk(jobId) } }));
    return typeof Item?.operationId === 'string' ? this.get(scope, Item.operationId) : undefined;
  }

  /**
   * Queries the most selective index for the filter and applies the remaining
   * conditions as a filter expression; offsets are walked with the query's own pages.
   */
  async list(scope: ProjectScope, filter: OperationFilter, offset: number, limit: number) {
    const [indexName, partitionKey, partitionValue, sortKeyName] = filter.status
      ? (['byStatus', 'gsi2pk', indexKeys.byStatus(scope, filter.status), 'gsi2sk'] as const)
      : filter.operationType
        ? (['byType', 'gsi3pk', indexKeys.byType(scope, filter.operationType), 'gsi3sk'] as const)
        : filter.priority
          ? (['byPriority', 'gsi4pk', indexKeys.byPriority(scope, filter.priority), 'gsi4sk'] as const)
          : (['byCreated', 'gsi1pk', indexKeys.byCreated(scope), 'gsi1sk'] as const);

    const names: Record<string, string> = { '#pk': partitionKey };
    const values: Record<string, unknown> = { ':pk': partitionValue };
    let keyCondition = '#pk = :pk';
    if (filter.dateFrom || filter.dateTo) {
      names['#sk'] = sortKeyName;
      values[':from'] = filter.dateFrom ?? '0';
      values[':to'] = `${filter.dateTo ?? '9'}\uffff`;
      keyCondition += ' AND #sk BETWEEN :from AND :to';
    }
    const filters: string[] = [];
    if (filter.operationType && indexName !== 'byType') {
      names['#type'] = 'operationType';
      values[':type'] = filter.operationType;
      filters.push('#type = :type');
    }
    if (filter.priority && indexName !== 'byPriority') {
      names['#priority'] = 'priority';
      values[':priority'] = filter.priority;
      filters.push('#priority = :priority');
    }

    const wanted = offset + limit + 1;
    const found: Record<string, unknown>[] = [];
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: indexName,
          KeyConditionExpression: keyCondition,
          ...(filters.length ? { FilterExpression: filters.join(' AND ') } : {}),
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ScanIndexForward: false,
          Limit: Math.min(Math.max(wanted - found.length, 25), 1000),
          ExclusiveStartKey: startKey,
        }),
      );
      found.push(...(page.Items ?? []));
      startKey = page.LastEvaluatedKey;
    } while (startKey && found.length < wanted);

    return { items: found.slice(offset, offset + limit).map(toRecord), hasMore: found.length > offset + limit };
  }

  async counts(scope: ProjectScope): Promise<StatusCounts> {
    const { Item } = await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk: projectKey(scope), sk: operationCountersSk } }));
    const counts = emptyCounts();
    for (const key of Object.keys(counts) as Array<keyof StatusCounts>) {
      const value = Item?.[key];
      if (typeof value === 'number') counts[key] = value;
    }
    return counts;
  }

  async transition(scope: ProjectScope, operationId: string, from: readonly OperationStatus[], to: OperationStatus, fields: Partial<OperationRecord> = {}): Promise<boolean> {
    for (let attempt = 1; attempt <= maxTransitionAttempts; attempt += 1) {
      // Another writer moved it since our last read: wait a random, growing while before reading again.
      if (attempt > 1) await pause(fullJitterMs(attempt - 1));
      const item = await this.getItem(scope, operationId);
      const current = item ? toRecord(item) : undefined;
      if (!current || !from.includes(current.status)) return false;
      const { assignments, names, values } = setExpression({ ...fields, status: to, gsi2pk: indexKeys.byStatus(scope, to) });
      // An operation in the admission index is counted as waiting: leaving it un-counts it. The condition
      // holds the read's view of that, so a concurrent markWaitingForCapacity makes us read again.
      const inIndex = item!.gsi5pk !== undefined;
      const leavesIndex = inIndex && to !== 'Queued';
      try {
        await this.write(
          [
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: projectKey(scope), sk: operationSk(operationId) },
                UpdateExpression: `SET ${assignments.join(', ')}${leavesIndex ? ' REMOVE gsi5pk, gsi5sk' : ''}`,
                ConditionExpression: `#current = :current AND ${inIndex ? 'attribute_exists(gsi5pk)' : 'attribute_not_exists(gsi5pk)'}`,
                ExpressionAttributeNames: { ...names, '#current': 'status' },
                ExpressionAttributeValues: { ...values, ':current': current.status },
              },
            },
            { Update: this.countersUpdate(scope, current.status, to, leavesIndex ? -1 : 0) },
          ],
          1,
        );
        return true;
      } catch (error) {
        // Another writer changed the status between our read and write: read again.
        if (error instanceof TransactionCanceledException) continue;
        throw error;
      }
    }
    return false;
  }

  async update(scope: ProjectScope, operationId: string, fields: Partial<OperationRecord>): Promise<void> {
    if (fields.waitingFor === 'capacity') return this.markWaitingForCapacity(scope, operationId, fields);
    await this.setFields(scope, operationId, fields);
  }

  /**
   * A Queued operation that now waits only for a slot (a batch operation whose dependencies
   * completed) enters the admission index and the project's waiting count, together.
   */
  private async markWaitingForCapacity(scope: ProjectScope, operationId: string, fields: Partial<OperationRecord>): Promise<void> {
    const item = await this.getItem(scope, operationId);
    const current = item ? toRecord(item) : undefined;
    if (current?.status !== 'Queued' || item!.gsi5pk !== undefined) return this.setFields(scope, operationId, fields);
    const { assignments, names, values } = setExpression({ ...fields, ...admissionFields(current) });
    try {
      await this.db.send(
        new TransactWriteCommand({
          TransactItems: [
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: projectKey(scope), sk: operationSk(operationId) },
                UpdateExpression: `SET ${assignments.join(', ')}`,
                // Only while still Queued and not yet counted: a cancelled operation must not reappear in the index.
                ConditionExpression: '#waitingStatus = :queued AND attribute_not_exists(gsi5pk)',
                ExpressionAttributeNames: { ...names, '#waitingStatus': 'status' },
                ExpressionAttributeValues: { ...values, ':queued': 'Queued' },
              },
            },
            {
              Update: {
                TableName: this.tableName,
                Key: { pk: projectKey(scope), sk: operationCountersSk },
                UpdateExpression: 'ADD #waiting :one',
                ExpressionAttributeNames: { '#waiting': 'waitingForSlot' },
                ExpressionAttributeValues: { ':one': 1 },
              },
            },
          ],
        }),
      );
    } catch (error) {
      if (!(error instanceof TransactionCanceledException)) throw error;
      await this.setFields(scope, operationId, fields);
    }
  }

  async hasFreeSlot(scope: ProjectScope): Promise<boolean> {
    if (this.maxActivePerProject === null) return true;
    const { Item } = await this.db.send(
      new GetCommand({ TableName: this.tableName, Key: { pk: projectKey(scope), sk: operationCountersSk }, ProjectionExpression: '#active', ExpressionAttributeNames: { '#active': 'active' }, ConsistentRead: true }),
    );
    return (typeof Item?.active === 'number' ? Item.active : 0) < this.maxActivePerProject;
  }

  async *waitingForCapacity(scope: ProjectScope, priority: Priority): AsyncIterable<OperationRecord> {
    let startKey: Record<string, unknown> | undefined;
    do {
      const page = await this.db.send(
        new QueryCommand({
          TableName: this.tableName,
          IndexName: 'byAdmission',
          KeyConditionExpression: 'gsi5pk = :pk AND begins_with(gsi5sk, :priority)',
          ExpressionAttributeValues: { ':pk': indexKeys.byAdmission(scope), ':priority': admissionPriorityPrefix(priority) },
          ScanIndexForward: true,
          // Most admissions take one or two operations: small pages, as many as it takes.
          Limit: 25,
          ExclusiveStartKey: startKey,
        }),
      );
      for (const item of page.Items ?? []) yield toRecord(item);
      startKey = page.LastEvaluatedKey;
    } while (startKey);
  }

  async updatePhase(scope: ProjectScope & { jobId?: string }, operationId: string, phaseId: PhaseId, phase: Partial<PhaseRecord>, fields: Partial<OperationRecord> = {}): Promise<void> {
    const phaseFields = Object.fromEntries(Object.entries(phase).map(([key, value]) => [`phases.${phaseId}.${key}`, value]));
    if (!scope.jobId) return this.setFields(scope, operationId, { ...fields, ...phaseFields });
    const { assignments, names, values } = setExpression({ ...fields, ...phaseFields });
    if (assignments.length === 0) return;
    try {
      await this.db.send(
        new UpdateCommand({
          TableName: this.tableName,
          Key: { pk: projectKey(scope), sk: operationSk(operationId) },
          UpdateExpression: `SET ${assignments.join(', ')}`,
          // The fence: only the current attempt writes, and nothing after a forced cancellation.
          ConditionExpression: '#fenceJob = :fenceJob AND (attribute_not_exists(#fenceCancel.#fenceForce) OR #fenceCancel.#fenceForce = :fenceFalse)',
          ExpressionAttributeNames: { ...names, '#fenceJob': 'jobId', '#fenceCancel': 'cancellation', '#fenceForce': 'forceTermination' },
          ExpressionAttributeValues: { ...values, ':fenceJob': scope.jobId, ':fenceFalse': false },
        }),
      );
    } catch (error) {
      if (error instanceof ConditionalCheckFailedException || (error as Error).name === 'ConditionalCheckFailedException') {
        throw new FencedWriteError(`Job ${scope.jobId} no longer owns operation ${operationId}: its write to ${phaseId} was refused`);
      }
      throw error;
    }
  }

  async addAttemptJob(scope: ProjectScope, operationId: string, attempt: { jobId: string; attempt: number; createdAt: string }): Promise<void> {
    await this.db.send(
      new PutCommand({
        TableName: this.tableName,
        Item: { pk: projectKey(scope), sk: jobSk(attempt.jobId), entity: 'Job', jobId: attempt.jobId, operationId, attempt: attempt.attempt, createdAt: attempt.createdAt },
        ConditionExpression: 'attribute_not_exists(pk)',
      }),
    );
  }

  async addDependent(scope: ProjectScope, operationId: string, dependent: DependentRecord): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: projectKey(scope), sk: operationSk(operationId) },
        UpdateExpression: 'SET dependents = list_append(if_not_exists(dependents, :empty), :dependent)',
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeValues: { ':empty': [], ':dependent': [dependent] },
      }),
    );
  }

  async recordCallback(scope: ProjectScope, operationId: string, outcome: { successful: boolean; progress: boolean; at: string }): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: projectKey(scope), sk: operationSk(operationId) },
        UpdateExpression: outcome.progress
          ? 'ADD callbackStats.sent :one, callbackStats.#outcome :one, callbackStats.progressSent :one SET callbackStats.lastProgressCallback = :at'
          : 'ADD callbackStats.sent :one, callbackStats.#outcome :one',
        // The map exists from creation on for operations with callbacks.
        ConditionExpression: 'attribute_exists(callbackStats)',
        ExpressionAttributeNames: { '#outcome': outcome.successful ? 'successful' : 'failed' },
        ExpressionAttributeValues: { ':one': 1, ...(outcome.progress ? { ':at': outcome.at } : {}) },
      }),
    );
  }

  async recordNotification(scope: ProjectScope, operationId: string, channel: NotificationChannel, outcome: { successful: boolean; at: string }): Promise<void> {
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: projectKey(scope), sk: operationSk(operationId) },
        UpdateExpression: 'ADD notificationStats.#channel.#outcome :one SET notificationStats.#channel.lastDeliveryAt = :at',
        // The channel's counters exist from creation on for operations that asked for it.
        ConditionExpression: 'attribute_exists(notificationStats.#channel)',
        ExpressionAttributeNames: { '#channel': channel, '#outcome': outcome.successful ? 'successful' : 'failed' },
        ExpressionAttributeValues: { ':one': 1, ':at': outcome.at },
      }),
    );
  }

  private async setFields(scope: ProjectScope, operationId: string, fields: Record<string, unknown>): Promise<void> {
    const { assignments, names, values } = setExpression(fields);
    if (assignments.length === 0) return;
    await this.db.send(
      new UpdateCommand({
        TableName: this.tableName,
        Key: { pk: projectKey(scope), sk: operationSk(operationId) },
        UpdateExpression: `SET ${assignments.join(', ')}`,
        ConditionExpression: 'attribute_exists(pk)',
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  }
}
