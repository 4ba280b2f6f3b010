/**
 * Starts the issuer on Node: builds the store and context, serves the app with
 * `@hono/node-server`, and shuts down gracefully (in-flight requests finish, then the store closes).
 * Exported so tests start the real server on a free port.
 * @module
 */
import type { AddressInfo } from "node:net";
import { serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { buildApp } from "../app.js";
import { createIssuerContext } from "../bootstrap.js";
import type { Clock } from "../clock.js";
import type { Config } from "../config/config.js";
import type { IssuerContext } from "../context.js";
import type { Logger } from "../logger.js";
import { sweepExpiryNotices } from "../tokens/expiry-notices.js";
import { createNodeStore } from "./create-node-store.js";

/** How often the Node server sweeps for expiry notices. */
const EXPIRY_SWEEP_MS = 60_000;

/** A running issuer. */
export interface RunningIssuer {
  readonly url: string;
  readonly port: number;
  readonly context: IssuerContext;
  readonly mode: "redis" | "memory";
  /** Stops accepting connections, lets in-flight requests finish, closes the store. */
  close(): Promise<void>;
}

/** Options of {@link startServer}. */
export interface StartOptions {
  readonly config: Config;
  readonly logger: Logger;
  readonly keysDirectory?: string;
  readonly clock?: Clock;
}

/**
 * Starts the issuer and resolves once it listens.
 *
 * @example
 * ```ts
 * const issuer = await startServer({ config: parseConfig(process.env), logger });
 * ```
 */
export async function startServer(options: StartOptions): Promise<RunningIssuer> {
  const { config, logger } = options;
  const { store, keks, mode } = createNodeStore(config, logger, options.keysDirectory ?? "keys");
  const context = await createIssuerContext({
    config,
    store,
    logger,
    keks,
    ...(options.clock ? { clock: options.clock } : {}),
    clientIp: (c) => getConnInfo(c).remote.address,
  });
  const app = buildApp(context);
  const { server, address } = await new Promise<{
    server: ReturnType<typeof serve>;
    address: AddressInfo;
  }>((resolve, reject) => {
    const started = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) =>
      resolve({ server: started, address: info }),
    );
    started.once("error", reject);
  });
  // Expiry notices: every instance sweeps; the store's atomic claims make each notice unique.
  const sweeper = setInterval(() => {
    sweepExpiryNotices(context).catch((error: unknown) =>
      logger.warn("expiry_notices.failed", { message: (error as Error).message }),
    );
  }, EXPIRY_SWEEP_MS);
  sweeper.unref();
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    context,
    mode,
    async close() {
      clearInterval(sweeper);
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await store.close();
    },
  };
}
