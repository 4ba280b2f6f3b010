/**
 * Keyring change notices over Redis pub/sub: every keyring change publishes the new keyring
 * version on `p{keys}:changed` (from inside the changing script), and each issuer instance keeps
 * one subscriber connection that tells its keyring to re-read at once. A notice can be lost (a
 * subscriber reconnecting, a failover); the feed then reports its reconnection, and the keyring's
 * polling bound applies in any case. Node only (a Worker cannot hold a subscriber connection).
 *
 * @example
 * ```ts
 * const feed = createRedisKeyChangeFeed({ url: "redis://127.0.0.1:6379", prefix: "tm:" });
 * feed.subscribe(() => keyring.refresh());
 * ```
 * @module
 */
import { keysChangedChannel } from "./redis/key-names.js";
import { createRedisClient, type RedisAuth, type RedisTarget } from "./redis-connection.js";
import type { KeyChangeFeed } from "./types.js";

/** Options of {@link createRedisKeyChangeFeed}: the store's target and prefix. */
export type RedisKeyFeedOptions = RedisTarget & {
  readonly prefix?: string;
  readonly timeoutMs?: number;
  readonly auth?: RedisAuth;
};

/**
 * Creates the feed; it connects on the first `subscribe`.
 *
 * @example
 * ```ts
 * const feed = createRedisKeyChangeFeed({ clusterNodes, prefix: "tm:" });
 * ```
 */
export function createRedisKeyChangeFeed(options: RedisKeyFeedOptions): KeyChangeFeed {
  const channel = keysChangedChannel(options.prefix ?? "tm:");
  const client = createRedisClient(options, {
    timeoutMs: options.timeoutMs ?? 2000,
    subscriber: true,
    ...(options.auth ? { auth: options.auth } : {}),
  });
  const listeners: (() => void)[] = [];
  const notify = () => {
    for (const listener of listeners) listener();
  };
  let started = false;
  return {
    subscribe(listener) {
      listeners.push(listener);
      if (started) return;
      started = true;
      client.on("message", (from: string) => {
        if (from === channel) notify();
      });
      // After every (re)connection: ioredis re-subscribes; a notice may have been missed.
      client.on("ready", notify);
      client.subscribe(channel).catch(() => undefined);
    },
    async close() {
      client.disconnect();
    },
  };
}
