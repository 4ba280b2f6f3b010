/**
 * Revocation and suspension: the status bits change first (that is what downstream verifiers
 * see), then the record's state. Both writes are idempotent, so a retry after a failure finishes
 * the job.
 * @module
 */
import type { IssuerContext } from "../context.js";
import { type StoredToken, type TokenState, TokenStatus } from "../store/types.js";

/** Why a token's state changed (audit). */
export interface StateChange {
  readonly actor: string;
  readonly reason: string;
}

const STATUS_FOR_STATE = {
  active: TokenStatus.valid,
  revoked: TokenStatus.revoked,
  rotated: TokenStatus.revoked,
  suspended: TokenStatus.suspended,
} as const;

const EVENT_FOR_STATE: Record<TokenState, string> = {
  active: "token.resumed",
  revoked: "token.revoked",
  rotated: "token.rotated",
  suspended: "token.suspended",
};

/**
 * Moves a token to `state`: status bits first, then the record.
 *
 * @example
 * ```ts
 * await changeTokenState(ctx, stored, "revoked", { actor: "client:platform", reason: "api" });
 * ```
 */
export async function changeTokenState(
  ctx: IssuerContext,
  stored: StoredToken,
  state: TokenState,
  change: StateChange,
): Promise<void> {
  await ctx.store.setStatus(stored.record.status, STATUS_FOR_STATE[state]);
  await ctx.store.setTokenState(stored.record.id, state);
  ctx.logger.info(EVENT_FOR_STATE[state], {
    jti: stored.record.id,
    sub: stored.record.sub,
    org: stored.record.org,
    actor: change.actor,
    reason: change.reason,
    previous: stored.state,
  });
}
