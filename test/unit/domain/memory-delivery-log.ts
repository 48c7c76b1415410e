import { maxLoggedAttempts, type DeliveryAttemptRecord, type DeliveryFilter, type DeliveryLog, type DeliveryMessage, type DeliveryMessageRecord, type DeliveryStatus } from '../../../functions/domain/delivery-log.ts';
import type { Page } from '../../../functions/domain/ports.ts';
import type { ProjectScope } from '../../../functions/domain/records.ts';

/** The DynamoDB attempt log's contract in memory: first values kept, attempts appended up to the cap, newest first. */
export class MemoryDeliveryLog implements DeliveryLog {
  readonly messages = new Map<string, DeliveryMessageRecord>();

  private key(webhookId: string, deliveryId: string) {
    return `${webhookId}/${deliveryId}`;
  }

  async record(message: DeliveryMessage, status: DeliveryStatus, attempt?: DeliveryAttemptRecord, dropped?: string): Promise<void> {
    const key = this.key(message.webhookId, message.deliveryId);
    const current = this.messages.get(key) ?? { ...structuredClone(message), status, attempts: [] };
    current.status = status;
    if (attempt && current.attempts.length < maxLoggedAttempts) current.attempts.push(structuredClone(attempt));
    if (dropped) current.dropped = dropped;
    this.messages.set(key, current);
  }

  async get(_scope: ProjectScope, webhookId: string, deliveryId: string) {
    const found = this.messages.get(this.key(webhookId, deliveryId));
    return found && structuredClone(found);
  }

  private of(webhookId: string) {
    return [...this.messages.values()].filter((m) => m.webhookId === webhookId).sort((a, b) => a.deliveryId.localeCompare(b.deliveryId));
  }

  async page(_scope: ProjectScope, webhookId: string, filter: DeliveryFilter, pageSize: number, nextToken?: string): Promise<Page<DeliveryMessageRecord>> {
    const all = this.of(webhookId).reverse().filter((m) => !filter.status || m.status === filter.status);
    const start = nextToken ? Number(nextToken) : 0;
    return { items: all.slice(start, start + pageSize), ...(start + pageSize < all.length ? { nextToken: String(start + pageSize) } : {}) };
  }

  async since(_scope: ProjectScope, webhookId: string, since: string, limit: number) {
    return this.of(webhookId)
      .filter((m) => Date.parse(m.createdAt) >= Date.parse(since))
      .slice(0, limit);
  }

  async markPending(_scope: ProjectScope, webhookId: string, deliveryId: string): Promise<void> {
    const found = this.messages.get(this.key(webhookId, deliveryId));
    if (found) found.status = 'pending';
  }
}
