/**
 * Which tokens this process wrote a use for lately. Requests presenting the same token at once
 * all read its record before the first of them records the use; without this, each would send
 * its own (redundant) write. Bounded: past `maxEntries`, the entry claimed longest ago goes (its
 * token is then at worst written once more).
 *
 * @example
 * ```ts
 * const throttle = createUsageThrottle(60);
 * if (throttle.claim(jti, now)) await recordUse().catch((e) => { throttle.release(jti); throw e; });
 * ```
 * @module
 */

/** Claims on usage writes, per token id. */
export interface UsageThrottle {
  /** True (and claimed) unless this process claimed `id` less than the interval before `now`. */
  claim(id: string, now: number): boolean;
  /** Gives a claim back (its write failed). */
  release(id: string): void;
}

/**
 * Creates a throttle that lets one write per token through every `intervalSeconds`.
 *
 * @example
 * ```ts
 * const throttle = createUsageThrottle(60, 10_000);
 * throttle.claim("jti-1", 1000); // true
 * throttle.claim("jti-1", 1030); // false
 * ```
 */
export function createUsageThrottle(intervalSeconds: number, maxEntries = 10_000): UsageThrottle {
  const claimed = new Map<string, number>();
  return {
    claim(id, now) {
      const at = claimed.get(id);
      if (at !== undefined && now - at < intervalSeconds) return false;
      claimed.delete(id);
      claimed.set(id, now);
      if (claimed.size > maxEntries) claimed.delete(claimed.keys().next().value as string);
      return true;
    },
    release(id) {
      claimed.delete(id);
    },
  };
}
