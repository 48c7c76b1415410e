import type { CallbackDelivery, CallbackEvent } from './callbacks.ts';
import { deliveryIdAt } from './delivery-log.ts';
import { ConflictError, ValidationError } from './errors.ts';
import { emailMessage, slackMessage } from './notification-messages.ts';
import type { NotificationChannel, NotificationStats, OperationRecord, ProjectScope } from './records.ts';
import type { StartOperationBody } from '../schemas/operation.ts';

/** The project's Slack incoming webhook; its URL is a credential (whoever has it can post), so it is never shown. */
export interface SlackIntegrationRecord extends ProjectScope {
  webhookUrl: string;
  createdAt: string;
  updatedAt: string;
}

export interface SlackIntegrationStore {
  get(scope: ProjectScope): Promise<SlackIntegrationRecord | undefined>;
  put(record: SlackIntegrationRecord): Promise<void>;
  /** False when there was none. */
  delete(scope: ProjectScope): Promise<boolean>;
}

/** What a deployment can send notifications through, for the check made when an operation is accepted. */
export interface NotificationChannels {
  /** The address e-mail is sent from (CDK context `notificationSender`); without one, e-mail is refused. */
  emailSender: string | undefined;
  slack: Pick<SlackIntegrationStore, 'get'>;
}

/**
 * Refuses a notification the deployment or the project cannot send, naming the field: accepting it and never sending
 * it would be a promise not kept. E-mail needs the deployment's sender (400); Slack the project's integration (409,
 * the project's state decides).
 */
export async function checkNotifications(scope: ProjectScope, notifications: StartOperationBody['notifications'], channels: NotificationChannels | undefined, at = 'body.notifications'): Promise<void> {
  if (notifications?.email?.length && !channels?.emailSender) {
    throw new ValidationError('E-mail notifications are not available in this deployment', [
      { name: `${at}.email`, reason: 'this deployment has no sender address (CDK context notificationSender); use callbacks or a webhook' },
    ]);
  }
  if (notifications?.slack && !(await channels?.slack.get(scope))) {
    throw new ConflictError('The project has no Slack integration', [
      { name: `${at}.slack`, reason: "the project has no Slack incoming webhook; register one with PUT async/integrations/slack first" },
    ]);
  }
}

/** The counters an operation starts with, one per channel it asked for, so deliveries add to a map that exists. */
export function initialNotificationStats(notifications: StartOperationBody['notifications']): NotificationStats | undefined {
  const stats: NotificationStats = {};
  if (notifications?.email?.length) stats.email = { successful: 0, failed: 0 };
  if (notifications?.slack) stats.slack = { successful: 0, failed: 0 };
  return Object.keys(stats).length ? stats : undefined;
}

/** Notifications are sent when an operation ends, however it ends; progress goes to callbacks and webhooks. */
const endingEvents: ReadonlySet<CallbackEvent> = new Set(['operation.completed', 'operation.failed', 'operation.timeout', 'operation.cancelled']);

/**
 * The queue messages that notify an operation's e-mail recipients (one message each, so no recipient sees the others'
 * addresses and one refused address costs the others nothing) and its Slack channel. The Slack message carries no
 * URL: the deliverer reads the project's integration when it sends, so the credential never sits in a queue and a
 * removed integration posts nothing more.
 */
export function notificationDeliveries(op: OperationRecord, event: CallbackEvent, createdAt: Date, link?: string): CallbackDelivery[] {
  if (!endingEvents.has(event) || !op.notifications) return [];
  const operation = { tenantId: op.tenantId, projectId: op.projectId, operationId: op.operationId };
  const delivery = (channel: NotificationChannel, url: string, message: object): CallbackDelivery => {
    const deliveryId = deliveryIdAt(createdAt);
    return { deliveryId, url, event, target: { kind: channel }, operation, payload: { ...message }, createdAt: createdAt.toISOString() };
  };
  return [
    ...(op.notifications.email ?? []).map((to) => delivery('email', `mailto:${to}`, emailMessage(op, to, link))),
    ...(op.notifications.slack ? [delivery('slack', `slack:${op.notifications.slack.channel}`, slackMessage(op, op.notifications.slack, link))] : []),
  ];
}
