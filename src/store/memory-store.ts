/**
 * The embedded store: everything in this process's memory, with the same semantics and TTLs as
 * the Redis store (expiry follows the injected clock), each role in its own module under memory/.
 * State is lost when the process exits, except the keyring when `persistKeys` is given.
 *
 * @example
 * ```ts
 * const store = createMemoryStore({ clock: () => Date.now() });
 * await store.open(131072);
 * ```
 * @module
 */
import { type Clock, systemClock } from "../clock.js";
import { createMemoryActivityIndex } from "./memory/activity-index.js";
import { createAuditLog, createMemoryAuditStore } from "./memory/audit.js";
import { createExpiry } from "./memory/expiring.js";
import { createMemoryKeyringStore, type MemoryKeyringOptions } from "./memory/keyring.js";
import { createMemoryLifecycle } from "./memory/lifecycle.js";
import { createMemoryOrgRouteStore } from "./memory/org-routes.js";
import { createMemoryRateLimitStore } from "./memory/rate-limits.js";
import { createMemoryStatusStore } from "./memory/status-bits.js";
import { createMemoryTokenStore } from "./memory/tokens.js";
import { createMemoryWebhookStore } from "./memory/webhooks.js";
import { openMintSeparately } from "./open-mint.js";
import type { Store } from "./types.js";

/** Options of {@link createMemoryStore}. */
export interface MemoryStoreOptions extends MemoryKeyringOptions {
  readonly clock?: Clock;
}

/**
 * Creates the in-memory store.
 *
 * @example
 * ```ts
 * const store = createMemoryStore();
 * ```
 */
export function createMemoryStore(options: MemoryStoreOptions = {}): Store {
  const clock = options.clock ?? systemClock;
  const expiry = createExpiry(clock);
  const { lifecycle, opened } = createMemoryLifecycle();
  const auditLog = createAuditLog();
  const rateLimits = createMemoryRateLimitStore(expiry);
  const status = createMemoryStatusStore(opened, expiry);
  const tokens = createMemoryTokenStore(expiry, rateLimits.countHit, status.getStatus);
  const audit = createMemoryAuditStore(clock, auditLog);
  const roles: Omit<Store, "openMint"> = {
    ...lifecycle,
    ...createMemoryKeyringStore(options),
    ...status,
    ...tokens,
    // In one process the record and its event are written together, with nothing in between.
    async saveToken(record, retentionSeconds, state, event) {
      await tokens.saveToken(record, retentionSeconds, state);
      if (event) await audit.appendAudit(event.event, event.maxLength);
    },
    ...createMemoryActivityIndex(expiry),
    ...rateLimits,
    ...audit,
    ...createMemoryOrgRouteStore(),
    ...createMemoryWebhookStore(clock, auditLog),
  };
  return { ...roles, openMint: openMintSeparately(roles) };
}
