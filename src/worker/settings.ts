/**
 * Configuration of the Worker: the same variables as on Node, read from the Worker's bindings
 * (`[vars]` in `wrangler.toml` plus secrets), validated once per isolate by {@link parseConfig}.
 * On Workers there is no useful embedded store (every isolate would hold its own keys), so
 * `REDIS_URL`, `TOKENMINT_KEK`, `TOKENMINT_CLIENTS` and an explicit `TOKENMINT_ISSUER` are required.
 *
 * Secrets (`wrangler secret put NAME`): `TOKENMINT_CLIENTS`, `TOKENMINT_KEK`, `REDIS_URL` (it
 * usually carries the Redis password). Everything else may be a plain `[vars]` entry.
 *
 * @example
 * ```ts
 * const settings = readWorkerSettings(env); // throws ConfigError naming each bad variable
 * ```
 * @module
 */
import { type Config, ConfigError, parseConfig } from "../config/config.js";

/** The bindings the Worker reads: the issuer's variables, all strings. */
export interface WorkerEnv {
  readonly TOKENMINT_ISSUER?: string;
  /** Secret. */
  readonly REDIS_URL?: string;
  /** Secret. */
  readonly TOKENMINT_CLIENTS?: string;
  /** Secret. */
  readonly TOKENMINT_KEK?: string;
  /** `true` adds a `Server-Timing` header (edge cache hit/miss, Redis connect time). */
  readonly TOKENMINT_SERVER_TIMING?: string;
  readonly [name: string]: unknown;
}

/** The variables that must be Worker secrets, never `[vars]`. */
export const SECRET_BINDINGS = ["TOKENMINT_CLIENTS", "TOKENMINT_KEK", "REDIS_URL"] as const;

/** The validated configuration plus the Worker-only switches. */
export interface WorkerSettings {
  readonly config: Config;
  /** `REDIS_URL`: Workers connect to one Redis by URL (no Cluster or Sentinel discovery). */
  readonly redisUrl: string;
  readonly serverTiming: boolean;
}

/** The string-valued bindings (service bindings and other objects are not configuration). */
export function stringBindings(env: WorkerEnv): Record<string, string> {
  const strings: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (typeof value === "string") strings[name] = value;
  }
  return strings;
}

/**
 * Validates the bindings.
 *
 * @throws {ConfigError} naming every variable that is missing or wrong.
 */
export function readWorkerSettings(env: WorkerEnv): WorkerSettings {
  const strings = stringBindings(env);
  const config = parseConfig(strings);
  const problems: string[] = [];
  if (!strings.TOKENMINT_ISSUER) {
    problems.push("TOKENMINT_ISSUER: required on Workers (the public URL of this Worker)");
  }
  const redisUrl = config.redis && "url" in config.redis ? config.redis.url : undefined;
  if (!redisUrl) {
    problems.push("REDIS_URL: required on Workers (secret); an isolate cannot hold the state");
  }
  if (problems.length > 0 || !redisUrl) throw new ConfigError(problems);
  return {
    config,
    redisUrl,
    serverTiming: strings.TOKENMINT_SERVER_TIMING === "true",
  };
}
