/**
 * The body of a webhook delivery, in the Standard Webhooks shape
 * `{"type", "timestamp", "data"}`: the audit event's type and time, and in `data` the event id,
 * the actor, the token's id, subject, organization and kind when the event names a token, the
 * reason and the event's details. Audit events never hold a token, so neither does a payload.
 *
 * @example
 * ```ts
 * webhookPayload({ id: "1733140000000-0", type: "token.revoked", at: 1733140000,
 *   actor: "client:platform", jti: "abc", sub: "alice" });
 * // {"type":"token.revoked","timestamp":"2024-12-02T11:46:40.000Z","data":{...}}
 * ```
 * @module
 */
import type { AuditEntry } from "../store/types.js";

/** The `data` member of a payload. */
export interface WebhookData {
  readonly event_id: string;
  readonly actor: string;
  readonly token_id?: string;
  readonly subject?: string;
  readonly org?: string;
  readonly kind?: string;
  readonly reason?: string;
  readonly detail?: Readonly<Record<string, string | number | boolean | null>>;
}

/** A delivery's JSON body. */
export interface WebhookPayload {
  readonly type: string;
  readonly timestamp: string;
  readonly data: WebhookData;
}

/** The token kind an event carries, if any (on the event, or among its details). */
function kindOf(event: AuditEntry): string | undefined {
  const direct = (event as { readonly kind?: unknown }).kind;
  if (typeof direct === "string") return direct;
  const detail = event.detail?.kind;
  return typeof detail === "string" ? detail : undefined;
}

/** The payload of an audit event. */
export function webhookPayload(event: AuditEntry): WebhookPayload {
  const kind = kindOf(event);
  return {
    type: event.type,
    timestamp: new Date(event.at * 1000).toISOString(),
    data: {
      event_id: event.id,
      actor: event.actor,
      ...(event.jti === undefined ? {} : { token_id: event.jti }),
      ...(event.sub === undefined ? {} : { subject: event.sub }),
      ...(event.org === undefined ? {} : { org: event.org }),
      ...(kind === undefined ? {} : { kind }),
      ...(event.reason === undefined ? {} : { reason: event.reason }),
      ...(event.detail === undefined ? {} : { detail: event.detail }),
    },
  };
}

/**
 * The `webhook-id` of an event's delivery to a webhook: the same on every attempt and every
 * instance, so a receiver can drop duplicates.
 */
export function webhookMessageId(hook: string, eventId: string): string {
  return `msg_${hook}_${eventId}`;
}
