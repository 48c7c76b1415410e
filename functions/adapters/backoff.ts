/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and Jitter"): the wait before
 * try `attempt` (1, 2, …) is random in [0, min(cap, base × 2^(attempt-1))), so writers that collided on the same
 * item spread out instead of colliding again in step.
 */
export function fullJitterMs(attempt: number, { baseMs = 10, capMs = 500, random = Math.random }: { baseMs?: number; capMs?: number; random?: () => number } = {}): number {
  return random() * Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
}

export const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
