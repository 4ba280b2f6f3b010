/**
 * The audit stream in memory: a capped array with `<ms>-<seq>` ids, like a Redis stream's, and
 * the state of its one consumer group (the webhook outbox reads it, see webhooks.ts). Like the
 * Redis stream, it is never trimmed past an entry the group has not acknowledged.
 *
 * @example
 * ```ts
 * const entries = await createMemoryAuditStore(clock, createAuditLog()).readAudit({ count: 50 });
 * ```
 * @module
 */
import type { Clock } from "../../clock.js";
import type { AuditEntry } from "../records.js";
import type { AuditStore } from "../types.js";

/** The entries and the consumer group's position, shared by the audit and webhook roles. */
export interface AuditLog {
  readonly entries: AuditEntry[];
  /** The consumer group: absent until the outbox is opened. */
  group?: {
    /** The newest entry id handed to a consumer. */
    lastRead: string;
    /** Entries read and not yet acknowledged: id → [consumer, read at ms]. */
    readonly pending: Map<string, [string, number]>;
  };
}

/** An empty audit log. */
export function createAuditLog(): AuditLog {
  return { entries: [] };
}

/**
 * The audit role in memory.
 *
 * @example
 * ```ts
 * await createMemoryAuditStore(clock, createAuditLog()).appendAudit(event, 100_000);
 * ```
 */
export function createMemoryAuditStore(clock: Clock, log: AuditLog): AuditStore {
  const audit = log.entries;
  let auditSequence = 0;
  let lastMs = 0;
  const trimmable = (entry: AuditEntry) =>
    !log.group ||
    (compareIds(entry.id, log.group.lastRead) <= 0 && !log.group.pending.has(entry.id));
  return {
    async appendAudit(event, maxLength) {
      // Ids grow even if the clock is set back, as a Redis stream's do.
      const ms = Math.max(clock(), lastMs);
      lastMs = ms;
      auditSequence += 1;
      const entry = { ...event, id: `${ms}-${auditSequence}` };
      audit.push(entry);
      while (audit.length > maxLength && audit[0] && trimmable(audit[0])) audit.shift();
      return entry.id;
    },
    async readAudit({ before, count }) {
      const older =
        before === undefined ? audit : audit.filter((entry) => compareIds(entry.id, before) < 0);
      return older.slice(-count).reverse();
    },
  };
}

/**
 * Compares two `<ms>-<seq>` stream ids.
 *
 * @example
 * ```ts
 * compareIds("1-2", "1-10") < 0; // true
 * ```
 */
export function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split("-").map(Number);
  const [bm = 0, bs = 0] = b.split("-").map(Number);
  return am - bm || as - bs;
}
