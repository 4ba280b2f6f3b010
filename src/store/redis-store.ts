/**
 * The Redis store (ioredis): every role of {@link Store} on one command connection, each in its
 * own module under redis/. Keys, types and TTLs: docs/storage-schema.md.
 *
 * Every Redis failure becomes {@link StoreUnavailable}, so the issuer answers 503 and fails closed.
 * Writes that take power away (revoked or suspended status bits and states, rotation, a revoked
 * signing key) wait for replicas first (see redis-durability.ts) or fail with `StoreNotDurable`.
 *
 * @example
 * ```ts
 * const store = createRedisStore({ url: "redis://127.0.0.1:6379" });
 * ```
 * @module
 */
import { openMintSeparately } from "./open-mint.js";
import { createRedisActivityIndex } from "./redis/activity-index.js";
import { createRedisAuditStore } from "./redis/audit.js";
import { createRedisKeyringStore } from "./redis/keyring.js";
import { createRedisLifecycle } from "./redis/lifecycle.js";
import { createRedisMintOpener } from "./redis/open-mint.js";
import { createRedisOrgRouteStore } from "./redis/org-routes.js";
import { createRedisRateLimitStore } from "./redis/rate-limits.js";
import { createRedisStatusStore } from "./redis/status-bits.js";
import { createRedisStoreContext, type RedisStoreOptions } from "./redis/store-context.js";
import { createRedisTokenStore } from "./redis/tokens.js";
import { createRedisWebhookStore } from "./redis/webhooks.js";
import type { Store } from "./types.js";

export type { RedisStoreOptions, RedisStoreSettings } from "./redis/store-context.js";

/**
 * Creates a store on Redis. Call `open()` before use; it connects and checks the epoch.
 *
 * @example
 * ```ts
 * const store = createRedisStore({ url: process.env.REDIS_URL!, prefix: "tm:" });
 * await store.open(131072);
 * ```
 */
export function createRedisStore(options: RedisStoreOptions): Store {
  const shared = createRedisStoreContext(options);
  const roles: Omit<Store, "openMint"> = {
    ...createRedisLifecycle(shared),
    ...createRedisKeyringStore(shared),
    ...createRedisStatusStore(shared),
    ...createRedisTokenStore(shared),
    ...createRedisActivityIndex(shared),
    ...createRedisRateLimitStore(shared),
    ...createRedisAuditStore(shared),
    ...createRedisOrgRouteStore(shared),
    ...createRedisWebhookStore(shared),
  };
  // Redis Cluster: the gate, the client's counter and the subject's keys live in different slots.
  const openMint = shared.isCluster ? openMintSeparately(roles) : createRedisMintOpener(shared);
  return { ...roles, openMint };
}
