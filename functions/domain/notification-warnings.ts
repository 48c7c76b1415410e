import type { StartOperationBody } from '../schemas/operation.ts';

/**
 * `notifications.email` and `notifications.slack` are accepted as the async-operations document shows them, but no
 * e-mail or Slack channel is wired yet. The answer says so, naming the fields, rather than storing a promise that is
 * silently never kept; callbacks and webhooks are the delivery channels today.
 */
export function notificationWarnings(notifications: StartOperationBody['notifications'], field: string): string[] {
  const warnings: string[] = [];
  if (notifications?.email?.length) warnings.push(`${field}.email: e-mail notifications are not sent yet; use callbacks or a webhook`);
  if (notifications?.slack) warnings.push(`${field}.slack: Slack notifications are not sent yet; use callbacks or a webhook`);
  return warnings;
}
