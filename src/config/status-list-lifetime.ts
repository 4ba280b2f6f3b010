/**
 * How long a signed status list token stays valid, derived from its `ttl`: the status list
 * signs with it, and key retirement waits for the last list a key could have signed.
 * @module
 */

/**
 * A status list token's lifetime in seconds: ten `ttl`s, at least ten minutes.
 *
 * @example
 * ```ts
 * statusListLifetime(60); // 600
 * ```
 */
export function statusListLifetime(ttlSeconds: number): number {
  return Math.max(600, ttlSeconds * 10);
}
