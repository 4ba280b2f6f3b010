/**
 * Applies {@link ServerLimits} to a Node HTTP server started with `@hono/node-server`: the two
 * timeouts go in as server options (Node only takes its check interval at creation), the
 * connection cap is set on the server before it accepts anything.
 *
 * @example
 * ```ts
 * const server = serve({ fetch, port, serverOptions: nodeServerOptions(limits) });
 * capConnections(server, limits);
 * ```
 * @module
 */
import type { ServerOptions } from "node:http";
import type { ServerLimits } from "../config/server-limits.js";

/** Node checks for expired requests at most this rarely (its own default is 30 s). */
const MAX_CHECK_INTERVAL_MS = 5000;
/** ... and at least this rarely: each check walks every open connection. */
const MIN_CHECK_INTERVAL_MS = 250;

/**
 * The `node:http` server options for the timeouts. A request that outlives a timeout is answered
 * 408 and its connection closed, at most a quarter of the headers timeout (at most 5 s) late.
 *
 * @example
 * ```ts
 * nodeServerOptions({ headersTimeoutSeconds: 10, requestTimeoutSeconds: 30, maxConnections: 1 });
 * // { headersTimeout: 10000, requestTimeout: 30000, connectionsCheckingInterval: 2500 }
 * ```
 */
export function nodeServerOptions(limits: ServerLimits): ServerOptions {
  const headersTimeout = limits.headersTimeoutSeconds * 1000;
  return {
    headersTimeout,
    requestTimeout: limits.requestTimeoutSeconds * 1000,
    connectionsCheckingInterval: Math.min(
      MAX_CHECK_INTERVAL_MS,
      Math.max(MIN_CHECK_INTERVAL_MS, Math.floor(headersTimeout / 4)),
    ),
  };
}

/**
 * Caps the open connections: Node closes each one past the cap as soon as it is accepted.
 *
 * @example
 * ```ts
 * capConnections(server, config.server);
 * ```
 */
export function capConnections(
  server: { maxConnections: number },
  limits: Pick<ServerLimits, "maxConnections">,
): void {
  server.maxConnections = limits.maxConnections;
}
