/**
 * Where Redis is and how to connect to it: one server (`REDIS_URL`), a Redis Cluster
 * (`REDIS_CLUSTER_NODES`) or a Sentinel-managed primary (`REDIS_SENTINELS` +
 * `REDIS_SENTINEL_NAME`). Every tokenmint key carries a hash tag and every multi-key operation
 * stays within one tag, so the same store code runs on all three.
 *
 * @example
 * ```ts
 * const redis = createRedisClient({ clusterNodes: [{ host: "10.0.0.1", port: 7000 }] }, {
 *   timeoutMs: 2000,
 * });
 * ```
 * @module
 */
import { Cluster, Redis } from "ioredis";
import type { RedisAuth, RedisTarget } from "../config/redis-target.js";

export type { HostPort, RedisAuth, RedisTarget } from "../config/redis-target.js";

/** How a connection behaves. */
export interface RedisClientOptions {
  /** Upper bound for one command and for connecting, in milliseconds. */
  readonly timeoutMs: number;
  readonly auth?: RedisAuth;
  /**
   * A pub/sub subscriber: queues commands while (re)connecting and retries forever, instead of
   * failing fast as the store's command connection does (which answers 503 then).
   */
  readonly subscriber?: boolean;
}

/** A connected (or connecting) client: a single server or a cluster. */
export type RedisClient = Redis | Cluster;

/**
 * Creates an ioredis client for the target, lazily connected (call `connect()`).
 *
 * With a Cluster, ioredis routes each command (and each custom script, by its first key) to the
 * node owning the slot, and auto-pipelining groups commands per node; every tokenmint script
 * touches keys of one hash tag, which is what makes both work.
 */
export function createRedisClient(target: RedisTarget, options: RedisClientOptions): RedisClient {
  const { timeoutMs, auth = {}, subscriber = false } = options;
  const credentials = {
    ...(auth.username === undefined ? {} : { username: auth.username }),
    ...(auth.password === undefined ? {} : { password: auth.password }),
  };
  // A subscriber waits and retries forever; the command connection fails fast (503, fail closed).
  const perCommand = subscriber
    ? { connectTimeout: timeoutMs, maxRetriesPerRequest: null }
    : { connectTimeout: timeoutMs, commandTimeout: timeoutMs, maxRetriesPerRequest: 1 };
  const queueing = subscriber
    ? { enableOfflineQueue: true }
    : { enableOfflineQueue: false, enableAutoPipelining: true };
  const retryStrategy = (attempt: number) => Math.min(attempt * (subscriber ? 200 : 100), 2000);
  let client: RedisClient;
  if ("clusterNodes" in target) {
    client = new Cluster(
      target.clusterNodes.map(({ host, port }) => ({ host, port })),
      {
        lazyConnect: true,
        ...queueing,
        slotsRefreshTimeout: timeoutMs,
        clusterRetryStrategy: retryStrategy,
        redisOptions: { ...perCommand, ...credentials },
      },
    );
  } else if ("sentinels" in target) {
    client = new Redis({
      lazyConnect: true,
      ...queueing,
      ...perCommand,
      ...credentials,
      retryStrategy,
      sentinels: target.sentinels.map(({ host, port }) => ({ host, port })),
      name: target.sentinelName,
    });
  } else {
    client = new Redis(target.url, {
      lazyConnect: true,
      ...queueing,
      ...perCommand,
      retryStrategy,
    });
  }
  // ioredis reports connection errors as events; the failing commands already carry them.
  client.on("error", () => {});
  return client;
}

/** Connects a lazily created client if it is not connecting yet. */
export async function connectOnce(client: RedisClient): Promise<void> {
  if (client.status === "wait") await client.connect();
}
