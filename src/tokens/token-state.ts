/**
 * Revocation, suspension and resumption: the status bits change first (that is what downstream
 * verifiers see), then the record's state. Both writes are idempotent, so a retry after a failure
 * finishes the job. Mass revocation walks an index (subject, organization or family).
 *
 * On a replicated Redis each revoking write is acknowledged only once a replica holds it, else the
 * store throws `StoreNotDurable` (503) and the caller retries. A retry finds the token revoked on
 * the primary already, so it writes the revocation again ({@link ensureRevoked}): that write, and
 * every earlier one on the same primary, is then confirmed before the retry is answered.
 * @module
 */
import { recordAudit } from "../audit/record-audit.js";
import { epochSeconds } from "../clock.js";
import { DEFAULT_TOKEN_KIND } from "../config/token-kinds.js";
import type { IssuerContext } from "../context.js";
import { noteStateChange } from "../metrics/issuer-metrics.js";
import { noteStatusChange } from "../status/sign-status-list.js";
import { type StoredToken, type TokenIndex, type TokenState, TokenStatus } from "../store/types.js";

/** Who changed a token's state and why (audit). */
export interface StateChange {
  readonly actor: string;
  readonly reason: string;
  /** Leave the per-token audit event out (a mass revocation records one event for all). */
  readonly quiet?: boolean;
  /** More to say in the audit event (never a token). */
  readonly detail?: Readonly<Record<string, string | number | boolean | null>>;
}

/** The states a change can move a token to (only a mint makes a token pending). */
export type ReachableState = Exclude<TokenState, "pending">;

const STATUS_FOR_STATE = {
  active: TokenStatus.valid,
  revoked: TokenStatus.revoked,
  rotated: TokenStatus.revoked,
  suspended: TokenStatus.suspended,
} as const;

const EVENT_FOR_STATE = {
  active: "token.resumed",
  revoked: "token.revoked",
  rotated: "token.rotated",
  suspended: "token.suspended",
} as const;

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
  state: ReachableState,
  change: StateChange,
): Promise<void> {
  await ctx.store.setStatus(stored.record.status, STATUS_FOR_STATE[state]);
  noteStatusChange(ctx, stored.record.status.list);
  await ctx.store.setTokenState(stored.record, state, epochSeconds(ctx.clock));
  noteStateChange(ctx, state, change.reason);
  if (change.quiet) return;
  await recordAudit(ctx, {
    type: EVENT_FOR_STATE[state],
    actor: change.actor,
    jti: stored.record.id,
    sub: stored.record.sub,
    ...(stored.record.org === undefined ? {} : { org: stored.record.org }),
    reason: change.reason,
    detail: {
      ...change.detail,
      previous: stored.state,
      kind: stored.record.kind ?? DEFAULT_TOKEN_KIND,
    },
  });
}

/**
 * Revokes a token, or, when it is revoked already, writes its revocation again (no audit event,
 * no metric) so that the answer waits until the revocation is on enough replicas.
 *
 * @example
 * ```ts
 * await ensureRevoked(ctx, stored, { actor: "token:abc", reason: "rfc7009" });
 * ```
 */
export async function ensureRevoked(
  ctx: IssuerContext,
  stored: StoredToken,
  change: StateChange,
): Promise<void> {
  if (stored.state !== "revoked") return changeTokenState(ctx, stored, "revoked", change);
  await Promise.all([
    ctx.store.setStatus(stored.record.status, TokenStatus.revoked),
    ctx.store.setTokenState(stored.record, "revoked", epochSeconds(ctx.clock)),
  ]);
}

/** How many tokens a mass revocation works on at once. */
const MASS_REVOCATION_BATCH = 200;

/**
 * Revokes every token of an index that is not revoked yet; returns how many it revoked. Records
 * one `tokens.mass_revoked` event. Safe to repeat (already revoked tokens are skipped).
 *
 * @example
 * ```ts
 * const count = await revokeIndex(ctx, { org: "acme" }, { actor: "client:platform", reason: "offboarding" });
 * ```
 */
export async function revokeIndex(
  ctx: IssuerContext,
  index: TokenIndex,
  change: StateChange,
): Promise<number> {
  const ids = await ctx.store.listTokenIds(index);
  let revoked = 0;
  for (let start = 0; start < ids.length; start += MASS_REVOCATION_BATCH) {
    const batch = ids.slice(start, start + MASS_REVOCATION_BATCH);
    const tokens = await ctx.store.getTokens(batch);
    const found = tokens.filter((token): token is StoredToken => token !== null);
    // Already revoked ones are written again: a retry must confirm an earlier attempt's writes.
    await Promise.all(found.map((token) => ensureRevoked(ctx, token, { ...change, quiet: true })));
    revoked += found.filter((token) => token.state !== "revoked").length;
  }
  const [kind, value] = Object.entries(index)[0] as [string, string];
  await recordAudit(ctx, {
    type: "tokens.mass_revoked",
    actor: change.actor,
    ...(kind === "subject" ? { sub: value } : {}),
    ...(kind === "org" ? { org: value } : {}),
    reason: change.reason,
    detail: { index: kind, value, count: revoked },
  });
  return revoked;
}
