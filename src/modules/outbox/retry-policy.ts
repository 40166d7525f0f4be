/** How failed deliveries are retried; from OUTBOX_MAX_ATTEMPTS, OUTBOX_RETRY_BASE_MS and OUTBOX_RETRY_MAX_MS. */
export interface RetryPolicy {
  /** Attempts (the one after commit included) before a delivery is DEAD. */
  maxAttempts: number;
  /** The wait after the first failure; doubled after each further one. */
  retryBaseMs: number;
  /** The longest wait between two attempts. */
  retryMaxMs: number;
}

/** Each wait is shortened by up to this fraction at random, so deliveries that failed together do not retry in lockstep. */
export const RETRY_JITTER = 0.2;

/**
 * The wait after the `attempt`-th failed attempt (1-based): `base × 2^(attempt-1)`,
 * capped at `retryMaxMs`, minus up to {@link RETRY_JITTER} of it. With the 20 %
 * jitter each wait is still longer than the one before, until the cap.
 */
export function retryDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(policy.retryMaxMs, policy.retryBaseMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(exponential * (1 - RETRY_JITTER * random()));
}
