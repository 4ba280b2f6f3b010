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
      const { keys, args } = hitCall(shared, name, now, windowSeconds);
      // One script, not MULTI/INCR/EXPIRE/EXEC: one command for the client to build and parse.
      return Number(await call(() => script("tmCountHit")(...keys, ...args)));
    },
  };
}

/** The key and argument of one hit on counter `name` (`COUNT_HIT`): its window's key and TTL. */
export function hitCall(
  shared: RedisStoreContext,
  name: string,
  now: number,
  windowSeconds: number,
): { readonly keys: string[]; readonly args: number[] } {
  const window = Math.floor(now / windowSeconds);
  return { keys: [shared.key.hits(name, window)], args: [windowSeconds + 1] };
}
