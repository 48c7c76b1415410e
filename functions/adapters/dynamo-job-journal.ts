import { randomBytes } from 'node:crypto';
import { BatchWriteCommand, type DynamoDBDocumentClient } from '@aws-sdk/lib-dynamodb';
import { queryAll } from './dynamo-query.ts';
import { jobFactsKey } from './dynamo-keys.ts';
import type { JobFacts, JobJournal, JobScope } from '../domain/ports.ts';
import type { JobRef, LogEntry, ResourceSample, TimelineEvent } from '../domain/records.ts';

const batchLimit = 25;
const prefixes: Record<keyof JobFacts, string> = { logs: 'LOG', events: 'EVT', samples: 'RES' };

/** Log, event and sample items of a job share its partition; their sort keys order them in time. */
export class DynamoJobJournal implements JobJournal {
  constructor(
    private readonly db: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly retentionDays: number,
  ) {}

  async append(job: JobRef, facts: { logs?: LogEntry[]; events?: TimelineEvent[]; samples?: ResourceSample[] }): Promise<void> {
    const pk = jobFactsKey(job, job.jobId);
    const expiresAt = Math.floor(Date.now() / 1000) + this.retentionDays * 86_400;
    // A random suffix keeps two facts written in the same millisecond apart.
    const sk = (kind: string, timestamp: string) => `${kind}#${timestamp}#${randomBytes(4).toString('hex')}`;
    const items = [
      ...(facts.logs ?? []).map((entry) => ({ pk, sk: sk(prefixes.logs, entry.timestamp), entity: 'Log', expiresAt, ...entry })),
      ...(facts.events ?? []).map((event) => ({ pk, sk: sk(prefixes.events, event.timestamp), entity: 'Event', expiresAt, ...event })),
      ...(facts.samples ?? []).map((sample) => ({ pk, sk: sk(prefixes.samples, sample.timestamp), entity: 'Sample', expiresAt, ...sample })),
    ];
    for (let i = 0; i < items.length; i += batchLimit) {
      let requests: Record<string, unknown>[] | undefined = items.slice(i, i + batchLimit).map((Item) => ({ PutRequest: { Item } }));
      for (let attempt = 0; requests?.length; attempt += 1) {
        if (attempt > 0) await new Promise((r) => setTimeout(r, Math.min(1000, 50 * 2 ** attempt)));
        if (attempt > 8) throw new Error(`Could not write ${requests.length} journal items after retries`);
        const result = await this.db.send(new BatchWriteCommand({ RequestItems: { [this.tableName]: requests } }));
        requests = result.UnprocessedItems?.[this.tableName] as Record<string, unknown>[] | undefined;
      }
    }
  }

  async read<K extends keyof JobFacts>(job: JobScope, kind: K, range: { from?: string; to?: string } = {}): Promise<JobFacts[K][]> {
    const prefix = prefixes[kind];
    const items = await queryAll(this.db, {
      TableName: this.tableName,
      KeyConditionExpression: 'pk = :pk AND sk BETWEEN :from AND :to',
      ExpressionAttributeValues: {
        ':pk': jobFactsKey(job, job.jobId),
        ':from': `${prefix}#${range.from ?? ''}`,
        // '~' sorts after every character of an ISO timestamp and of the random suffix.
        ':to': `${prefix}#${range.to ?? ''}~`,
      },
    });
    return items.map(({ pk: _pk, sk: _sk, entity: _entity, expiresAt: _expiresAt, ...fact }) => fact as unknown as JobFacts[K]);
  }
}
