/**
 * What one client may hold open on a Node HTTP server (issuer and router alike): how long the
 * request headers, and the whole request, may take to arrive, and how many connections are open at
 * once. Without them 2,000 connections that send a body one byte at a time stay open for minutes.
 * Read from `<PREFIX>_HEADERS_TIMEOUT`, `<PREFIX>_REQUEST_TIMEOUT` and `<PREFIX>_MAX_CONNECTIONS`.
 *
 * @example
 * ```ts
 * const schema = z.object({ TOKENMINT_HEADERS_TIMEOUT: timeoutSeconds("10s") });
 * ```
 * @module
 */
import { z } from "zod";
import { parseDurationSeconds } from "./duration.js";

/** The Node server's timeouts (whole seconds) and connection cap. */
export interface ServerLimits {
  /** The request line and headers must have arrived this long after the request began. */
  readonly headersTimeoutSeconds: number;
  /** The whole request, body included, must have arrived this long after it began. */
  readonly requestTimeoutSeconds: number;
  /** Connections beyond this many open ones are closed on arrival. */
  readonly maxConnections: number;
}

/** The longest timeout accepted (1h): far past any sane request. */
const MAX_TIMEOUT_SECONDS = 3600;

/**
 * A timeout variable: a duration (`30`, `30s`, `5m`) from 1 second to 1 hour.
 *
 * @example
 * ```ts
 * timeoutSeconds("10s").parse("1m"); // 60
 * ```
 */
export function timeoutSeconds(fallback: string) {
  return z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const seconds = parseDurationSeconds(value);
      if (seconds === undefined || seconds < 1 || seconds > MAX_TIMEOUT_SECONDS) {
        ctx.addIssue({
          code: "custom",
          message: "expected a duration from 1s to 1h (seconds or a number with s, m or h)",
        });
        return z.NEVER;
      }
      return seconds;
    });
}

/**
 * A connection cap variable: a whole number from 1 to 1,000,000.
 *
 * @example
 * ```ts
 * maxConnections(10000).parse("512"); // 512
 * ```
 */
export function maxConnections(fallback: number) {
  return z.coerce.number().int().min(1).max(1_000_000).default(fallback);
}

/**
 * The problem with a pair of timeouts, if any: Node refuses a headers timeout longer than the
 * request timeout (the headers are part of the request).
 *
 * @example
 * ```ts
 * serverLimitsProblem("TOKENMINT", limits); // undefined, or "TOKENMINT_HEADERS_TIMEOUT: ..."
 * ```
 */
export function serverLimitsProblem(prefix: string, limits: ServerLimits): string | undefined {
  if (limits.headersTimeoutSeconds <= limits.requestTimeoutSeconds) return undefined;
  return `${prefix}_HEADERS_TIMEOUT: must not exceed ${prefix}_REQUEST_TIMEOUT (${limits.requestTimeoutSeconds}s)`;
}
