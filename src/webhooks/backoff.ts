/**
 * Retry delays: exponential with full jitter. The n-th retry waits a random time below
 * `base · 2^(n-1)`, the bound capped at {@link MAX_RETRY_DELAY_MS}, so receivers that come back
 * are not hit by every instance's retries at once.
 *
 * @example
 * ```ts
 * retryDelayMs(3, 10_000); // somewhere in [0, 40 000)
 * ```
 * @module
 */

/** The largest bound of one delay: one hour. */
export const MAX_RETRY_DELAY_MS = 3_600_000;

/** The delay before retry number `attempt` (1 for the first retry). */
export function retryDelayMs(attempt: number, baseMs: number, random = Math.random): number {
  const bound = Math.min(MAX_RETRY_DELAY_MS, baseMs * 2 ** Math.min(attempt - 1, 30));
  return Math.floor(random() * bound);
}
