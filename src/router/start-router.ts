/**
 * Starts the cell router on Node with `@hono/node-server`: the client's address from the socket
 * for `X-Forwarded-For`, a fast upstream client (`node-upstream.ts`), and a graceful stop.
 * Exported so tests start the real server on a free port; `server.ts` is the `npm run router`
 * entry.
 *
 * @example
 * ```ts
 * const router = await startRouter({ options: { verifier, cells, fallback: "eu" }, port: 0 });
 * await router.close();
 * ```
 * @module
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import type { ServerLimits } from "../config/server-limits.js";
import { capConnections, nodeServerOptions } from "../node/server-limits.js";
import { createCellRouter } from "./create-cell-router.js";
import { nodeUpstreamFetch } from "./node-upstream.js";

export { nodeUpstreamFetch } from "./node-upstream.js";

import type { CellRouterOptions } from "./router-options.js";

/** A running router. */
export interface RunningRouter {
  readonly url: string;
  readonly port: number;
  /** Stops accepting connections and lets in-flight requests finish. */
  close(): Promise<void>;
}

/** Options of {@link startRouter}. */
export interface StartRouterOptions {
  /** The router's options; `clientIp` and `fetch` default to the Node ones above. */
  readonly options: CellRouterOptions;
  readonly port: number;
  readonly host?: string;
  /** Timeouts and connection cap (default {@link DEFAULT_ROUTER_LIMITS}). */
  readonly limits?: ServerLimits;
}

/** The defaults of `ROUTER_HEADERS_TIMEOUT`, `ROUTER_REQUEST_TIMEOUT`, `ROUTER_MAX_CONNECTIONS`. */
export const DEFAULT_ROUTER_LIMITS: ServerLimits = {
  headersTimeoutSeconds: 10,
  requestTimeoutSeconds: 300,
  maxConnections: 10000,
};

/**
 * Starts the router and resolves once it listens.
 *
 * @throws {TypeError} on a bad router option.
 */
export async function startRouter(start: StartRouterOptions): Promise<RunningRouter> {
  const app = createCellRouter({
    clientIp: (c) => getConnInfo(c).remote.address,
    fetch: nodeUpstreamFetch,
    ...start.options,
  });
  const { server, address } = await new Promise<{
    server: ReturnType<typeof serve>;
    address: AddressInfo;
  }>((resolve, reject) => {
    const limits = start.limits ?? DEFAULT_ROUTER_LIMITS;
    const started = serve(
      {
        fetch: app.fetch,
        port: start.port,
        hostname: start.host ?? "127.0.0.1",
        serverOptions: nodeServerOptions(limits),
      },
      (info) => resolve({ server: started, address: info }),
    );
    capConnections(started, limits);
    started.once("error", reject);
  });
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
