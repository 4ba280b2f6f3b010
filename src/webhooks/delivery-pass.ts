/**
 * One pass of webhook delivery, run on a timer by every Node instance and by the Workers cron
 * trigger: first the audit events not yet fanned out become one durable delivery per interested
 * webhook (read through the store's consumer group, acknowledged in the same step), then the due
 * deliveries are claimed under a lease, signed and sent. A failed attempt is retried with
 * exponential backoff and full jitter until the retry window ends; the delivery is then kept as
 * `failed`, listed and redeliverable. Delivery is at least once: an instance that dies after
 * sending and before recording it lets the lease run out, and the delivery is sent again.
 *
 * @example
 * ```ts
 * await runWebhookPass(ctx, { consumer: "node-1", fetch });
 * ```
 * @module
 */
import type { IssuerContext } from "../context.js";
import type { ClaimedDelivery, WebhookDelivery } from "../store/types.js";
import { retryDelayMs } from "./backoff.js";
import { webhookMessageId, webhookPayload } from "./payload.js";
import { sendWebhook, type WebhookFetcher } from "./send.js";
import { signWebhook } from "./sign.js";
import { checkWebhookTarget, type HostResolver, TargetRefused } from "./target-guard.js";
import { type ActiveWebhook, listActiveWebhooks, wantsEvent } from "./webhook-list.js";

/** How one instance runs its passes. */
export interface WebhookPassOptions {
  /** This instance's name in the consumer group (stable for its life). */
  readonly consumer: string;
  /** How outbound requests are made (default: the runtime's `fetch`; Node pins the address). */
  readonly fetch?: WebhookFetcher;
  /** Node: resolves host names so every address can be checked. */
  readonly resolveHost?: HostResolver;
  /** Entries another instance read but never fanned out are taken over after this (ms). */
  readonly reclaimAfterMs?: number;
  /** Audit entries fanned out per batch, and deliveries claimed per batch. */
  readonly batchSize?: number;
  /** Stops after this many batches of each kind, so one pass stays short. */
  readonly maxBatches?: number;
}

/** What a pass did. */
export interface WebhookPassResult {
  readonly fannedOut: number;
  readonly delivered: number;
  readonly retried: number;
  readonly failed: number;
}

/** Default: a consumer that read entries a minute ago and did not acknowledge them is gone. */
export const DEFAULT_RECLAIM_AFTER_MS = 60_000;

/** The lease on a claimed delivery: the attempt's time limit and a margin to record the result. */
function leaseMs(ctx: IssuerContext): number {
  return ctx.config.webhooks.timeoutSeconds * 1000 + 30_000;
}

/** Turns unread audit events into deliveries; returns how many entries it fanned out. */
async function fanOut(
  ctx: IssuerContext,
  hooks: readonly ActiveWebhook[],
  options: WebhookPassOptions,
): Promise<number> {
  const batch = options.batchSize ?? 100;
  let total = 0;
  for (let round = 0; round < (options.maxBatches ?? 10); round++) {
    const entries = await ctx.store.readOutbox(
      options.consumer,
      batch,
      options.reclaimAfterMs ?? DEFAULT_RECLAIM_AFTER_MS,
    );
    if (entries.length === 0) break;
    const now = ctx.clock();
    const deliveries = entries.flatMap((event) =>
      hooks
        .filter((hook) => wantsEvent(hook, event.type))
        .map(
          (hook): WebhookDelivery => ({
            hook: hook.id,
            event,
            state: "pending",
            attempts: 0,
            createdAt: now,
            queuedAt: now,
            nextAttemptAt: now,
            lastAttemptAt: null,
            lastStatus: null,
            lastError: null,
          }),
        ),
    );
    await ctx.store.fanOut(
      deliveries,
      entries.map((entry) => entry.id),
    );
    total += entries.length;
    if (entries.length < batch) break;
  }
  return total;
}

/** Makes one attempt of a claimed delivery and records it; returns the new state. */
async function attempt(
  ctx: IssuerContext,
  claim: ClaimedDelivery,
  hook: ActiveWebhook | undefined,
  options: WebhookPassOptions,
): Promise<"delivered" | "retry" | "failed" | "dropped"> {
  const { delivery } = claim;
  if (!hook) {
    // The webhook was deleted (or left the configuration): its deliveries go with it.
    await ctx.store.finishDelivery(claim, null);
    return "dropped";
  }
  const { webhooks } = ctx.config;
  let result: { ok: boolean; status: number | null; error: string | null };
  try {
    const url = await checkWebhookTarget(hook.url, {
      allowInsecure: webhooks.allowInsecure,
      ...(options.resolveHost ? { resolve: options.resolveHost } : {}),
    });
    const body = JSON.stringify(webhookPayload(delivery.event));
    const id = webhookMessageId(hook.id, delivery.event.id);
    const headers = signWebhook(await hook.secret(), id, new Date(ctx.clock()), body);
    result = await sendWebhook(
      options.fetch ?? fetch,
      url,
      headers,
      body,
      webhooks.timeoutSeconds * 1000,
    );
  } catch (error) {
    if (error instanceof TargetRefused) {
      result = { ok: false, status: null, error: `refused: ${error.message}` };
    } else {
      // A secret that no configured KEK opens fails this webhook's attempts, not the whole pass.
      result = { ok: false, status: null, error: `not signed: ${(error as Error).message}` };
    }
  }
  const now = ctx.clock();
  if (result.ok) {
    await ctx.store.finishDelivery(claim, null);
    ctx.logger.info("webhook.delivered", {
      webhook: hook.id,
      event_id: delivery.event.id,
      type: delivery.event.type,
      attempts: delivery.attempts + 1,
      status: result.status,
    });
    return "delivered";
  }
  const attempts = delivery.attempts + 1;
  const nextAt = now + retryDelayMs(attempts, webhooks.retryBaseSeconds * 1000);
  const giveUp = nextAt > delivery.queuedAt + webhooks.retryForSeconds * 1000;
  const next: WebhookDelivery = {
    ...delivery,
    state: giveUp ? "failed" : "pending",
    attempts,
    nextAttemptAt: giveUp ? null : nextAt,
    lastAttemptAt: now,
    lastStatus: result.status,
    lastError: result.error,
  };
  await ctx.store.finishDelivery(claim, next);
  ctx.logger.warn(giveUp ? "webhook.failed" : "webhook.retry", {
    webhook: hook.id,
    event_id: delivery.event.id,
    type: delivery.event.type,
    attempts,
    status: result.status,
    error: result.error,
  });
  return giveUp ? "failed" : "retry";
}

/**
 * Runs one pass: fans out the new audit events, then sends the due deliveries.
 *
 * @throws {StoreUnavailable} when the store cannot be reached (the next pass tries again).
 */
export async function runWebhookPass(
  ctx: IssuerContext,
  options: WebhookPassOptions,
): Promise<WebhookPassResult> {
  // Read before the list: an event recorded after a webhook was created lies past this id.
  const end = await ctx.store.outboxEnd();
  const hooks = await listActiveWebhooks(ctx);
  const byId = new Map(hooks.map((hook) => [hook.id, hook]));
  let fannedOut = 0;
  // No webhook: nothing to fan out, so the group skips the events instead of reading each one.
  if (hooks.length === 0) await ctx.store.skipOutboxTo(end);
  else fannedOut = await fanOut(ctx, hooks, options);
  const counts = { delivered: 0, retry: 0, failed: 0, dropped: 0 };
  const batch = options.batchSize ?? 100;
  for (let round = 0; round < (options.maxBatches ?? 10); round++) {
    const claims = await ctx.store.claimDeliveries(ctx.clock(), leaseMs(ctx), batch);
    if (claims.length === 0) break;
    const outcomes = await Promise.all(
      claims.map((claim) => attempt(ctx, claim, byId.get(claim.delivery.hook), options)),
    );
    for (const outcome of outcomes) counts[outcome] += 1;
    if (claims.length < batch) break;
  }
  return {
    fannedOut,
    delivered: counts.delivered,
    retried: counts.retry,
    failed: counts.failed,
  };
}
