/**
 * The webhooks in force: those of the configuration (`TOKENMINT_WEBHOOKS`, stable ids) and those
 * created through the admin API (in the store, secrets encrypted), side by side.
 *
 * @example
 * ```ts
 * const hooks = await listActiveWebhooks(ctx);
 * const wanted = hooks.filter((hook) => wantsEvent(hook, "token.revoked"));
 * ```
 * @module
 */
import type { IssuerContext } from "../context.js";
import { openWebhookSecret } from "./secret.js";

/** A webhook as delivery and the API see it. */
export interface ActiveWebhook {
  readonly id: string;
  readonly url: string;
  readonly events?: readonly string[];
  readonly source: "config" | "api";
  /** Milliseconds since the epoch (API-defined only). */
  readonly createdAt: number | null;
  /** The `whsec_…` secret (decrypted on demand for API-defined ones). */
  secret(): Promise<string>;
}

const opened = new Map<string, Promise<string>>();

/** Every webhook in force: configured ones first, then API-defined ones, oldest first. */
export async function listActiveWebhooks(ctx: IssuerContext): Promise<ActiveWebhook[]> {
  const configured = ctx.config.webhooks.configured.map(
    (hook): ActiveWebhook => ({
      id: hook.id,
      url: hook.url,
      ...(hook.events ? { events: hook.events } : {}),
      source: "config",
      createdAt: null,
      secret: async () => hook.secret,
    }),
  );
  const ids = new Set(configured.map((hook) => hook.id));
  const stored = (await ctx.store.listWebhooks())
    .filter((hook) => !ids.has(hook.id))
    .map(
      (hook): ActiveWebhook => ({
        id: hook.id,
        url: hook.url,
        ...(hook.events ? { events: hook.events } : {}),
        source: "api",
        createdAt: hook.createdAt,
        secret: () => {
          let secret = opened.get(hook.secretJwe);
          if (!secret) {
            secret = openWebhookSecret(hook.secretJwe, ctx.keks);
            secret.catch(() => opened.delete(hook.secretJwe));
            opened.set(hook.secretJwe, secret);
          }
          return secret;
        },
      }),
    );
  return [...configured, ...stored];
}

/** True when the webhook receives events of `type`. */
export function wantsEvent(hook: Pick<ActiveWebhook, "events">, type: string): boolean {
  return hook.events === undefined || hook.events.includes(type);
}
