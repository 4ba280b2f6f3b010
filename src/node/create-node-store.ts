/**
 * Chooses the store for the Node entry: Redis (`REDIS_URL`, `REDIS_CLUSTER_NODES` or
 * `REDIS_SENTINELS`) with a pub/sub feed of keyring changes, else the embedded memory store (with
 * the dev keyring under `keys/` when no KEK is configured).
 * @module
 */
import type { Config } from "../config/config.js";
import type { Logger } from "../logger.js";
import { createMemoryStore } from "../store/memory-store.js";
import { createRedisKeyChangeFeed } from "../store/redis-key-feed.js";
import { createRedisStore } from "../store/redis-store.js";
import type { KeyChangeFeed, Store } from "../store/types.js";
import { loadDevKeyring } from "./dev-keyring.js";

/** The store and the KEKs to use with it. */
export interface NodeStore {
  readonly store: Store;
  readonly keks: readonly string[];
  readonly mode: "redis" | "memory";
  /** Keyring change notices from other instances (Redis only). */
  readonly keyChanges?: KeyChangeFeed;
}

/** The Redis connection options the configuration describes, or undefined without Redis. */
export function redisConnection(config: Config) {
  if (!config.redis) return undefined;
  return {
    ...config.redis,
    prefix: config.redisPrefix,
    timeoutMs: config.redisTimeoutMs,
    auth: config.redisAuth,
    waitReplicas: config.redisWaitReplicas,
    waitTimeoutMs: config.redisWaitTimeoutMs,
  };
}

/** Status indexes a Node server reserves at a time (at most this many are skipped per restart). */
const SERVER_STATUS_BLOCK = 64;

/**
 * Creates the store the configuration asks for.
 *
 * @example
 * ```ts
 * const { store, keks } = createNodeStore(config, logger, "keys");
 * ```
 */
export function createNodeStore(config: Config, logger: Logger, keysDirectory: string): NodeStore {
  const connection = redisConnection(config);
  if (connection) {
    return {
      // A server lives long enough to hand out status indexes from blocks it reserved ahead.
      store: createRedisStore({ ...connection, statusBlock: SERVER_STATUS_BLOCK }),
      keks: config.keks,
      mode: "redis",
      keyChanges: createRedisKeyChangeFeed(connection),
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
