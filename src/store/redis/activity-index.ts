/**
 * The activity index on Redis: one sorted set per UTC day (`idle:{<day>}`, token id → last
 * activity that day), so no key holds every token and each write touches one slot.
 *
 * @example
 * ```ts
 * const activity = createRedisActivityIndex(shared);
 * await activity.noteActivity(id, now, keepUntil);
 * ```
 * @module
 */
import { expiryDay, expiryDays } from "../token-indexes.js";
import type { ActivityIndexStore, IdleEntry } from "../types.js";
import type { RedisStoreContext } from "./store-context.js";

/**
 * The activity index role on Redis.
 *
 * @example
 * ```ts
 * const entries = await createRedisActivityIndex(shared).listIdleEntries(from, to);
 * ```
 */
export function createRedisActivityIndex(shared: RedisStoreContext): ActivityIndexStore {
  const { redis, key, call, script } = shared;
  return {
    async noteActivity(id, at, keepUntil) {
      await call(() => script("tmNoteActivity")(key.idle(expiryDay(at)), id, at, keepUntil));
    },
    async listIdleEntries(from, to) {
      const perDay = await call(() =>
        Promise.all(
          expiryDays(from, to).map((day) =>
            redis.zrangebyscore(key.idle(day), `(${from}`, String(to), "WITHSCORES"),
          ),
        ),
      );
      const entries: IdleEntry[] = [];
      for (const flat of perDay) {
        for (let i = 0; i + 1 < flat.length; i += 2) {
          entries.push({ id: flat[i] as string, at: Number(flat[i + 1]) });
        }
      }
      return entries;
    },
    async dropIdleEntry(entry) {
      await call(() =>
        script("tmDropIdleEntry")(key.idle(expiryDay(entry.at)), entry.id, entry.at),
      );
    },
  };
}
