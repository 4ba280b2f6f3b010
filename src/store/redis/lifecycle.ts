/**
 * Opening the Redis store: connecting, creating or finding the epoch, checking it, and warning
 * about settings that put revocations at risk.
 *
 * @example
 * ```ts
 * const lifecycle = createRedisLifecycle(shared);
 * const epoch = await lifecycle.open(131072);
 * ```
 * @module
 */
import { StoreUnavailable } from "../../errors.js";
import { randomSlug } from "../../random.js";
import { connectOnce, type RedisClient } from "../redis-connection.js";
import type { StoreLifecycle } from "../types.js";
import type { RedisStoreContext } from "./store-context.js";

/**
 * The lifecycle role on Redis.
 *
 * @example
 * ```ts
 * await createRedisLifecycle(shared).ping();
 * ```
 */
export function createRedisLifecycle(shared: RedisStoreContext): StoreLifecycle {
  const { redis, key, call, script } = shared;
  return {
    async open(listSize) {
      return call(async () => {
        await connectOnce(redis);
        const [id, size] = (await script("tmOpenEpoch")(key.meta, randomSlug(10), listSize)) as [
          string,
          string,
        ];
        const known = shared.current();
        if (known && known.id !== id) {
          throw new StoreUnavailable("The store's data was lost (epoch changed)");
        }
        const epoch = { id, listSize: Number(size) };
        shared.remember(epoch);
        // The signing gate checks this copy on every mint (see NOTE_KEY_USE).
        const [warnings] = await Promise.all([riskySettings(redis), redis.set(key.keysEpoch, id)]);
        return warnings.length > 0 ? { ...epoch, warnings } : epoch;
      });
    },
    async ping() {
      const { id } = shared.opened();
      await call(() => script("tmCheckEpoch")(key.meta, id));
    },
    async close() {
      shared.durable.close();
      redis.disconnect();
    },
  };
}

/**
 * Reads the Redis settings that decide whether a revocation can be lost: an eviction policy other
 * than `noeviction` may drop status lists and records under memory pressure, and without AOF a
 * restart forgets every write since the last snapshot. Managed services that forbid `CONFIG`
 * answer nothing here.
 */
async function riskySettings(redis: RedisClient): Promise<string[]> {
  const warnings: string[] = [];
  try {
    const [, policy] = (await redis.config("GET", "maxmemory-policy")) as string[];
    if (policy && policy !== "noeviction") {
      warnings.push(
        `maxmemory-policy is ${policy}: Redis may evict status lists and token records; use noeviction`,
      );
    }
    const [, aof] = (await redis.config("GET", "appendonly")) as string[];
    if (aof === "no") {
      warnings.push(
        "appendonly is off: a Redis restart loses recent revocations; use appendonly yes",
      );
    }
  } catch {
    // CONFIG is disabled (managed Redis) or not routable (Cluster): nothing to report.
  }
  return warnings;
}
