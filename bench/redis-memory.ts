/**
 * What tokenmint's keys cost in Redis: `MEMORY USAGE <key> SAMPLES 0` (exact) of every key under a
 * prefix, summed per key family of the store's schema (see `src/store/redis-store.ts`).
 * @module
 */
import type { Redis } from "ioredis";

/** Bytes per key family, and how many keys each has. */
export type MemoryByFamily = Record<string, { bytes: number; keys: number }>;

const FAMILIES: readonly [string, RegExp][] = [
  ["record", /^tok:\{/],
  ["subject index", /^sub:\{/],
  ["family index", /^fam:\{/],
  ["org index", /^org(sub)?:\{/],
  ["expiry index", /^exp(sub)?:\{/],
  ["status list", /^sl:\{/],
  ["audit", /^\{audit\}$/],
  ["rate limit", /^rl:\{/],
];

/** Classifies a key (without its prefix). */
export function familyOf(key: string): string {
  return FAMILIES.find(([, pattern]) => pattern.test(key))?.[0] ?? "other";
}

/** Sums `MEMORY USAGE` of every key under `prefix`, per family. */
export async function memoryByFamily(redis: Redis, prefix: string): Promise<MemoryByFamily> {
  const totals: MemoryByFamily = {};
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}*`, "COUNT", 1000);
    cursor = next;
    const pipeline = redis.pipeline();
    for (const key of keys) pipeline.call("MEMORY", "USAGE", key, "SAMPLES", "0");
    const sizes = (await pipeline.exec()) ?? [];
    keys.forEach((key, i) => {
      const family = familyOf(key.slice(prefix.length));
      const entry = totals[family] ?? { bytes: 0, keys: 0 };
      entry.bytes += Number(sizes[i]?.[1] ?? 0);
      entry.keys += 1;
      totals[family] = entry;
    });
  } while (cursor !== "0");
  return totals;
}

/** `used_memory` from `INFO memory`, in bytes. */
export async function usedMemory(redis: Redis): Promise<number> {
  const info = await redis.info("memory");
  return Number(/used_memory:(\d+)/.exec(info)?.[1] ?? Number.NaN);
}
