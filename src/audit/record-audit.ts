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
import { epochSeconds } from "../clock.js";
import type { IssuerContext } from "../context.js";
import type { AuditEvent } from "../store/types.js";

/** The audit event types. */
export type AuditType =
  | "token.minted"
  | "token.rotated"
  | "token.revoked"
  | "token.suspended"
  | "token.resumed"
  | "token.updated"
  | "token.reuse_detected"
  | "token.expiring"
  | "tokens.mass_revoked"
  | "org.moved"
  | "key.generated"
  | "key.activated"
  | "key.retired"
  | "key.revoked"
  | "key.deleted";

/** An event to record; `at` defaults to now. */
export type AuditInput = Omit<AuditEvent, "at" | "type"> & { type: AuditType; at?: number };

/** Writes the event to the log and the audit stream. */
export async function recordAudit(ctx: IssuerContext, input: AuditInput): Promise<void> {
  const event: AuditEvent = { ...input, at: input.at ?? epochSeconds(ctx.clock) };
  const { type, ...fields } = event;
  ctx.logger.info(type, { ...fields, audit: true });
  await ctx.store.appendAudit(event, ctx.config.auditMaxEvents);
}
