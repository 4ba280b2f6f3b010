/**
 * Audit: every state change is one structured event, written to the log and to the capped audit
 * stream in the store. Events carry token ids, never tokens.
 *
 * @example
 * ```ts
 * await recordAudit(ctx, { type: "token.revoked", actor: "client:platform", jti, sub });
 * ```
 * @module
 */
import { type Clock, epochSeconds } from "../clock.js";
import type { Logger } from "../logger.js";
import type { AuditEvent, AuditStore } from "../store/types.js";

/** The audit event types. */
export type AuditType =
  | "token.minted"
  | "token.rotated"
  | "token.revoked"
  | "token.suspended"
  | "token.resumed"
  | "token.approved"
  | "token.denied"
  | "token.updated"
  | "token.reuse_detected"
  | "token.ip_refused"
  | "token.expiring"
  | "token.leaked"
  | "tokens.mass_revoked"
  | "org.moved"
  | "key.generated"
  | "key.activated"
  | "key.retired"
  | "key.revoked"
  | "key.deleted";

/** An event to record; `at` defaults to now. */
export type AuditInput = Omit<AuditEvent, "at" | "type"> & { type: AuditType; at?: number };

/** What recording an event needs (the issuer context has it). */
export interface AuditContext {
  readonly clock: Clock;
  readonly logger: Logger;
  readonly store: AuditStore;
  readonly config: { readonly auditMaxEvents: number };
}

/** Writes the event to the log and the audit stream. */
export async function recordAudit(ctx: AuditContext, input: AuditInput): Promise<void> {
  await ctx.store.appendAudit(loggedAuditEvent(ctx, input), ctx.config.auditMaxEvents);
}

/**
 * Writes the event to the log and returns it, for a store write that appends it to the stream
 * together with what it records (a minted token's record).
 *
 * @example
 * ```ts
 * const event = loggedAuditEvent(ctx, { type: "token.minted", actor: "client:ci", jti });
 * await ctx.store.saveToken(record, retention, "active", { event, maxLength: 100_000 });
 * ```
 */
export function loggedAuditEvent(
  ctx: Pick<AuditContext, "clock" | "logger">,
  input: AuditInput,
): AuditEvent {
  const event: AuditEvent = { ...input, at: input.at ?? epochSeconds(ctx.clock) };
  const { type, ...fields } = event;
  ctx.logger.info(type, { ...fields, audit: true });
  return event;
}
