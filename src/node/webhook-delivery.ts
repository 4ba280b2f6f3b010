/**
 * Webhook delivery on Node: every instance runs a delivery pass on an unref'd timer (the store's
 * consumer group and leases share the work between instances), resolving each target's host with
 * `dns.lookup` so that every address it has is checked, and connecting only to a checked address.
 * @module
 */
import type { IssuerContext } from "../context.js";
import { randomId } from "../random.js";
import { runWebhookPass, type WebhookPassOptions } from "../webhooks/delivery-pass.js";
import { type AddressLookup, lookupAll, pinnedFetcher } from "./pinned-fetch.js";

/** How often a Node instance runs a delivery pass. */
export const WEBHOOK_TICK_MS = 1000;

/**
 * How a Node delivery pass resolves and sends: the guard checks every address `lookup` gives before
 * the attempt, and the request resolves again through `lookup`, checks again and connects only to
 * an address it checked (a rebinding name cannot slip a private address in between).
 *
 * @example
 * ```ts
 * await runWebhookPass(ctx, { consumer: "node-1", ...nodeWebhookTransport(false) });
 * ```
 */
export function nodeWebhookTransport(
  allowInsecure: boolean,
  lookup: AddressLookup = lookupAll,
): Pick<WebhookPassOptions, "fetch" | "resolveHost"> {
  return {
    resolveHost: async (host) => (await lookup(host)).map((answer) => answer.address),
    fetch: pinnedFetcher({ allowInsecure, lookup }),
  };
}

/** Options of {@link startWebhookDelivery} (tests shorten the times). */
export interface WebhookDeliveryOptions {
  readonly tickMs?: number;
  readonly reclaimAfterMs?: number;
}

/** A running delivery loop. */
export interface WebhookDelivery {
  /** Stops the timer and waits for the pass in progress, if any. */
  stop(): Promise<void>;
}

/**
 * Opens the outbox (so events recorded from now on are delivered), then runs a pass every tick;
 * a pass never overlaps the previous one.
 */
export async function startWebhookDelivery(
  ctx: IssuerContext,
  options: WebhookDeliveryOptions = {},
): Promise<WebhookDelivery> {
  await ctx.store.openOutbox();
  const pass: WebhookPassOptions = {
    consumer: `node-${randomId(6)}`,
    ...nodeWebhookTransport(ctx.config.webhooks.allowInsecure),
    ...(options.reclaimAfterMs === undefined ? {} : { reclaimAfterMs: options.reclaimAfterMs }),
  };
  let running: Promise<void> | undefined;
  // A pass fails every tick while Redis is down: log when failing starts and when it ends.
  let failing = false;
  const timer = setInterval(() => {
    if (running) return;
    running = runWebhookPass(ctx, pass)
      .then(
        () => {
          if (failing) ctx.logger.info("webhooks.pass_recovered", {});
          failing = false;
        },
        (error: unknown) => {
          if (!failing) {
            ctx.logger.warn("webhooks.pass_failed", { message: (error as Error).message });
          }
          failing = true;
        },
      )
      .finally(() => {
        running = undefined;
      });
  }, options.tickMs ?? WEBHOOK_TICK_MS);
  timer.unref();
  return {
    async stop() {
      clearInterval(timer);
      await running;
    },
  };
}
