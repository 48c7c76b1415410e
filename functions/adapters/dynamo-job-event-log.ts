import { TransactionCanceledException } from '@aws-sdk/client-dynamodb';
import { GetCommand, QueryCommand, TransactWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { jobFactsKey } from './dynamo-keys.ts';
import type { JobEventDraft, JobEventLog, LoggedJobEvent } from '../domain/job-event-log.ts';
import type { JobScope } from '../domain/ports.ts';
import type { JobRef } from '../domain/records.ts';

/** The job's counter item: the last sequence number given, and when a terminal event closed the log. */
const counterSk = 'EVENTLOG';
const eventSk = (sequence: number) => `SEQ#${String(sequence).padStart(10, '0')}`;
const maxAttempts = 20;

/**
 * The event log in the job's partition: one item per event, keyed by its sequence number, and a counter item. An
 * append reads the counter, then in one transaction moves it on (on condition that it still holds what was read
 * and the log is open) and writes the events; a concurrent append that won makes it read again and retry.
 */
export class DynamoJobEventLog implements JobEventLog {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  async append(job: JobRef, events: JobEventDraft[]): Promise<LoggedJobEvent[] | null> {
    const pk = jobFactsKey(job, job.jobId);
    const expiresAt = Math.floor(Date.now() / 1000) + this.retentionDays * 86_400;
    for (let attempt = 0; attempt < maxAttempts; attempt += 1) {
      const counter = (await this.db.send(new GetCommand({ TableName: this.tableName, Key: { pk, sk: counterSk }, ConsistentRead: true }))).Item;
      if (counter?.closedAt) return null;
      const last = Number(counter?.lastSequence ?? 0);
      const logged = events.map((event, i) => ({ ...event, sequence: last + i + 1 }));
      const terminal = logged.find((event) => event.terminal);
      try {
        await this.db.send(
          new TransactWriteCommand({
            TransactItems: [
              {
                Update: {
                  TableName: this.tableName,
                  Key: { pk, sk: counterSk },
                  UpdateExpression: `SET lastSequence = :next, expiresAt = :expiresAt${terminal ? ', closedAt = :closedAt' : ''}`,
                  ConditionExpression: counter ? 'lastSequence = :last AND attribute_not_exists(closedAt)' : 'attribute_not_exists(pk)',
                  ExpressionAttributeValues: {
                    ':next': last + logged.length,
                    ':expiresAt': expiresAt,
                    ...(counter ? { ':last': last } : {}),
                    ...(terminal ? { ':closedAt': terminal.timestamp } : {}),
                  },
                },
              },
              ...logged.map((event) => ({
                Put: { TableName: this.tableName, Item: { pk, sk: eventSk(event.sequence), entity: 'JobEvent', expiresAt, ...event } },
              })),
            ],
          }),
        );
        return logged;
      } catch (error) {
        if (!(error instanceof TransactionCanceledException)) throw error;
        // Another append (or the terminal event) got there first: read the counter again.
        await new Promise((resolve) => setTimeout(resolve, Math.min(200, 5 * 2 ** attempt) * Math.random()));
      }
    }
    throw new Error(`Could not append to the event log of job ${job.jobId} after ${maxAttempts} attempts`);
  }

  async readAfter(job: JobScope, afterSequence: number, limit = 1000): Promise<LoggedJobEvent[]> {
    const page = await this.db.send(
      new QueryCommand({
        TableName: this.tableName,
        KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
        ExpressionAttributeValues: { ':pk': jobFactsKey(job, job.jobId), ':from': eventSk(afterSequence + 1), ':to': 'SEQ#~' },
        ConsistentRead: true,
        Limit: limit,
      }),
    );
    return (page.Items ?? []).map(({ pk: _pk, sk: _sk, entity: _entity, expiresAt: _expiresAt, ...event }) => event as unknown as LoggedJobEvent);
  }
}
