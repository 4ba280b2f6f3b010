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
  const problems: string[] = [];
  let config: Config | undefined;
  try {
    config = parseConfig(strings);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    problems.push(...error.problems);
  }
  // Without REDIS_URL the schema would take the embedded defaults: name every missing secret.
  const required: Array<[string, string]> = [
    ["TOKENMINT_ISSUER", "required on Workers (the public URL of this Worker)"],
    ["REDIS_URL", "required on Workers (secret); an isolate cannot hold the state"],
    ["TOKENMINT_KEK", "required on Workers (secret); private keys are stored encrypted"],
    ["TOKENMINT_CLIENTS", "required on Workers (secret): the service clients"],
  ];
  for (const [name, why] of required) {
    if (!strings[name] && !problems.some((problem) => problem.startsWith(`${name}:`))) {
      problems.push(`${name}: ${why}`);
    }
  }
  const redisUrl = config?.redis && "url" in config.redis ? config.redis.url : undefined;
  if (problems.length > 0 || !config || !redisUrl) throw new ConfigError(problems);
  return {
    config,
    redisUrl,
    serverTiming: strings.TOKENMINT_SERVER_TIMING === "true",
  };
}
