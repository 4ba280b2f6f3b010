/**
 * What every role of the Redis store shares: one command connection with the scripts defined, the
 * key names, the epoch once opened, the durable-write path, and the rule that every Redis failure
 * leaves as {@link StoreUnavailable} (so the issuer answers 503 and fails closed).
 *
 * @example
 * ```ts
 * const shared = createRedisStoreContext({ url: "redis://127.0.0.1:6379" });
 * const keyring = createRedisKeyringStore(shared);
 * ```
 * @module
 */
import { type ChainableCommander, Cluster } from "ioredis";
import { StoreUnavailable, TokenmintError } from "../../errors.js";
import type { StoreEpoch } from "../records.js";
import {
  createRedisClient,
  type RedisAuth,
  type RedisClient,
  type RedisTarget,
} from "../redis-connection.js";
import { createDurableWrites, type DurableWrites, type ReplicaWait } from "../redis-durability.js";
import { type RedisKeyNames, redisKeyNames } from "./key-names.js";
import { SCRIPTS, type ScriptName } from "./script-commands.js";

/**
 * Options of {@link createRedisStore}: where Redis is (`url`, `clusterNodes`, or `sentinels` +
 * `sentinelName`) and how to use it.
 */
export type RedisStoreOptions = RedisTarget & RedisStoreSettings;

/** How the store uses Redis. */
export interface RedisStoreSettings {
  /** Prefix of every key (default `tm:`); lets several deployments or tests share one Redis. */
  readonly prefix?: string;
  /** Upper bound for one command and for connecting, in milliseconds (default 2000). */
  readonly timeoutMs?: number;
  /** Node credentials for Cluster and Sentinel deployments. */
  readonly auth?: RedisAuth;
  /**
   * How many replicas must acknowledge a revocation-class write before it is acknowledged
   * (default `auto`: one when the primary has a replica, none on a lone primary; 0: never wait).
   */
  readonly waitReplicas?: ReplicaWait;
  /** How long such a write waits for them, in milliseconds (default 1000, below `timeoutMs`). */
  readonly waitTimeoutMs?: number;
  /**
   * Status indexes this store reserves at a time and hands out itself (default 1: each mint
   * reserves its own). A long-lived server sets more, so a mint does not wait for the shared
   * counter; the unused rest of a block is skipped when the process ends.
   */
  readonly statusBlock?: number;
}

/** Runs one script: its keys, then its arguments. */
export type ScriptRunner = (...keysAndArgs: (string | number)[]) => Promise<unknown>;

/** The shared parts each role of the Redis store is built on. */
export interface RedisStoreContext {
  readonly redis: RedisClient;
  /** The prefix of every key. */
  readonly prefix: string;
  /** See {@link RedisStoreSettings.statusBlock} (at least 1). */
  readonly statusBlock: number;
  /** Redis Cluster: a script may only touch keys of one hash slot. */
  readonly isCluster: boolean;
  readonly key: RedisKeyNames;
  readonly durable: DurableWrites;
  /** Runs a Redis call; any failure leaves as StoreUnavailable. */
  call<T>(operation: () => Promise<T>): Promise<T>;
  /** The ioredis command of script `name`. */
  script(name: ScriptName): ScriptRunner;
  /**
   * A write that takes power away: as usual on a lone primary; else on the waiting connection,
   * acknowledged once enough replicas hold it (`StoreNotDurable` otherwise). `key` names the slot.
   */
  durably(
    key: string,
    plain: () => Promise<unknown>,
    queued: (pipeline: ChainableCommander) => void,
  ): Promise<unknown>;
  /** Runs script `name` on `keys` (one hash tag) with {@link RedisStoreContext.durably}. */
  durableScript(name: ScriptName, keys: string[], args: (string | number)[]): Promise<unknown>;
  /** The epoch in force. @throws {StoreUnavailable} before `open()`. */
  opened(): StoreEpoch;
  /** The epoch opened, if any. */
  current(): StoreEpoch | null;
  /** Records the epoch `open()` found. */
  remember(epoch: StoreEpoch): void;
}

/**
 * Creates the connection (not yet connected) and the shared parts.
 *
 * @example
 * ```ts
 * const shared = createRedisStoreContext({ url, prefix: "tm:", timeoutMs: 2000 });
 * ```
 */
export function createRedisStoreContext(options: RedisStoreOptions): RedisStoreContext {
  const timeoutMs = options.timeoutMs ?? 2000;
  const redis: RedisClient = createRedisClient(options, {
    timeoutMs,
    ...(options.auth ? { auth: options.auth } : {}),
  });
  for (const [name, [numberOfKeys, lua]] of Object.entries(SCRIPTS)) {
    redis.defineCommand(name, numberOfKeys === undefined ? { lua } : { numberOfKeys, lua });
  }
  const durable = createDurableWrites(redis, options, {
    replicas: options.waitReplicas ?? "auto",
    timeoutMs: options.waitTimeoutMs ?? Math.min(1000, Math.floor(timeoutMs / 2)),
    commandTimeoutMs: timeoutMs,
    ...(options.auth ? { auth: options.auth } : {}),
  });
  const prefix = options.prefix ?? "tm:";
  let epoch: StoreEpoch | null = null;

  function script(name: ScriptName): ScriptRunner {
    return (redis as unknown as Record<ScriptName, ScriptRunner>)[name].bind(redis);
  }

  async function durably(
    key: string,
    plain: () => Promise<unknown>,
    queued: (pipeline: ChainableCommander) => void,
  ): Promise<unknown> {
    const replicas = await durable.replicasFor(key);
    if (replicas === 0) return plain();
    const [reply] = await durable.write(key, replicas, queued);
    return reply;
  }

  return {
    redis,
    prefix,
    statusBlock: Math.max(1, Math.floor(options.statusBlock ?? 1)),
    isCluster: redis instanceof Cluster,
    key: redisKeyNames(prefix),
    durable,
    async call(operation) {
      try {
        return await operation();
      } catch (error) {
        if (error instanceof TokenmintError) throw error;
        // A redirection that reached us means the slot map is stale (a failover): refresh it now,
        // so the retry after this 503 goes to the new primary.
        if (
          redis instanceof Cluster &&
          error instanceof Error &&
          /^(MOVED|ASK|CLUSTERDOWN)\b/.test(error.message)
        ) {
          redis.refreshSlotsCache();
        }
        const lost = error instanceof Error && error.message.includes("EPOCH_LOST");
        throw new StoreUnavailable(
          lost ? "The store's data was lost (epoch changed); refusing to continue" : undefined,
          { cause: error },
        );
      }
    },
    script,
    durably,
    durableScript(name, keys, args) {
      const [, lua] = SCRIPTS[name];
      // EVAL, not EVALSHA: a NOSCRIPT retry would land after the WAIT queued behind the script.
      return durably(
        keys[0] as string,
        () => script(name)(...keys, ...args),
        (pipeline) => pipeline.eval(lua, keys.length, ...keys, ...args),
      );
    },
    opened() {
      if (!epoch) throw new StoreUnavailable("The store was not opened");
      return epoch;
    },
    current: () => epoch,
    remember(opened) {
      epoch = opened;
    },
  };
}

/** Unix seconds as the scripts take them: "0" for forever. */
export function deadlineArg(seconds: number | null): string {
  return seconds === null ? "0" : String(seconds);
}
