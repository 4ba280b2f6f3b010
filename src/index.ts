/**
 * tokenmint's issuer as a library: build the Hono app from a configuration and a store, on any
 * runtime. The downstream verifier is the `tokenmint/verifier` entry point.
 *
 * @example
 * ```ts
 * import { buildApp, createIssuerContext, createRedisStore, parseConfig, createJsonLogger } from "tokenmint";
 *
 * const config = parseConfig(process.env);
 * const store = createRedisStore({ url: process.env.REDIS_URL! });
 * const ctx = await createIssuerContext({ config, store, logger: createJsonLogger(), keks: config.keks });
 * export default buildApp(ctx);
 * ```
 * @module
 */
export { buildApp } from "./app.js";
export { createIssuerContext, type IssuerParts } from "./bootstrap.js";
export { type Config, ConfigError, parseConfig } from "./config/config.js";
export type { IssuerContext } from "./context.js";
export * from "./errors.js";
export { createJsonLogger, type Logger, silentLogger } from "./logger.js";
export { createMemoryStore, type MemoryStoreOptions } from "./store/memory-store.js";
export { createRedisStore, type RedisStoreOptions } from "./store/redis-store.js";
export type {
  AuditStore,
  KeyringStore,
  OrgRouteStore,
  RateLimitStore,
  StatusStore,
  Store,
  StoreLifecycle,
  TokenStore,
} from "./store/types.js";
