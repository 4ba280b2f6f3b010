/**
 * The audit stream on Redis: one capped stream, read newest first by entry id. Appending trims the
 * oldest entries beyond the cap, but never one the webhook consumer group has not yet fanned out
 * (see webhook-scripts.ts), so an undelivered event is not trimmed away.
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
  const { redis, key, call, script } = shared;
  return {
    async appendAudit(event, maxLength) {
      const id = await call(() =>
        script("tmAppendAudit")(key.audit, key.auditTrimPause, JSON.stringify(event), maxLength),
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
