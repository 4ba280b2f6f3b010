/**
 * Durable writes for the Redis store: a write that takes power away (a revocation, a suspension,
 * a key revocation) is sent to its key's primary on a connection of its own, followed in the same
 * pipeline by `WAIT numreplicas timeout`; it is acknowledged only once that many replicas hold it,
 * and fails with {@link StoreNotDurable} (503 `store_not_durable`) when they do not answer in time.
 *
 * - The write and its `WAIT` travel together, so waiting adds no round trip, only the replicas'
 *   acknowledgement time. While one `WAIT` is out, the writes that arrive for the same primary
 *   gather and go next, together, with one `WAIT` (the connection is blocked meanwhile anyway).
 * - `WAIT` blocks the connection that sends it, hence the second connection: the command
 *   connection keeps serving mints and introspections while a revocation waits.
 * - How many replicas to wait for: a number, or `auto` (1 when the primary has a replica, none on
 *   a lone primary). A lone primary costs nothing: the store then writes as before, on its usual
 *   connection, and sends no `WAIT` (the waiting connection is never opened). The replica count
 *   comes from `INFO replication` on the command connection: before the first such write, after
 *   every reconnection (a failover) and after a failed wait, else refreshed in the background at
 *   most every 5 s; on a Cluster from the slot map (`CLUSTER SLOTS`, which ioredis refreshes on
 *   redirections and every 5 s).
 *
 * @example
 * ```ts
 * const durable = createDurableWrites(redis, { url }, { replicas: "auto", timeoutMs: 1000, commandTimeoutMs: 2000 });
 * if ((await durable.replicasFor(key)) > 0) await durable.write(key, (p) => p.hset(key, "s", "revoked"));
 * ```
 * @module
 */
import type { ChainableCommander, Cluster } from "ioredis";
import { StoreNotDurable } from "../errors.js";
import { keySlot } from "./key-slot.js";
import {
  connectOnce,
  createRedisClient,
  type RedisAuth,
  type RedisClient,
  type RedisTarget,
} from "./redis-connection.js";

/** How many replicas must acknowledge a durable write: a number, or `auto` (see the module). */
export type ReplicaWait = "auto" | number;

/** Options of {@link createDurableWrites}. */
export interface DurableWriteOptions {
  readonly replicas: ReplicaWait;
  /** The `WAIT` timeout, in milliseconds (below the command timeout). */
  readonly timeoutMs: number;
  /** Upper bound for one command and for connecting, in milliseconds. */
  readonly commandTimeoutMs: number;
  readonly auth?: RedisAuth;
}

/** Writes that are acknowledged only once enough replicas hold them. */
export interface DurableWrites {
  /** How many replicas a write to `key` waits for now; 0: write as usual, no `WAIT`. */
  replicasFor(key: string): Promise<number>;
  /**
   * Queues `commands` (all on `key`'s slot) and a `WAIT` for `replicas`; resolves with the
   * commands' replies once the replicas acknowledged.
   *
   * @throws {StoreNotDurable} when too few replicas acknowledged in time; a Redis error as is.
   */
  write(
    key: string,
    replicas: number,
    commands: (pipeline: ChainableCommander) => void,
  ): Promise<unknown[]>;
  close(): void;
}

/** A lone primary is asked again for replicas after this long (milliseconds). */
const TOPOLOGY_REFRESH_MS = 5000;

interface Pending {
  readonly replicas: number;
  readonly commands: (pipeline: ChainableCommander) => void;
  readonly resolve: (replies: unknown[]) => void;
  readonly reject: (error: unknown) => void;
}

/** The writes waiting for one primary's connection, while a batch of them is out. */
interface Queue {
  waiting: Pending[];
}

/**
 * Creates the durable writer of a store whose command connection is `main`, on `target`.
 *
 * @example
 * ```ts
 * const durable = createDurableWrites(redis, { clusterNodes }, { replicas: 1, timeoutMs: 500, commandTimeoutMs: 2000 });
 * ```
 */
export function createDurableWrites(
  main: RedisClient,
  target: RedisTarget,
  options: DurableWriteOptions,
): DurableWrites {
  const { replicas, timeoutMs } = options;
  const cluster = "clusterNodes" in target;
  let client: RedisClient | undefined;
  let connecting: Promise<void> | undefined;
  /** Replicas of the (single or Sentinel-managed) primary; unknown counts as one (wait). */
  let knownReplicas = 1;
  /** When the count was read (0: never, or it must be read again before the next write). */
  let refreshedAt = 0;
  let refreshing: Promise<void> | undefined;
  const queues = new Map<string, Queue>();
  // After a reconnection (a Sentinel failover, a restart) the primary may be another server.
  if (!cluster && replicas === "auto") {
    main.on("ready", () => {
      refreshedAt = 0;
    });
  }

  async function connection(): Promise<RedisClient> {
    if (!client) {
      client = createRedisClient(target, {
        timeoutMs: options.commandTimeoutMs,
        ...(options.auth ? { auth: options.auth } : {}),
      });
      connecting = connectOnce(client);
    }
    await connecting;
    return client;
  }

  function refresh(): Promise<void> {
    refreshing ??= (main as Exclude<RedisClient, Cluster>)
      .info("replication")
      .then((info) => {
        const match = /^connected_slaves:(\d+)/m.exec(info);
        if (match) knownReplicas = Number(match[1]);
        refreshedAt = Date.now();
      })
      // Unreachable or INFO refused: keep the last count (initially one, so revocations wait).
      .catch(() => undefined)
      .finally(() => {
        refreshing = undefined;
      });
    return refreshing;
  }

  /** Replicas of the primary owning `key`; the slot map lists a slot's primary, then replicas. */
  async function replicasOf(key: string): Promise<number> {
    if (cluster) {
      const nodes = (main as Cluster).slots[keySlot(key)];
      return nodes === undefined ? 1 : nodes.length - 1;
    }
    if (refreshedAt === 0) await refresh();
    else if (Date.now() - refreshedAt > TOPOLOGY_REFRESH_MS) void refresh();
    return knownReplicas;
  }

  async function replicasFor(key: string): Promise<number> {
    if (replicas !== "auto") return replicas;
    return Math.min(1, await replicasOf(key));
  }

  function group(key: string): string {
    if (!cluster) return "";
    return (main as Cluster).slots[keySlot(key)]?.join(";") ?? String(keySlot(key));
  }

  /** Sends the queue's writes, batch after batch, until none is left. */
  async function drain(id: string, queue: Queue): Promise<void> {
    while (queue.waiting.length > 0) {
      const writes = queue.waiting;
      queue.waiting = [];
      await flush(writes);
    }
    queues.delete(id);
  }

  async function flush(writes: readonly Pending[]): Promise<void> {
    const needed = Math.max(...writes.map((write) => write.replicas));
    let pipeline: ChainableCommander;
    try {
      pipeline = (await connection()).pipeline();
    } catch (error) {
      for (const write of writes) write.reject(error);
      return;
    }
    const counts = writes.map((write) => {
      const before = pipeline.length;
      write.commands(pipeline);
      return pipeline.length - before;
    });
    pipeline.wait(needed, timeoutMs);
    let results: [Error | null, unknown][];
    try {
      results = (await pipeline.exec()) ?? [];
    } catch (error) {
      for (const write of writes) write.reject(error);
      return;
    }
    const [waitError, acknowledged] = results[results.length - 1] ?? [new Error("no WAIT reply")];
    let offset = 0;
    const durable = Number(acknowledged) >= needed;
    // A replica may have gone: read the topology again before the next write.
    if (!durable && !cluster) refreshedAt = 0;
    writes.forEach((write, index) => {
      const own = results.slice(offset, offset + (counts[index] ?? 0));
      offset += counts[index] ?? 0;
      const failed = own.find(([error]) => error !== null)?.[0] ?? waitError;
      if (failed) write.reject(failed);
      else if (durable) write.resolve(own.map(([, reply]) => reply));
      else {
        write.reject(
          new StoreNotDurable(
            `${String(acknowledged)} of ${needed} replicas acknowledged the change in ${timeoutMs} ms`,
          ),
        );
      }
    });
  }

  return {
    replicasFor,
    write(key, replicas, commands) {
      const id = group(key);
      return new Promise((resolve, reject) => {
        const queue = queues.get(id);
        if (queue) {
          queue.waiting.push({ replicas, commands, resolve, reject });
          return;
        }
        const started: Queue = { waiting: [{ replicas, commands, resolve, reject }] };
        queues.set(id, started);
        // Writes queued in this tick (a mass revocation's batch) join the first pipeline.
        queueMicrotask(() => void drain(id, started));
      });
    },
    close() {
      client?.disconnect();
    },
  };
}
