/**
 * The activity index in memory: one map per UTC day (token id → last activity that day), with the
 * same TTLs as the Redis store's `idle:` sorted sets.
 *
 * @example
 * ```ts
 * const activity = createMemoryActivityIndex(expiry);
 * await activity.noteActivity(id, now, keepUntil);
 * ```
 * @module
 */
import { expiryDay, expiryDays } from "../token-indexes.js";
import type { ActivityIndexStore } from "../types.js";
import { deadline, type Expiring, type Expiry, later } from "./expiring.js";

interface DayBucket extends Expiring {
  members: Map<string, number>;
}

/**
 * The activity index role in memory.
 *
 * @example
 * ```ts
 * const entries = await createMemoryActivityIndex(expiry).listIdleEntries(from, to);
 * ```
 */
export function createMemoryActivityIndex(expiry: Expiry): ActivityIndexStore {
  const buckets = new Map<string, DayBucket>();
  const name = (at: number) => `idle:${expiryDay(at)}`;
  return {
    async noteActivity(id, at, keepUntil) {
      const bucket = expiry.live(buckets, name(at)) ?? {
        members: new Map(),
        expiresAt: deadline(keepUntil),
      };
      bucket.members.set(id, Math.max(bucket.members.get(id) ?? at, at));
      bucket.expiresAt = later(bucket.expiresAt, deadline(keepUntil));
      buckets.set(name(at), bucket);
    },
    async listIdleEntries(from, to) {
      const entries = [];
      for (const day of expiryDays(from, to)) {
        for (const [id, at] of expiry.live(buckets, `idle:${day}`)?.members ?? []) {
          if (at > from && at <= to) entries.push({ id, at });
        }
      }
      return entries;
    },
    async dropIdleEntry(entry) {
      const bucket = expiry.live(buckets, name(entry.at));
      if (bucket?.members.get(entry.id) === entry.at) bucket.members.delete(entry.id);
    },
  };
}
