/**
 * Webhooks on Redis: API-defined webhooks in one hash, and the outbox. The audit stream is read by
 * the consumer group `webhooks` (XREADGROUP, with XAUTOCLAIM for entries a crashed instance read
 * but never acknowledged); fan-out writes each delivery into a hash, a due-time sorted set and a
 * per-webhook index, and acknowledges the entries, in one script (webhook-scripts.ts).
 *
 * @example
 * ```ts
 * const webhooks = createRedisWebhookStore(shared);
 * await webhooks.openOutbox();
 * ```
 * @module
 */
import type { AuditEntry, AuditEvent, StoredWebhook, WebhookDelivery } from "../records.js";
import type { WebhookStore } from "../types.js";
import type { RedisStoreContext } from "./store-context.js";

/** The consumer group every issuer instance reads the audit stream in. */
export const WEBHOOK_GROUP = "webhooks";

/** A consumer idle this long with nothing pending belongs to a stopped instance. */
const STALE_CONSUMER_MS = 86_400_000;

/** The hash field, set member and delivery name of a delivery: `<hook>/<event id>`. */
export function deliveryMember(hook: string, eventId: string): string {
  return `${hook}/${eventId}`;
}

type StreamEntry = [id: string, fields: string[]];

function entryOf([id, fields]: StreamEntry): AuditEntry {
  return { ...(JSON.parse(fields[1] ?? "{}") as AuditEvent), id };
}

/**
 * The webhook role on Redis.
 *
 * @example
 * ```ts
 * await createRedisWebhookStore(shared).readOutbox("instance-1", 100, 30_000);
 * ```
 */
export function createRedisWebhookStore(shared: RedisStoreContext): WebhookStore {
  const { redis, key, call, script } = shared;
  let groupReady = false;

  async function openOutbox(): Promise<void> {
    await call(async () => {
      try {
        await redis.xgroup("CREATE", key.audit, WEBHOOK_GROUP, "$", "MKSTREAM");
      } catch (error) {
        if (!(error instanceof Error && error.message.startsWith("BUSYGROUP"))) throw error;
      }
    });
    groupReady = true;
    await call(async () => {
      // Each instance start is a new consumer: drop those of stopped instances with nothing
      // pending, so the group does not collect one per restart (a live one is re-created on read).
      const consumers = (await redis.xinfo("CONSUMERS", key.audit, WEBHOOK_GROUP)) as unknown[][];
      for (const consumer of consumers) {
        const fields = new Map<unknown, unknown>();
        for (let i = 0; i < consumer.length; i += 2) fields.set(consumer[i], consumer[i + 1]);
        if (Number(fields.get("pending")) === 0 && Number(fields.get("idle")) > STALE_CONSUMER_MS) {
          await redis.xgroup("DELCONSUMER", key.audit, WEBHOOK_GROUP, String(fields.get("name")));
        }
      }
    });
  }

  return {
    async saveWebhook(hook) {
      await call(() => redis.hset(key.webhooks, hook.id, JSON.stringify(hook)));
    },
    async replaceWebhook(current, next) {
      const applied = await call(() =>
        script("tmReplaceWebhook")(
          key.webhooks,
          current.id,
          JSON.stringify(current),
          JSON.stringify(next),
        ),
      );
      return Number(applied) === 1;
    },
    async listWebhooks() {
      const all = await call(() => redis.hvals(key.webhooks));
      return all
        .map((json) => JSON.parse(json) as StoredWebhook)
        .sort((a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id));
    },
    async deleteWebhook(id) {
      const existed = await call(() =>
        script("tmDeleteWebhook")(
          key.webhooks,
          key.deliveries,
          key.deliveriesDue,
          key.deliveriesIndex,
          id,
        ),
      );
      return Number(existed) === 1;
    },
    openOutbox,
    async readOutbox(consumer, count, reclaimAfterMs) {
      if (!groupReady) await openOutbox();
      const read = async (): Promise<AuditEntry[]> => {
        const [, claimed, deleted] = (await redis.xautoclaim(
          key.audit,
          WEBHOOK_GROUP,
          consumer,
          reclaimAfterMs,
          "0-0",
          "COUNT",
          count,
        )) as [string, StreamEntry[], string[]?];
        // Entries trimmed while pending can only be acknowledged.
        if (deleted && deleted.length > 0) await redis.xack(key.audit, WEBHOOK_GROUP, ...deleted);
        const entries = claimed.map(entryOf);
        if (entries.length >= count) return entries;
        const fresh = (await redis.xreadgroup(
          "GROUP",
          WEBHOOK_GROUP,
          consumer,
          "COUNT",
          count - entries.length,
          "STREAMS",
          key.audit,
          ">",
        )) as [string, StreamEntry[]][] | null;
        return [...entries, ...(fresh?.[0]?.[1] ?? []).map(entryOf)];
      };
      try {
        return await call(read);
      } catch (error) {
        // The group is gone (the stream was deleted): create it again and read once more.
        if (!String((error as Error).cause ?? "").includes("NOGROUP")) throw error;
        await openOutbox();
        return call(read);
      }
    },
    async outboxEnd() {
      const [newest] = (await call(() => redis.xrevrange(key.audit, "+", "-", "COUNT", 1))) as [
        string,
        string[],
      ][];
      return newest?.[0] ?? "0-0";
    },
    async skipOutboxTo(id) {
      if (!groupReady) await openOutbox();
      await call(() => script("tmSkipOutbox")(key.audit, key.auditTrimPause, WEBHOOK_GROUP, id));
    },
    async fanOut(deliveries, ack) {
      if (deliveries.length === 0 && ack.length === 0) return;
      const triples = deliveries.flatMap((delivery) => [
        deliveryMember(delivery.hook, delivery.event.id),
        JSON.stringify(delivery),
        delivery.nextAttemptAt ?? 0,
      ]);
      await call(() =>
        script("tmFanOut")(
          key.audit,
          key.deliveries,
          key.deliveriesDue,
          key.deliveriesIndex,
          key.auditTrimPause,
          WEBHOOK_GROUP,
          ack.length,
          ...ack,
          ...triples,
        ),
      );
    },
    async claimDeliveries(now, leaseMs, count) {
      const leaseUntil = now + leaseMs;
      const claimed = (await call(() =>
        script("tmClaimDeliveries")(key.deliveriesDue, key.deliveries, now, leaseUntil, count),
      )) as string[];
      return claimed.map((json) => ({
        delivery: JSON.parse(json) as WebhookDelivery,
        leaseUntil,
      }));
    },
    async finishDelivery(claim, next) {
      const { hook, event } = claim.delivery;
      const applied = await call(() =>
        script("tmFinishDelivery")(
          key.deliveriesDue,
          key.deliveries,
          key.deliveriesIndex,
          deliveryMember(hook, event.id),
          claim.leaseUntil,
          next === null ? "" : JSON.stringify(next),
          next?.state === "pending" && next.nextAttemptAt !== null ? next.nextAttemptAt : "",
        ),
      );
      return Number(applied) === 1;
    },
    async listDeliveries(hook, count) {
      const members = await call(() =>
        redis.zrevrangebylex(key.deliveriesIndex, `(${hook}0`, `[${hook}/`, "LIMIT", 0, count),
      );
      if (members.length === 0) return [];
      const values = await call(() => redis.hmget(key.deliveries, ...members));
      return values.flatMap((json) => (json ? [JSON.parse(json) as WebhookDelivery] : []));
    },
    async getDelivery(hook, eventId) {
      const json = await call(() => redis.hget(key.deliveries, deliveryMember(hook, eventId)));
      return json ? (JSON.parse(json) as WebhookDelivery) : null;
    },
    async requeueDelivery(current, next) {
      const applied = await call(() =>
        script("tmRequeueDelivery")(
          key.deliveries,
          key.deliveriesDue,
          deliveryMember(current.hook, current.event.id),
          JSON.stringify(current),
          JSON.stringify(next),
          next.nextAttemptAt ?? 0,
        ),
      );
      return Number(applied) === 1;
    },
  };
}
