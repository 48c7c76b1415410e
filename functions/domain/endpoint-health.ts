import type { WebhookRecord } from './records.ts';

export interface EndpointHealthPolicy {
  /** Pauses by the circuit breaker, with no success between them, after which the endpoint is warned. */
  warnAfterPauses: number;
  /** How long a warned endpoint may go on failing (since its first failure after a success) before it is disabled. */
  disableAfterFailingSeconds: number;
}

/** Three pauses come within minutes to hours of failing (the breaker's pauses double from a minute); a day of failures disables. */
export const defaultEndpointHealthPolicy: EndpointHealthPolicy = { warnAfterPauses: 3, disableAfterFailingSeconds: 86_400 };

/**
 * What a failed attempt does to a webhook or subscription, judged on the record as it was before the attempt:
 * first a warning (recorded once on the record and in the attempt log), then, if it still fails a day after its
 * failures began, disabling. A success clears the failure history and the warning (see the circuit store's reset).
 */
export function afterFailure(webhook: WebhookRecord, now: Date, policy: EndpointHealthPolicy = defaultEndpointHealthPolicy): 'none' | 'warn' | 'disable' {
  if (!webhook.warning) return (webhook.pausesSinceSuccess ?? 0) >= policy.warnAfterPauses ? 'warn' : 'none';
  const since = webhook.failingSince ? Date.parse(webhook.failingSince) : Number.NaN;
  return !Number.isNaN(since) && now.getTime() - since >= policy.disableAfterFailingSeconds * 1000 ? 'disable' : 'none';
}
