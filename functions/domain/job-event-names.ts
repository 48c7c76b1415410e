import { jobEvents, type JobEvent, type WebhookEvent } from '../schemas/webhook.ts';

const endings: readonly WebhookEvent[] = jobEvents.jobCompleted;

/**
 * The job-tracking name a subscriber sees for an operation event. The job's end is `jobCompleted` (its `status` says
 * how it ended) whenever that name was subscribed, so a failed job ends with one `jobCompleted`, not a second `error`;
 * otherwise the first subscribed name that stands for the event, and `error` for errors asked by `notifyOnErrors`.
 */
export function jobEventName(names: readonly JobEvent[], type: WebhookEvent): JobEvent {
  if (names.includes('jobCompleted') && endings.includes(type)) return 'jobCompleted';
  return names.find((name) => (jobEvents[name] as readonly WebhookEvent[]).includes(type)) ?? 'error';
}
