/**
 * The admin operations on webhooks behind `/v1/webhooks`: create (the secret is shown once and
 * stored only encrypted), list, show, update, delete, list a webhook's pending and failed deliveries, and
 * redeliver a failed one. Configured webhooks (`TOKENMINT_WEBHOOKS`) are listed beside the
 * API-defined ones but change only with the configuration.
 *
 * @example
 * ```ts
 * const { webhook, secret } = await createWebhook(ctx, { url, events: ["token.revoked"] });
 * ```
 * @module
 */

import type { IssuerContext } from "../context.js";
import { Conflict, InvalidRequest, NotFound } from "../errors.js";
import { randomId } from "../random.js";
import type { WebhookDelivery } from "../store/types.js";
import { webhookMessageId } from "./payload.js";
import { generateWebhookSecret, sealWebhookSecret } from "./secret.js";
import { checkWebhookUrl, TargetRefused } from "./target-guard.js";
import { type ActiveWebhook, listActiveWebhooks } from "./webhook-list.js";

/** A webhook as the API shows it (never its secret). */
export interface WebhookView {
  readonly id: string;
  readonly url: string;
  /** Event types it receives; null: every type. */
  readonly events: readonly string[] | null;
  readonly source: "config" | "api";
  readonly created_at: string | null;
}

/** A delivery as the API shows it. */
export interface DeliveryView {
  /** The audit event's id, which names the delivery under its webhook. */
  readonly id: string;
  readonly webhook_id: string;
  /** The `webhook-id` header of every attempt. */
  readonly message_id: string;
  readonly type: string;
  readonly state: "pending" | "failed";
  readonly attempts: number;
  readonly created_at: string;
  readonly next_attempt_at: string | null;
  readonly last_attempt_at: string | null;
  readonly last_status: number | null;
  readonly last_error: string | null;
}

const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());

function viewOf(hook: ActiveWebhook): WebhookView {
  return {
    id: hook.id,
    url: hook.url,
    events: hook.events ?? null,
    source: hook.source,
    created_at: iso(hook.createdAt),
  };
}

function deliveryView(delivery: WebhookDelivery): DeliveryView {
  return {
    id: delivery.event.id,
    webhook_id: delivery.hook,
    message_id: webhookMessageId(delivery.hook, delivery.event.id),
    type: delivery.event.type,
    state: delivery.state,
    attempts: delivery.attempts,
    created_at: new Date(delivery.createdAt).toISOString(),
    next_attempt_at: iso(delivery.nextAttemptAt),
    last_attempt_at: iso(delivery.lastAttemptAt),
    last_status: delivery.lastStatus,
    last_error: delivery.lastError,
  };
}

/** @throws {InvalidRequest} naming `url` when the target guard refuses it. */
function refuseUrl(ctx: IssuerContext, url: string): void {
  try {
    checkWebhookUrl(url, ctx.config.webhooks.allowInsecure);
  } catch (error) {
    if (!(error instanceof TargetRefused)) throw error;
    throw new InvalidRequest("invalid_request", `url: ${error.message}`, [
      { path: "url", message: error.message },
    ]);
  }
}

/** Every webhook in force. */
export async function listWebhookViews(ctx: IssuerContext): Promise<WebhookView[]> {
  return (await listActiveWebhooks(ctx)).map(viewOf);
}

/** One webhook. @throws {NotFound} */
async function findWebhook(ctx: IssuerContext, id: string): Promise<ActiveWebhook> {
  const hook = (await listActiveWebhooks(ctx)).find((candidate) => candidate.id === id);
  if (!hook) throw new NotFound("No such webhook");
  return hook;
}

/** One webhook's view. @throws {NotFound} */
export async function showWebhook(ctx: IssuerContext, id: string): Promise<WebhookView> {
  return viewOf(await findWebhook(ctx, id));
}

/**
 * Creates a webhook with a fresh secret, returned here and never again.
 *
 * @throws {InvalidRequest} when the URL is refused (scheme, local or private address).
 */
export async function createWebhook(
  ctx: IssuerContext,
  input: { readonly url: string; readonly events?: readonly string[] | undefined },
): Promise<{ webhook: WebhookView; secret: string }> {
  refuseUrl(ctx, input.url);
  const secret = generateWebhookSecret();
  const hook = {
    id: `wh_${randomId(12)}`,
    url: input.url,
    ...(input.events ? { events: [...new Set(input.events)] } : {}),
    secretJwe: await sealWebhookSecret(secret, ctx.keks),
    createdAt: ctx.clock(),
  };
  // The group must exist before the first event this webhook should get is recorded.
  await ctx.store.openOutbox();
  await ctx.store.saveWebhook(hook);
  return {
    webhook: {
      id: hook.id,
      url: hook.url,
      events: hook.events ?? null,
      source: "api",
      created_at: iso(hook.createdAt),
    },
    secret,
  };
}

/**
 * Changes an API-defined webhook's URL or event filter (`events: null` means every type); its
 * secret and pending deliveries stay.
 *
 * @throws {NotFound} for an unknown id; {Conflict} for a configured one or one changed meanwhile;
 * {InvalidRequest} for a refused URL.
 */
export async function updateWebhook(
  ctx: IssuerContext,
  id: string,
  change: {
    readonly url?: string | undefined;
    readonly events?: readonly string[] | null | undefined;
  },
): Promise<WebhookView> {
  const hook = await findWebhook(ctx, id);
  if (hook.source === "config") {
    throw new Conflict(
      "invalid_state",
      "A configured webhook changes only with TOKENMINT_WEBHOOKS",
    );
  }
  if (change.url !== undefined) refuseUrl(ctx, change.url);
  const stored = (await ctx.store.listWebhooks()).find((candidate) => candidate.id === id);
  if (!stored) throw new NotFound("No such webhook");
  const { events: _events, ...rest } = stored;
  const events = change.events === undefined ? stored.events : change.events;
  const next = {
    ...rest,
    url: change.url ?? stored.url,
    ...(events ? { events: [...new Set(events)] } : {}),
  };
  // A concurrent change (or a rekey re-encrypting the secret) must not be overwritten.
  if (!(await ctx.store.replaceWebhook(stored, next))) {
    throw new Conflict("invalid_state", "The webhook changed meanwhile; read it again");
  }
  return {
    id,
    url: next.url,
    events: next.events ?? null,
    source: "api",
    created_at: iso(next.createdAt),
  };
}

/**
 * Deletes an API-defined webhook and its deliveries.
 *
 * @throws {NotFound} for an unknown id; {Conflict} for a configured one.
 */
export async function deleteWebhook(ctx: IssuerContext, id: string): Promise<void> {
  const hook = await findWebhook(ctx, id);
  if (hook.source === "config") {
    throw new Conflict(
      "invalid_state",
      "A configured webhook changes only with TOKENMINT_WEBHOOKS",
    );
  }
  await ctx.store.deleteWebhook(id);
}

/** A webhook's pending and failed deliveries, newest first. @throws {NotFound} */
export async function listDeliveryViews(
  ctx: IssuerContext,
  id: string,
  limit: number,
): Promise<DeliveryView[]> {
  await findWebhook(ctx, id);
  return (await ctx.store.listDeliveries(id, limit)).map(deliveryView);
}

/**
 * Queues a failed delivery again, due now, with a fresh retry window.
 *
 * @throws {NotFound} for an unknown webhook or delivery; {Conflict} when it is not failed.
 */
export async function redeliver(
  ctx: IssuerContext,
  id: string,
  eventId: string,
): Promise<DeliveryView> {
  await findWebhook(ctx, id);
  const current = await ctx.store.getDelivery(id, eventId);
  if (!current) throw new NotFound("No such delivery");
  if (current.state !== "failed") {
    throw new Conflict("invalid_state", `The delivery is ${current.state}, not failed`);
  }
  const now = ctx.clock();
  const next: WebhookDelivery = {
    ...current,
    state: "pending",
    attempts: 0,
    queuedAt: now,
    nextAttemptAt: now,
  };
  if (!(await ctx.store.requeueDelivery(current, next))) {
    throw new Conflict("invalid_state", "The delivery changed meanwhile; list it again");
  }
  return deliveryView(next);
}
