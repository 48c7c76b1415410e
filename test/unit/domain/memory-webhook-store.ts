import { LimitExceededError } from '../../../functions/domain/errors.ts';
import type { Page, WebhookChanges, WebhookStore } from '../../../functions/domain/ports.ts';
import type { ProjectScope, WebhookRecord } from '../../../functions/domain/records.ts';

type Outcome = Parameters<WebhookStore['recordDelivery']>[2];

/** The DynamoDB store's contract in memory: limits, updates and the circuit's conditional writes. */
export class MemoryWebhookStore implements WebhookStore {
  readonly records = new Map<string, WebhookRecord>();
  readonly deliveries: Array<{ webhookId: string } & Outcome> = [];

  constructor(initial: WebhookRecord[] = []) {
    for (const record of initial) this.records.set(record.webhookId, structuredClone(record));
  }

  async create(webhook: WebhookRecord, limit: number): Promise<void> {
    const now = Date.now() / 1000;
    const siblings = [...this.records.values()].filter((r) =>
      webhook.jobId ? r.jobId === webhook.jobId && (r.expiresAt ?? Infinity) > now : !r.jobId && r.tenantId === webhook.tenantId && r.projectId === webhook.projectId,
    );
    if (siblings.length >= limit) throw new LimitExceededError('at the limit', limit);
    this.records.set(webhook.webhookId, structuredClone(webhook));
  }

  async get(_scope: ProjectScope, webhookId: string): Promise<WebhookRecord | undefined> {
    const record = this.records.get(webhookId);
    return record && structuredClone(record);
  }

  async list(): Promise<WebhookRecord[]> {
    return [...this.records.values()].map((r) => structuredClone(r));
  }

  async page(_scope: ProjectScope, pageSize: number, nextToken?: string): Promise<Page<WebhookRecord>> {
    const all = [...this.records.values()].filter((r) => !r.jobId);
    const start = nextToken ? Number(nextToken) : 0;
    const items = all.slice(start, start + pageSize);
    return { items, ...(start + pageSize < all.length ? { nextToken: String(start + pageSize) } : {}) };
  }

  async listForJob(_scope: ProjectScope, jobId: string, nowSeconds: number): Promise<WebhookRecord[]> {
    return [...this.records.values()].filter((r) => r.jobId === jobId && (r.expiresAt ?? Infinity) > nowSeconds);
  }

  async update(_scope: ProjectScope, webhookId: string, changes: WebhookChanges): Promise<WebhookRecord | undefined> {
    const record = this.records.get(webhookId);
    if (!record) return undefined;
    Object.assign(record, structuredClone(changes));
    return structuredClone(record);
  }

  async delete(_scope: ProjectScope, webhook: WebhookRecord): Promise<boolean> {
    return this.records.delete(webhook.webhookId);
  }

  async recordDelivery(_scope: ProjectScope, webhookId: string, outcome: Outcome): Promise<void> {
    this.deliveries.push({ webhookId, ...outcome });
  }

  async recordFailure(_scope: ProjectScope, webhookId: string): Promise<number | undefined> {
    const record = this.records.get(webhookId);
    if (!record) return undefined;
    record.consecutiveFailures = (record.consecutiveFailures ?? 0) + 1;
    record.failingSince ??= new Date().toISOString();
    return record.consecutiveFailures;
  }

  async pause(_scope: ProjectScope, webhookId: string, pause: { expectedFailures: number; now: string; pausedUntil: string; pauseSeconds: number }): Promise<boolean> {
    const record = this.records.get(webhookId);
    if (!record || record.consecutiveFailures !== pause.expectedFailures || (record.pausedUntil && record.pausedUntil > pause.now)) return false;
    Object.assign(record, { pausedUntil: pause.pausedUntil, pauseSeconds: pause.pauseSeconds, consecutiveFailures: 0, pausesSinceSuccess: (record.pausesSinceSuccess ?? 0) + 1 });
    return true;
  }

  async reset(_scope: ProjectScope, webhookId: string): Promise<void> {
    const record = this.records.get(webhookId);
    if (!record) return;
    delete record.consecutiveFailures;
    delete record.pausedUntil;
    delete record.pauseSeconds;
    delete record.failingSince;
    delete record.pausesSinceSuccess;
    delete record.warning;
  }
}
