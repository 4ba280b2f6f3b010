/**
 * Chooses the store for the Node entry: Redis when `REDIS_URL` is set, else the embedded memory
 * store (with the dev keyring under `keys/` when no KEK is configured).
 * @module
 */
import type { Config } from "../config/config.js";
import type { Logger } from "../logger.js";
import { createMemoryStore } from "../store/memory-store.js";
import { createRedisStore } from "../store/redis-store.js";
import type { Store } from "../store/types.js";
import { loadDevKeyring } from "./dev-keyring.js";

/** The store and the KEKs to use with it. */
export interface NodeStore {
  readonly store: Store;
  readonly keks: readonly string[];
  readonly mode: "redis" | "memory";
}

/**
 * Creates the store the configuration asks for.
 *
 * @example
 * ```ts
 * const { store, keks } = createNodeStore(config, logger, "keys");
 * ```
 */
export function createNodeStore(config: Config, logger: Logger, keysDirectory: string): NodeStore {
  if (config.redisUrl) {
    return {
      store: createRedisStore({
        url: config.redisUrl,
        prefix: config.redisPrefix,
        timeoutMs: config.redisTimeoutMs,
      }),
      keks: config.keks,
      mode: "redis",
    };
  }
  if (config.keks.length > 0) {
    logger.warn("store.embedded", {
      note: "in-memory store: tokens, statuses and keys are lost when the process exits",
    });
    return { store: createMemoryStore(), keks: config.keks, mode: "memory" };
  }
  const dev = loadDevKeyring(keysDirectory);
  logger.warn("store.embedded", {
    note: `in-memory store with a development KEK and encrypted keyring in ${dev.directory}/ (gitignored): signatures survive a restart, token records and statuses do not`,
  });
  return {
    store: createMemoryStore({ initialKeys: dev.keys, persistKeys: dev.persist }),
    keks: [dev.kek],
    mode: "memory",
  };
}
