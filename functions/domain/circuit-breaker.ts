import type { Clock } from './ports.ts';
import type { ProjectScope, WebhookRecord } from './records.ts';

export interface CircuitPolicy {
  /** Consecutive failed attempts that pause an endpoint. */
  failureThreshold: number;
  /** The first pause; each pause after a failed trial doubles it, up to `maxPauseSeconds`. */
  pauseSeconds: number;
  maxPauseSeconds: number;
}

export const defaultCircuitPolicy: CircuitPolicy = { failureThreshold: 5, pauseSeconds: 60, maxPauseSeconds: 3600 };

/** The atomic updates the breaker needs; its state lives on the webhook record. */
export interface CircuitStore {
  /** Counts one failed attempt; the consecutive failures after it, or undefined when the webhook is gone. */
  recordFailure(scope: ProjectScope, webhookId: string): Promise<number | undefined>;
  /**
   * Pauses the endpoint if its failure count is still `expectedFailures` and it is not paused at `now` (so of
   * several concurrent failures, the one that counted last opens the circuit, once) and resets the count. False
   * when the condition did not hold.
   */
  pause(scope: ProjectScope, webhookId: string, pause: { expectedFailures: number; now: string; pausedUntil: string; pauseSeconds: number }): Promise<boolean>;
  /** Closes the circuit: no failures, no pause. */
  reset(scope: ProjectScope, webhookId: string): Promise<void>;
}

/**
 * A circuit breaker per endpoint (webhook or subscription). Closed, it lets attempts through and counts failures;
 * `failureThreshold` failures in a row open it for a pause, during which deliveries are postponed, not attempted.
 * When the pause ends the next attempt is a trial: a success closes the circuit, a failure reopens it for twice as
 * long. State is on the record, so every consumer instance sees the same circuit.
 */
export class CircuitBreaker {
  constructor(
    private readonly store: CircuitStore,
    private readonly clock: Clock,
    private readonly policy: CircuitPolicy = defaultCircuitPolicy,
  ) {}

  /** Seconds until the endpoint may be tried again; 0 when it may be tried now. */
  pausedFor(webhook: WebhookRecord): number {
    if (!webhook.pausedUntil) return 0;
    return Math.max(0, Math.ceil((Date.parse(webhook.pausedUntil) - this.clock.now().getTime()) / 1000));
  }

  async succeeded(scope: ProjectScope, webhook: WebhookRecord): Promise<void> {
    // Most deliveries succeed on a closed circuit: no write for them.
    if (!webhook.consecutiveFailures && !webhook.pausedUntil && !webhook.pauseSeconds) return;
    await this.store.reset(scope, webhook.webhookId);
  }

  /** Counts a failed attempt and pauses the endpoint when the threshold is reached or a trial failed. */
  async failed(scope: ProjectScope, webhook: WebhookRecord): Promise<void> {
    const failures = await this.store.recordFailure(scope, webhook.webhookId);
    if (failures === undefined) return;
    // A pause happened and no success since: this attempt was the trial after it.
    const trialFailed = webhook.pauseSeconds !== undefined && this.pausedFor(webhook) === 0;
    if (failures < this.policy.failureThreshold && !trialFailed) return;
    const pauseSeconds = webhook.pauseSeconds ? Math.min(this.policy.maxPauseSeconds, webhook.pauseSeconds * 2) : this.policy.pauseSeconds;
    const now = this.clock.now();
    const pausedUntil = new Date(now.getTime() + pauseSeconds * 1000).toISOString();
    await this.store.pause(scope, webhook.webhookId, { expectedFailures: failures, now: now.toISOString(), pausedUntil, pauseSeconds });
  }
}
