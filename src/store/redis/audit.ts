/**
 * The audit stream on Redis: one capped stream (`XADD MAXLEN ~`), read newest first by entry id.
 *
 * @example
 * ```ts
 * const entries = await createRedisAuditStore(shared).readAudit({ count: 50 });
 * ```
 * @module
 */
import type { AuditEvent } from "../records.js";
import type { AuditStore } from "../types.js";
import type { RedisStoreContext } from "./store-context.js";

/**
 * The audit role on Redis.
 *
 * @example
 * ```ts
 * await createRedisAuditStore(shared).appendAudit(event, 100_000);
 * ```
 */
export function createRedisAuditStore(shared: RedisStoreContext): AuditStore {
  const { redis, key, call } = shared;
  return {
    async appendAudit(event, maxLength) {
      const id = await call(() =>
        redis.xadd(key.audit, "MAXLEN", "~", maxLength, "*", "e", JSON.stringify(event)),
      );
      return String(id);
    },
    async readAudit({ before, count }) {
      const entries = await call(() =>
        redis.xrevrange(key.audit, before === undefined ? "+" : `(${before}`, "-", "COUNT", count),
      );
      return entries.map(([id, fields]) => ({
        ...(JSON.parse(fields[1] ?? "{}") as AuditEvent),
        id,
      }));
    },
  };
}
