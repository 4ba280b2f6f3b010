/**
 * The webhooks of the configuration (`TOKENMINT_WEBHOOKS`): a JSON list of
 * `{id?, url, secret, events?}`. Each gets a stable id (given, or derived from its URL), so its
 * deliveries survive restarts and redeploys that keep the URL.
 *
 * @example
 * ```ts
 * configuredWebhooks.parse('[{"url":"https://hooks.example.com/t","secret":"whsec_…"}]');
 * ```
 * @module
 */
import { z } from "zod";

/** A webhook from the configuration. */
export interface ConfiguredWebhook {
  readonly id: string;
  readonly url: string;
  /** The `whsec_…` secret (base64 of 24 to 64 random bytes after the prefix). */
  readonly secret: string;
  /** Audit event types it receives; absent means every type. */
  readonly events?: readonly string[];
}

/** Webhook ids: letters, digits, `_` and `-`. */
export const WEBHOOK_ID = /^[A-Za-z0-9_-]{1,64}$/;

/** A Standard Webhooks secret: `whsec_` and the base64 of 24 to 64 bytes. */
export const WEBHOOK_SECRET =
  /^whsec_(?:[A-Za-z0-9+/]{4}){8,22}(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/;

/** An audit event type to filter on, e.g. `token.revoked`. */
export const EVENT_TYPE = /^[a-z_]{1,32}\.[a-z_]{1,32}$/;

const entry = z.strictObject({
  id: z.string().regex(WEBHOOK_ID).optional(),
  url: z.url({ protocol: /^https?$/ }).max(2048),
  secret: z.string().regex(WEBHOOK_SECRET, "expected whsec_ and the base64 of 24 to 64 bytes"),
  events: z.array(z.string().regex(EVENT_TYPE)).min(1).max(64).optional(),
});

/** FNV-1a (32 bits) as 8 hex digits: a short, stable, synchronous name for a URL. */
function fnv1a(text: string): string {
  let hash = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(text)) {
    hash ^= byte;
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  return hash.toString(16).padStart(8, "0");
}

/** `TOKENMINT_WEBHOOKS`: the JSON list, each entry with its id; ids must be unique. */
export const configuredWebhooks = z
  .string()
  .default("[]")
  .transform((value, ctx) => {
    try {
      return JSON.parse(value) as unknown;
    } catch {
      ctx.addIssue({ code: "custom", message: "expected a JSON list of {url, secret, events?}" });
      return z.NEVER;
    }
  })
  .pipe(z.array(entry).max(100))
  .transform((list, ctx): ConfiguredWebhook[] => {
    const hooks = list.map((hook) => ({
      id: hook.id ?? `cfg_${fnv1a(hook.url)}`,
      url: hook.url,
      secret: hook.secret,
      ...(hook.events ? { events: [...new Set(hook.events)] } : {}),
    }));
    if (new Set(hooks.map((hook) => hook.id)).size !== hooks.length) {
      ctx.addIssue({ code: "custom", message: "two webhooks have the same id (or URL): set ids" });
      return z.NEVER;
    }
    return hooks;
  });
