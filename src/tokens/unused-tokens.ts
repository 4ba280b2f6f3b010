/**
 * Unused-token cleanup (`TOKENMINT_REVOKE_UNUSED_AFTER`): a token not used for that long (counted
 * from its approval or creation when it was never used since) is revoked with reason `unused`; a
 * pending token nobody approved for that long is revoked so too, which ends its approval request.
 * Before that, for every `TOKENMINT_EXPIRY_NOTICES` offset, one `token.expiring` event with reason
 * `unused` says when.
 * Tokens are found through the activity index (per UTC day, each token's last activity), never by
 * scanning every token; an entry left behind by a later use, or by a token that ended, is dropped
 * when a sweep meets it. Notices are claimed once per token, activity and offset; a revocation is
 * claimed once per token and activity, and the record is read again right before revoking, so a
 * token used meanwhile stays. Run it beside the expiry notices (the Node server every minute, the
 * Worker's cron trigger).
 *
 * @example
 * ```ts
 * const { notices, revoked } = await sweepUnusedTokens(ctx);
 * ```
 * @module
 */
import { recordAudit } from "../audit/record-audit.js";
import { epochSeconds } from "../clock.js";
import { DEFAULT_TOKEN_KIND } from "../config/token-kinds.js";
import type { IssuerContext } from "../context.js";
import type { IdleEntry, StoredToken, TokenState } from "../store/types.js";
import { EXPIRY_NOTICE_LOOKBACK_SECONDS } from "./expiry-notices.js";
import { tracksUsage } from "./policy.js";
import { changeTokenState } from "./token-state.js";
import { noteTokenActivity } from "./token-use.js";

/** How far back the revocation pass looks: as long as activity buckets outlive their threshold. */
const REVOCATION_LOOKBACK_SECONDS = 8 * 86400;
/** How long one instance's claim on a revocation holds the others off (a crashed one's lapses). */
const REVOCATION_CLAIM_SECONDS = 600;

/** The states cleanup revokes from (a pending token nobody approved is unused as well). */
const REVOCABLE_AS_UNUSED: ReadonlySet<TokenState> = new Set(["active", "suspended", "pending"]);

/** What one sweep did. */
export interface UnusedSweep {
  readonly notices: number;
  readonly revoked: number;
}

/** The latest activity of a token: its last use, its approval or its creation. */
export function lastActivityOf(stored: StoredToken): number {
  const approvedAt = stored.decision?.verdict === "approved" ? stored.decision.at : 0;
  return Math.max(stored.lastUsedAt ?? 0, approvedAt, stored.record.created);
}

/** A token the entry still speaks for, with its activity; dropped or moved entries give none. */
interface IdleToken {
  readonly stored: StoredToken;
  readonly lastActive: number;
}

/**
 * Reads the token of an index entry. An entry of a token that is gone, ended or expired is
 * dropped; one left behind by a later use is moved to that use's bucket (a lost index write is
 * repaired so) and dropped.
 */
async function idleToken(
  ctx: IssuerContext,
  entry: IdleEntry,
  now: number,
): Promise<IdleToken | undefined> {
  const stored = await ctx.store.getToken(entry.id);
  const ended =
    !stored ||
    stored.state === "revoked" ||
    stored.state === "rotated" ||
    (stored.record.exp !== null && stored.record.exp <= now);
  // A kind whose use is not recorded is never "unused" (its kind may have changed since the entry).
  if (ended || !tracksUsage(ctx.config, stored.record.kind)) {
    await ctx.store.dropIdleEntry(entry);
    return undefined;
  }
  const recorded = lastActivityOf(stored);
  if (recorded > entry.at) {
    await noteTokenActivity(ctx, entry.id, recorded);
    await ctx.store.dropIdleEntry(entry);
    return undefined;
  }
  return { stored, lastActive: entry.at };
}

/**
 * Emits the due `token.expiring` notices (reason `unused`) and revokes the tokens unused for
 * `TOKENMINT_REVOKE_UNUSED_AFTER`; does nothing when that is off.
 */
export async function sweepUnusedTokens(
  ctx: IssuerContext,
  lookbackSeconds = EXPIRY_NOTICE_LOOKBACK_SECONDS,
): Promise<UnusedSweep> {
  const unusedAfter = ctx.config.revokeUnusedAfter;
  if (unusedAfter === null) return { notices: 0, revoked: 0 };
  const now = epochSeconds(ctx.clock);
  let notices = 0;
  for (const offset of ctx.config.expiryNotices) {
    const to = now - unusedAfter + offset;
    for (const entry of await ctx.store.listIdleEntries(to - lookbackSeconds, to)) {
      if (await noticeUnused(ctx, entry, { now, unusedAfter, offset, lookbackSeconds })) {
        notices += 1;
      }
    }
  }
  let revoked = 0;
  const due = now - unusedAfter;
  for (const entry of await ctx.store.listIdleEntries(due - REVOCATION_LOOKBACK_SECONDS, due)) {
    if (await revokeUnused(ctx, entry, now, unusedAfter)) revoked += 1;
  }
  return { notices, revoked };
}

interface NoticeWindow {
  readonly now: number;
  readonly unusedAfter: number;
  readonly offset: number;
  readonly lookbackSeconds: number;
}

/** One `token.expiring` notice with reason `unused`, when due and not sent yet. */
async function noticeUnused(
  ctx: IssuerContext,
  entry: IdleEntry,
  window: NoticeWindow,
): Promise<boolean> {
  const token = await idleToken(ctx, entry, window.now);
  if (!token) return false;
  const { record } = token.stored;
  const revokeAt = token.lastActive + window.unusedAfter;
  const remaining = revokeAt - window.now;
  if (remaining <= 0 || remaining > window.offset) return false;
  // A token that expires first gets its expiry notices instead.
  if (record.exp !== null && record.exp <= revokeAt) return false;
  const claim = `unused:${entry.id}:${token.lastActive}:${window.offset}`;
  if (!(await ctx.store.claimOnce(claim, remaining + window.lookbackSeconds))) return false;
  await recordAudit(ctx, {
    type: "token.expiring",
    actor: "system",
    jti: entry.id,
    sub: record.sub,
    ...(record.org === undefined ? {} : { org: record.org }),
    reason: "unused",
    detail: {
      expires_at: revokeAt,
      notice_offset: window.offset,
      last_used_at: token.stored.lastUsedAt,
      name: record.name,
      kind: record.kind ?? DEFAULT_TOKEN_KIND,
    },
  });
  return true;
}

/** Revokes the entry's token as unused, once across instances, unless it was used meanwhile. */
async function revokeUnused(
  ctx: IssuerContext,
  entry: IdleEntry,
  now: number,
  unusedAfter: number,
): Promise<boolean> {
  const token = await idleToken(ctx, entry, now);
  if (!token) return false;
  const claim = `unused-revoke:${entry.id}:${token.lastActive}`;
  if (!(await ctx.store.claimOnce(claim, REVOCATION_CLAIM_SECONDS))) return false;
  // Read again right before revoking: a use since the sweep listed it keeps the token.
  const fresh = await ctx.store.getToken(entry.id);
  if (!fresh || !REVOCABLE_AS_UNUSED.has(fresh.state)) return false;
  if (lastActivityOf(fresh) > token.lastActive) return false;
  // Pending: compare-and-set first, so of this and a concurrent approval exactly one wins.
  if (
    fresh.state === "pending" &&
    !(await ctx.store.transitionTokenState(fresh.record.id, ["pending"], "revoked"))
  ) {
    return false;
  }
  await changeTokenState(ctx, fresh, "revoked", {
    actor: "system",
    reason: "unused",
    detail: { last_used_at: fresh.lastUsedAt, unused_after: unusedAfter },
  });
  await ctx.store.dropIdleEntry(entry);
  return true;
}
