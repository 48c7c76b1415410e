import type { NotificationChannel, OperationRecord } from '../records.ts';

/** The per-channel counts as `GET async/operation/{id}` shows them, beside `callbacks`. */
export function notificationsView(op: OperationRecord) {
  if (!op.notifications) return undefined;
  const counts = (channel: NotificationChannel) => {
    const stats = op.notificationStats?.[channel];
    return { deliveriesSuccessful: stats?.successful ?? 0, deliveriesFailed: stats?.failed ?? 0, lastDeliveryAt: stats?.lastDeliveryAt ?? null };
  };
  return {
    ...(op.notifications.email?.length ? { email: { recipients: op.notifications.email.length, ...counts('email') } } : {}),
    ...(op.notifications.slack ? { slack: { channel: op.notifications.slack.channel, mentionUsers: op.notifications.slack.mentionUsers ?? [], ...counts('slack') } } : {}),
  };
}
