/**
 * Redis from a Worker: workerd binds every socket to the request that opened it, so an ioredis
 * connection cannot outlive its request (a later request that uses it waits until the command
 * times out). Each request (or cron run) therefore gets its own {@link RequestScope}, which opens
 * a connection lazily, on the first store call, and closes it when the request ends
 * (`ctx.waitUntil(scope.close())`). A request answered from the edge cache or from the keyring's
 * in-isolate view never connects.
 *
 * The issuer context (keyring, decrypted signing key) lives for the whole isolate; its `store` is
 * the {@link createScopedStore} facade, which forwards every call to the connection of the request
 * that is running (found through `AsyncLocalStorage`).
 *
 * @example
 * ```ts
 * const scope = createRequestScope(() => openRedis(config));
 * const response = await runInScope(scope, () => app.fetch(request));
 * ctx.waitUntil(scope.close());
 * ```
 * @module
 */
import { AsyncLocalStorage } from "node:async_hooks";
import { StoreUnavailable } from "../errors.js";
import { createRedisStore } from "../store/redis-store.js";
import { type AnyMethod, STORE_METHODS, wrapMethods } from "../store/store-methods.js";
import type { Store, StoreEpoch } from "../store/types.js";

/** A store connection opened for one request, with the epoch it found. */
export interface OpenedStore {
  readonly store: Store;
  readonly epoch: StoreEpoch;
}

/** The store connection of one request or cron run. */
export interface RequestScope {
  /** The request's connection, opened on first use. */
  store(): Promise<OpenedStore>;
  /** Milliseconds spent connecting and opening, or undefined if the request never connected. */
  connectMs(): number | undefined;
  /** Closes the connection, if one was opened. Never throws. */
  close(): Promise<void>;
}

const scopes = new AsyncLocalStorage<RequestScope>();

/**
 * Creates a scope whose connection is opened by `open` when first needed.
 *
 * @example
 * ```ts
 * const scope = createRequestScope(() => openRedisStore({ url, prefix, timeoutMs, listSize }));
 * ```
 */
export function createRequestScope(
  open: () => Promise<OpenedStore>,
  clock: () => number = Date.now,
): RequestScope {
  let opening: Promise<OpenedStore> | undefined;
  let elapsed: number | undefined;
  return {
    store() {
      if (!opening) {
        const started = clock();
        opening = open().finally(() => {
          elapsed = clock() - started;
        });
      }
      return opening;
    },
    connectMs: () => elapsed,
    async close() {
      const opened = await opening?.catch(() => undefined);
      await opened?.store.close().catch(() => undefined);
    },
  };
}

/** Runs `work` with `scope` as the current request's store connection. */
export function runInScope<T>(scope: RequestScope, work: () => Promise<T>): Promise<T> {
  return scopes.run(scope, work);
}

function currentScope(): RequestScope {
  const scope = scopes.getStore();
  if (!scope) throw new StoreUnavailable("No request scope: the store was used outside a request");
  return scope;
}

/**
 * The isolate-wide store facade: every method runs on the current request's connection.
 * `open()` returns that connection's epoch; `close()` does nothing (the scope closes).
 * Built from {@link STORE_METHODS}, so it has every method of every store role.
 *
 * @example
 * ```ts
 * const ctx = await createIssuerContext({ config, store: createScopedStore(), logger, keks });
 * ```
 */
export function createScopedStore(): Store {
  const special: Partial<Store> = {
    open: async () => (await currentScope().store()).epoch,
    close: async () => {},
  };
  return wrapMethods<Store>(STORE_METHODS, (name) => special[name] ?? forward(name));
}

/** Method `name` of the current request's store. */
function forward<K extends keyof Store>(name: K): Store[K] {
  const onRequestStore = async (...args: unknown[]) => {
    const { store } = await currentScope().store();
    return (store[name] as AnyMethod).apply(store, args as never[]);
  };
  // Forwarding keeps the parameters and the (promised) result of the method it forwards to.
  return onRequestStore as unknown as Store[K];
}

/** Where and how to open a request's Redis connection. */
export interface RedisConnectOptions {
  readonly url: string;
  readonly prefix: string;
  readonly timeoutMs: number;
  readonly listSize: number;
  /** Replicas a revocation waits for, and how long (see `REDIS_WAIT_REPLICAS`). */
  readonly waitReplicas?: "auto" | number;
  readonly waitTimeoutMs?: number;
}

/**
 * Opens one Redis connection and checks the epoch (one script call). The caller compares the
 * epoch with the one the isolate started with.
 *
 * @throws {StoreUnavailable} when Redis cannot be reached.
 */
export async function openRedisStore(options: RedisConnectOptions): Promise<OpenedStore> {
  const store = createRedisStore({
    url: options.url,
    prefix: options.prefix,
    timeoutMs: options.timeoutMs,
    ...(options.waitReplicas === undefined ? {} : { waitReplicas: options.waitReplicas }),
    ...(options.waitTimeoutMs === undefined ? {} : { waitTimeoutMs: options.waitTimeoutMs }),
  });
  try {
    return { store, epoch: await store.open(options.listSize) };
  } catch (error) {
    await store.close().catch(() => undefined);
    throw error;
  }
}
