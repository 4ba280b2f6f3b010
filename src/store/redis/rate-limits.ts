/**
 * Shared counters on Redis: one-time claims (`SET NX EX`) and fixed-window hit counters, so every
 * instance counts the same windows.
 *
 * @example
 * ```ts
 * const hits = await createRedisRateLimitStore(shared).countHit("mint:client:platform", now, 60);
 * ```
 * @module
 */
import type { RateLimitStore } from "../types.js";
import type { RedisStoreContext } from "./store-context.js";

/**
 * The rate-limit role on Redis.
 *
 * @example
 * ```ts
 * if (await createRedisRateLimitStore(shared).claimOnce("expiring:abc:86400", 90000)) notify();
 * ```
 */
export function createRedisRateLimitStore(shared: RedisStoreContext): RateLimitStore {
  const { redis, key, call, script } = shared;
  return {
    async claimOnce(name, ttlSeconds) {
      const set = await call(() => redis.set(key.once(name), "1", "EX", ttlSeconds, "NX"));
      return set === "OK";
    },
    async countHit(name, now, windowSeconds) {
      const window = Math.floor(now / windowSeconds);
      const counter = key.hits(name, window);
      // One script, not MULTI/INCR/EXPIRE/EXEC: one command for the client to build and parse.
      return Number(await call(() => script("tmCountHit")(counter, windowSeconds + 1)));
    },
  };
}
