/**
 * One issuer per isolate: the validated configuration, the issuer context (keyring and decrypted
 * signing key kept across requests), the Hono app and the edge cache. Each request runs in its own
 * {@link RequestScope}, whose Redis connection is closed when the request ends. The isolate keeps
 * the store epoch it started with and fails closed (503) if Redis later shows another one, as the
 * Node server does.
 *
 * @example
 * ```ts
 * const runtime = workerRuntime(env);
 * return runtime.handle(request, env, ctx);
 * ```
 * @module
 */
import type { Hono } from "hono";
import { buildApp } from "../app.js";
import { createIssuerContext } from "../bootstrap.js";
import type { IssuerContext } from "../context.js";
import { InternalError, StoreUnavailable, TokenmintError } from "../errors.js";
import { problemResponse } from "../http/problem.js";
import { createJsonLogger, type Logger } from "../logger.js";
import type { StoreEpoch } from "../store/types.js";
import { createEdgeCache, type EdgeCache, edgeCacheSeconds } from "./edge-cache.js";
import {
  createRequestScope,
  createScopedStore,
  type OpenedStore,
  openRedisStore,
  type RequestScope,
  runInScope,
} from "./request-store.js";
import { stringBindings, type WorkerEnv, type WorkerSettings } from "./settings.js";

/** The isolate's issuer. */
export interface WorkerRuntime {
  readonly settings: WorkerSettings;
  readonly logger: Logger;
  readonly cache: EdgeCache;
  /** Serves one HTTP request. */
  handle(request: Request, env: WorkerEnv, ctx: ExecutionContext): Promise<Response>;
  /** Runs `work` with the issuer context in a fresh request scope, closed through `ctx`. */
  withContext<T>(ctx: ExecutionContext, work: (issuer: IssuerContext) => Promise<T>): Promise<T>;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);
/** Writes that change no status bit and no key: they leave the edge cache alone. */
const CACHE_NEUTRAL_WRITES = new Set(["/v1/introspect", "/v1/usage", "/v1/tokens"]);

/**
 * Builds the runtime for validated settings (the context itself is created on first use, inside
 * a request, because only a request may open a connection).
 */
export function createWorkerRuntime(settings: WorkerSettings): WorkerRuntime {
  const { config } = settings;
  const logger = createJsonLogger();
  const cache = createEdgeCache({ clock: Date.now });
  let startedEpoch: StoreEpoch | undefined;
  let starting: Promise<{ issuer: IssuerContext; app: Hono }> | undefined;

  async function openChecked(): Promise<OpenedStore> {
    const opened = await openRedisStore({
      url: settings.redisUrl,
      prefix: config.redisPrefix,
      timeoutMs: config.redisTimeoutMs,
      waitReplicas: config.redisWaitReplicas,
      waitTimeoutMs: config.redisWaitTimeoutMs,
      listSize: config.statusList.size,
    });
    startedEpoch ??= opened.epoch;
    if (opened.epoch.id !== startedEpoch.id) {
      await opened.store.close();
      throw new StoreUnavailable("The store's data was lost (epoch changed); refusing to continue");
    }
    return opened;
  }

  function started(): Promise<{ issuer: IssuerContext; app: Hono }> {
    starting ??= createIssuerContext({
      config,
      store: createScopedStore(),
      logger,
      keks: config.keks,
      clientIp: (c) => c.req.header("cf-connecting-ip"),
    }).then(
      (issuer) => ({ issuer, app: buildApp(issuer) }),
      (error: unknown) => {
        starting = undefined;
        throw error;
      },
    );
    return starting;
  }

  function scoped<T>(ctx: ExecutionContext, work: (scope: RequestScope) => Promise<T>): Promise<T> {
    const scope = createRequestScope(openChecked);
    return runInScope(scope, () => work(scope)).finally(() => ctx.waitUntil(scope.close()));
  }

  async function serve(
    request: Request,
    env: WorkerEnv,
    ctx: ExecutionContext,
  ): Promise<{ response: Response; cacheState: string }> {
    const cached = cache.match(request);
    if (cached) return { response: cached, cacheState: "hit" };
    const { app } = await started();
    const response = await app.fetch(request, env, ctx);
    const pathname = new URL(request.url).pathname;
    const seconds = edgeCacheSeconds(pathname, config.statusList.ttlSeconds);
    // A change made through this isolate (revoke, suspend, rotate, key admin) is visible here at
    // once; other isolates see it within their entries' bounds.
    if (
      !SAFE_METHODS.has(request.method) &&
      !CACHE_NEUTRAL_WRITES.has(pathname) &&
      response.status < 400
    ) {
      cache.clear();
    }
    if (seconds > 0 && request.method === "GET") {
      return { response: await cache.put(request, response, seconds), cacheState: "miss" };
    }
    return { response, cacheState: "bypass" };
  }

  return {
    settings,
    logger,
    cache,
    handle(request, env, ctx) {
      return scoped(ctx, async (scope) => {
        let result: { response: Response; cacheState: string };
        try {
          result = await serve(request, env, ctx);
        } catch (error) {
          // Only a failure before the app exists lands here; the app answers its own errors.
          result = { response: startFailure(error, logger), cacheState: "bypass" };
        }
        if (!settings.serverTiming) return result.response;
        const response = new Response(result.response.body, result.response);
        const connect = scope.connectMs();
        const timing = [`edge-cache;desc="${result.cacheState}"`];
        if (connect !== undefined) timing.push(`redis-connect;dur=${connect}`);
        response.headers.set("Server-Timing", timing.join(", "));
        return response;
      });
    },
    withContext(ctx, work) {
      return scoped(ctx, async () => work((await started()).issuer));
    },
  };
}

/** The answer when the issuer could not start (Redis down: 503; anything else: 500). */
function startFailure(error: unknown, logger: Logger): Response {
  if (error instanceof TokenmintError) {
    logger.warn("worker.start_failed", { code: error.code, cause: String(error.cause ?? "") });
    return problemResponse(error);
  }
  logger.error("worker.start_crashed", {
    error: error instanceof Error ? error.name : "Error",
    message: error instanceof Error ? error.message : String(error),
  });
  return problemResponse(new InternalError());
}

const runtimes = new Map<string, WorkerRuntime>();

/**
 * The runtime for these bindings, created once per isolate (keyed by the string bindings, so a
 * changed secret or var after a deploy gets a fresh runtime; at most a few are kept).
 */
export function workerRuntime(
  env: WorkerEnv,
  read: (env: WorkerEnv) => WorkerSettings,
): WorkerRuntime {
  const key = JSON.stringify(
    Object.entries(stringBindings(env)).sort(([a], [b]) => a.localeCompare(b)),
  );
  let runtime = runtimes.get(key);
  if (!runtime) {
    runtime = createWorkerRuntime(read(env));
    if (runtimes.size >= 4) runtimes.clear();
    runtimes.set(key, runtime);
  }
  return runtime;
}
