/**
 * Starts the issuer on Node: builds the store and context (with Redis, also the pub/sub feed of
 * keyring changes), serves the app with `@hono/node-server`, runs the expiry sweep, the key
 * maintenance tick and webhook delivery on unref'd timers, and shuts down gracefully (in-flight requests finish, then
 * the store closes).
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
import { runScheduledKeyRotation } from "../keys/rotation.js";
import type { Logger } from "../logger.js";
import { sweepExpiryNotices } from "../tokens/expiry-notices.js";
import { sweepUnusedTokens } from "../tokens/unused-tokens.js";
import { createNodeStore } from "./create-node-store.js";
import { capConnections, nodeServerOptions } from "./server-limits.js";
import { startWebhookDelivery, type WebhookDeliveryOptions } from "./webhook-delivery.js";

/** How often the Node server sweeps for expiry notices. */
const EXPIRY_SWEEP_MS = 60_000;

/**
 * How often every instance runs the key maintenance tick (scheduled rotation, clean-up). A due
 * rotation happens at most this late; the compare-and-set makes exactly one instance apply it.
 */
export const KEY_MAINTENANCE_MS = 60_000;

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
  /** Expiry-notice and unused-token sweep interval in ms (default one minute; tests shorten it). */
  readonly sweepMs?: number;
  /** Key maintenance interval in ms (default {@link KEY_MAINTENANCE_MS}; tests shorten it). */
  readonly keyMaintenanceMs?: number;
  /** Keyring polling bound in ms (default 5000). */
  readonly keyRefreshMs?: number;
  /** Subscribe to keyring change notices (default true; tests turn it off to see the polling bound). */
  readonly keyChangeNotices?: boolean;
  /** Webhook delivery timing (tests shorten it). */
  readonly webhooks?: WebhookDeliveryOptions;
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
  const { store, keks, mode, keyChanges } = createNodeStore(
    config,
    logger,
    options.keysDirectory ?? "keys",
  );
  const feed = options.keyChangeNotices === false ? undefined : keyChanges;
  const context = await createIssuerContext({
    config,
    store,
    logger,
    keks,
    ...(options.clock ? { clock: options.clock } : {}),
    ...(options.keyRefreshMs === undefined ? {} : { keyRefreshMs: options.keyRefreshMs }),
    ...(feed ? { keyChanges: feed } : {}),
    clientIp: (c) => getConnInfo(c).remote.address,
  }).catch(async (error: unknown) => {
    await keyChanges?.close();
    throw error;
  });
  const app = buildApp(context);
  const webhooks = await startWebhookDelivery(context, options.webhooks).catch(
    async (error: unknown) => {
      await keyChanges?.close();
      await store.close();
      throw error;
    },
  );
  const { server, address } = await new Promise<{
    server: ReturnType<typeof serve>;
    address: AddressInfo;
  }>((resolve, reject) => {
    const started = serve(
      {
        fetch: app.fetch,
        port: config.port,
        hostname: config.host,
        serverOptions: nodeServerOptions(config.server),
      },
      (info) => resolve({ server: started, address: info }),
    );
    capConnections(started, config.server);
    started.once("error", reject);
  });
  // Expiry notices and unused-token cleanup: every instance sweeps; the store's atomic claims
  // make each notice and each revocation happen once.
  const sweeper = setInterval(() => {
    sweepExpiryNotices(context)
      .catch((error: unknown) =>
        logger.warn("expiry_notices.failed", { message: (error as Error).message }),
      )
      .then(() => sweepUnusedTokens(context))
      .catch((error: unknown) =>
        logger.warn("unused_tokens.failed", { message: (error as Error).message }),
      );
  }, options.sweepMs ?? EXPIRY_SWEEP_MS);
  sweeper.unref();
  // Key maintenance: every instance ticks; the keyring compare-and-set lets one apply each change.
  const maintenance = setInterval(() => {
    runScheduledKeyRotation(context).then(
      ({ changed, events }) => {
        if (changed) logger.info("keys.maintenance", { events });
      },
      (error: unknown) =>
        logger.warn("keys.maintenance_failed", { message: (error as Error).message }),
    );
  }, options.keyMaintenanceMs ?? KEY_MAINTENANCE_MS);
  maintenance.unref();
  const inFlight = countRequests(server);
  const host = address.family === "IPv6" ? `[${address.address}]` : address.address;
  return {
    url: `http://${host}:${address.port}`,
    port: address.port,
    context,
    mode,
    async close() {
      clearInterval(sweeper);
      clearInterval(maintenance);
      await webhooks.stop();
      // server.close() resolves once the listener is closed, which can be before a request whose
      // body is still arriving has been answered: wait for every request in flight as well.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      if ("closeIdleConnections" in server) server.closeIdleConnections();
      await closed;
      await inFlight.drained();
      await keyChanges?.close();
      await store.close();
    },
  };
}

/** Counts the requests a Node server has not finished answering. */
function countRequests(server: ReturnType<typeof serve>) {
  let open = 0;
  let waiting: (() => void) | undefined;
  server.on(
    "request",
    (_request: unknown, response: { once(event: "close", fn: () => void): void }) => {
      open += 1;
      response.once("close", () => {
        open -= 1;
        if (open === 0) waiting?.();
      });
    },
  );
  return {
    drained: () =>
      open === 0
        ? Promise.resolve()
        : new Promise<void>((resolve) => {
            waiting = resolve;
          }),
  };
}
