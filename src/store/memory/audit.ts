/**
 * The audit stream in memory: a capped array with `<ms>-<seq>` ids, like a Redis stream's.
 *
 * @example
 * ```ts
 * const entries = await createMemoryAuditStore(clock).readAudit({ count: 50 });
 * ```
 * @module
 */
import type { Clock } from "../../clock.js";
import type { AuditEntry } from "../records.js";
import type { AuditStore } from "../types.js";

/**
 * The audit role in memory.
 *
 * @example
 * ```ts
 * await createMemoryAuditStore(clock).appendAudit(event, 100_000);
 * ```
 */
export function createMemoryAuditStore(clock: Clock): AuditStore {
  const audit: AuditEntry[] = [];
  let auditSequence = 0;
  return {
    async appendAudit(event, maxLength) {
      auditSequence += 1;
      const entry = { ...event, id: `${clock()}-${auditSequence}` };
      audit.push(entry);
      if (audit.length > maxLength) audit.splice(0, audit.length - maxLength);
      return entry.id;
    },
    async readAudit({ before, count }) {
      const older =
        before === undefined ? audit : audit.filter((entry) => compareIds(entry.id, before) < 0);
      return older.slice(-count).reverse();
    },
  };
}

/** Compares two `<ms>-<seq>` stream ids. */
function compareIds(a: string, b: string): number {
  const [am = 0, as = 0] = a.split("-").map(Number);
  const [bm = 0, bs = 0] = b.split("-").map(Number);
  return am - bm || as - bs;
}
