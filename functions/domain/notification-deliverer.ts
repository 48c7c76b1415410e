import { callbackRetryPolicy, parseRetryAfter, retryDelaySeconds, type CallbackDelivery, type DeliveryOutcome, type Post, type RetryPolicy } from './callbacks.ts';
import type { EmailMessage, SlackMessage } from './notification-messages.ts';
import type { SlackIntegrationStore } from './notifications.ts';
import type { Clock, OperationStore } from './ports.ts';
import type { NotificationChannel } from './records.ts';
import { ReceiverRefusedError } from './receiver-guard.ts';
import { telemetry } from './telemetry.ts';

/** What one send came to: a refusal that another attempt cannot change is not retried. */
export type SendResult = { ok: true } | { ok: false; retryable: boolean; reason: string; retryAfterSeconds?: number };

/** Sends one e-mail (Amazon SES v2 in AWS, its emulator locally: adapters/ses-email-sender.ts). */
export interface EmailSender {
  send(from: string, message: EmailMessage): Promise<SendResult>;
}

export interface NotificationDelivererOptions {
  /** The deployment's sender address; without one an e-mail delivery fails (the API refuses such operations anyway). */
  emailSender?: string;
  policy?: RetryPolicy;
  /** Test seam for the retry jitter. */
  random?: () => number;
}

/** A Retry-After longer than one message delay is not waited for: the next attempt comes at the policy's time. */
const maxHonouredRetryAfterSeconds = 900;

/**
 * Sends the e-mail and Slack messages queued when an operation ended, through the same queue and retry schedule as
 * its callbacks (callbackRetryPolicy: 4 retries a minute apart, doubling, with jitter). A Slack post goes through the
 * receiver guard at every attempt, as webhooks do. Each message that is done (sent, or failed for good) is counted
 * on the operation per channel.
 */
export class NotificationDeliverer {
  private readonly policy: RetryPolicy;
  private readonly random: () => number;

  constructor(
    private readonly email: EmailSender,
    private readonly post: Post,
    private readonly integrations: Pick<SlackIntegrationStore, 'get'>,
    private readonly operations: Pick<OperationStore, 'recordNotification'>,
    private readonly clock: Clock,
    private readonly options: NotificationDelivererOptions = {},
  ) {
    this.policy = options.policy ?? callbackRetryPolicy;
    this.random = options.random ?? Math.random;
  }

  /** `attempt` counts from 1 across the message's receives. */
  async deliver(delivery: CallbackDelivery, attempt: number): Promise<DeliveryOutcome> {
    const channel = delivery.target.kind as NotificationChannel;
    const result = channel === 'email' ? await this.sendEmail(delivery) : await this.postToSlack(delivery);
    if (!result.ok) {
      const retry = result.retryable && attempt <= this.policy.maxRetries;
      telemetry.log('WARN', 'Notification not delivered', { channel, operationId: delivery.operation.operationId, deliveryId: delivery.deliveryId, attempt, reason: result.reason, retry });
      if (retry) return { outcome: 'retry', afterSeconds: retryDelaySeconds(this.policy, attempt, result.retryAfterSeconds, this.random) };
    }
    const scope = { tenantId: delivery.operation.tenantId, projectId: delivery.operation.projectId };
    await this.operations.recordNotification(scope, delivery.operation.operationId, channel, { successful: result.ok, at: this.clock.now().toISOString() });
    return { outcome: result.ok ? 'delivered' : 'failed' };
  }

  private async sendEmail(delivery: CallbackDelivery): Promise<SendResult> {
    if (!this.options.emailSender) return { ok: false, retryable: false, reason: 'this deployment has no sender address (notificationSender)' };
    return this.email.send(this.options.emailSender, delivery.payload as unknown as EmailMessage);
  }

  /**
   * Slack answers 2xx when it took the message; 429 (with Retry-After) and 5xx are worth another attempt, any other
   * 4xx (`invalid_payload`, `no_service`, `channel_is_archived`...) is not. The integration is read now: one removed
   * since the message was queued gets nothing.
   */
  private async postToSlack(delivery: CallbackDelivery): Promise<SendResult> {
    const integration = await this.integrations.get(delivery.operation);
    if (!integration) return { ok: false, retryable: false, reason: 'the project has no Slack integration any more' };
    const message = delivery.payload as unknown as SlackMessage;
    try {
      const answer = await this.post(integration.webhookUrl, JSON.stringify(message), { 'Content-Type': 'application/json', 'User-Agent': 'process-mining-jobs-notifications/1' });
      if (answer.status >= 200 && answer.status < 300) return { ok: true };
      const retryAfter = answer.status === 429 ? parseRetryAfter(answer.retryAfter, this.clock.now()) : undefined;
      return {
        ok: false,
        retryable: answer.status === 429 || answer.status >= 500,
        reason: `Slack answered ${answer.status}${answer.excerpt ? ` ${answer.excerpt.slice(0, 100)}` : ''}`,
        ...(retryAfter !== undefined ? { retryAfterSeconds: Math.min(maxHonouredRetryAfterSeconds, retryAfter) } : {}),
      };
    } catch (error) {
      // A refused address was never contacted; it will not become acceptable by waiting.
      if (error instanceof ReceiverRefusedError) return { ok: false, retryable: false, reason: error.message };
      return { ok: false, retryable: true, reason: error instanceof Error ? error.message : String(error) };
    }
  }
}
