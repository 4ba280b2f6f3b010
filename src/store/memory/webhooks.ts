/**
 * Webhooks in memory: the same outbox semantics as the Redis store for one process. The consumer
 * group is a read position and a pending map on the shared {@link AuditLog}; deliveries live in a
 * map, each due at its next attempt or at the end of the lease of whoever claimed it.
 *
 * @example
 * ```ts
 * const webhooks = createMemoryWebhookStore(clock, log);
 * ```
 * @module
 */
import type { Clock } from "../../clock.js";
import type { StoredWebhook, WebhookDelivery } from "../records.js";
import type { WebhookStore } from "../types.js";
import { type AuditLog, compareIds } from "./audit.js";

/**
 * The webhook role in memory.
 *
 * @example
 * ```ts
 * await createMemoryWebhookStore(clock, log).claimDeliveries(Date.now(), 60_000, 10);
 * ```
 */
export function createMemoryWebhookStore(clock: Clock, log: AuditLog): WebhookStore {
  const hooks = new Map<string, StoredWebhook>();
  const deliveries = new Map<string, string>();
  const due = new Map<string, number>();
  const member = (hook: string, eventId: string) => `${hook}/${eventId}`;

  function openOutbox(): Promise<void> {
    log.group ??= { lastRead: log.entries.at(-1)?.id ?? "0-0", pending: new Map() };
    return Promise.resolve();
  }

  return {
    async saveWebhook(hook) {
      hooks.set(hook.id, structuredClone(hook));
    },
    async replaceWebhook(current, next) {
      const stored = hooks.get(current.id);
      if (!stored || JSON.stringify(stored) !== JSON.stringify(current)) return false;
      hooks.set(current.id, structuredClone(next));
      return true;
    },
    async listWebhooks() {
      return [...hooks.values()].sort(
        (a, b) => a.createdAt - b.createdAt || a.id.localeCompare(b.id),
      );
    },
    async deleteWebhook(id) {
      const existed = hooks.delete(id);
      for (const name of [...deliveries.keys()]) {
        if (name.startsWith(`${id}/`)) {
          deliveries.delete(name);
          due.delete(name);
        }
      }
      return existed;
    },
    openOutbox,
    async readOutbox(consumer, count, reclaimAfterMs) {
      await openOutbox();
      const group = log.group as NonNullable<AuditLog["group"]>;
      const now = clock();
      const read = [];
      for (const [id, [, at]] of group.pending) {
        if (read.length >= count) break;
        if (now - at < reclaimAfterMs) continue;
        const entry = log.entries.find((candidate) => candidate.id === id);
        if (entry) read.push(entry);
        else group.pending.delete(id);
      }
      for (const entry of log.entries) {
        if (read.length >= count) break;
        if (compareIds(entry.id, group.lastRead) > 0) {
          read.push(entry);
          group.lastRead = entry.id;
        }
      }
      for (const entry of read) group.pending.set(entry.id, [consumer, now]);
      return read.map((entry) => structuredClone(entry));
    },
    async outboxEnd() {
      return log.entries.at(-1)?.id ?? "0-0";
    },
    async skipOutboxTo(id) {
      await openOutbox();
      const group = log.group as NonNullable<AuditLog["group"]>;
      if (compareIds(id, group.lastRead) > 0) group.lastRead = id;
    },
    async fanOut(created, ack) {
      for (const delivery of created) {
        const name = member(delivery.hook, delivery.event.id);
        if (deliveries.has(name)) continue;
        deliveries.set(name, JSON.stringify(delivery));
        due.set(name, delivery.nextAttemptAt ?? 0);
      }
      for (const id of ack) log.group?.pending.delete(id);
    },
    async claimDeliveries(now, leaseMs, count) {
      const leaseUntil = now + leaseMs;
      const ready = [...due.entries()]
        .filter(([, at]) => at <= now)
        .sort((a, b) => a[1] - b[1])
        .slice(0, count);
      return ready.map(([name]) => {
        due.set(name, leaseUntil);
        return {
          delivery: JSON.parse(deliveries.get(name) as string) as WebhookDelivery,
          leaseUntil,
        };
      });
    },
    async finishDelivery(claim, next) {
      const name = member(claim.delivery.hook, claim.delivery.event.id);
      if (due.get(name) !== claim.leaseUntil) return false;
      if (next === null) {
        deliveries.delete(name);
        due.delete(name);
        return true;
      }
      deliveries.set(name, JSON.stringify(next));
      if (next.state === "pending" && next.nextAttemptAt !== null) {
        due.set(name, next.nextAttemptAt);
      } else {
        due.delete(name);
      }
      return true;
    },
    async listDeliveries(hook, count) {
      return [...deliveries.entries()]
        .filter(([name]) => name.startsWith(`${hook}/`))
        .sort(([a], [b]) => (a < b ? 1 : a > b ? -1 : 0))
        .slice(0, count)
        .map(([, json]) => JSON.parse(json) as WebhookDelivery);
    },
    async getDelivery(hook, eventId) {
      const json = deliveries.get(member(hook, eventId));
      return json ? (JSON.parse(json) as WebhookDelivery) : null;
    },
    async requeueDelivery(current, next) {
      const name = member(current.hook, current.event.id);
      if (deliveries.get(name) !== JSON.stringify(current)) return false;
      deliveries.set(name, JSON.stringify(next));
      due.set(name, next.nextAttemptAt ?? 0);
      return true;
    },
  };
}
