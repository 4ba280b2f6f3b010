/**
 * Shared counters in memory: one-time claims and fixed-window hit counters, expiring like their
 * Redis keys.
 *
 * @example
 * ```ts
 * const hits = await createMemoryRateLimitStore(expiry).countHit("mint:client:platform", now, 60);
 * ```
 * @module
 */
import type { RateLimitStore } from "../types.js";
import type { Expiring, Expiry } from "./expiring.js";

interface CounterEntry extends Expiring {
  count: number;
}

/**
 * The rate-limit role in memory.
 *
 * @example
 * ```ts
 * await createMemoryRateLimitStore(expiry).claimOnce("expiring:abc:86400", 90000);
 * ```
 */
export function createMemoryRateLimitStore(expiry: Expiry): RateLimitStore {
  const { live, clock } = expiry;
  const counters = new Map<string, CounterEntry>();
  return {
    async claimOnce(name, ttlSeconds) {
      if (live(counters, `once:${name}`)) return false;
      counters.set(`once:${name}`, { count: 1, expiresAt: clock() + ttlSeconds * 1000 });
      return true;
    },
    async countHit(name, now, windowSeconds) {
      const window = Math.floor(now / windowSeconds);
      const key = `rl:${name}:${window}`;
      const entry = live(counters, key) ?? {
        count: 0,
        expiresAt: (window + 1) * windowSeconds * 1000 + 1000,
      };
      entry.count += 1;
      counters.set(key, entry);
      return entry.count;
    },
  };
}
