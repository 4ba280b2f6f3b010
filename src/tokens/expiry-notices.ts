/**
 * Expiry notices: for every configured offset (default 7 days and 1 day), tokens whose expiry
 * comes within that offset produce one `token.expiring` audit event, exactly once per token and
 * offset (an atomic claim in the store), however many instances sweep. Run it every minute or so
 * (the Node server does; on Workers, the cron trigger). A sweep looks back `lookbackSeconds`, so a
 * missed sweep within that time still finds its tokens.
 *
 * @example
 * ```ts
 * const notified = await sweepExpiryNotices(ctx);
 * ```
 * @module
 */
import { recordAudit } from "../audit/record-audit.js";
import { epochSeconds } from "../clock.js";
import { DEFAULT_TOKEN_KIND } from "../config/token-kinds.js";
import type { IssuerContext } from "../context.js";

/** How far back a sweep looks for notices it may have missed (default one hour). */
export const EXPIRY_NOTICE_LOOKBACK_SECONDS = 3600;

/**
 * Emits the due `token.expiring` events; returns how many it emitted.
 */
export async function sweepExpiryNotices(
  ctx: IssuerContext,
  lookbackSeconds = EXPIRY_NOTICE_LOOKBACK_SECONDS,
): Promise<number> {
  const now = epochSeconds(ctx.clock);
  let emitted = 0;
  for (const offset of ctx.config.expiryNotices) {
    const ids = await ctx.store.listExpiringIds(now + offset - lookbackSeconds, now + offset);
    for (const id of ids) {
      const stored = await ctx.store.getToken(id);
      if (stored?.state !== "active" || stored.record.exp === null) continue;
      const remaining = stored.record.exp - now;
      if (remaining <= 0) continue;
      const claimTtl = remaining + lookbackSeconds;
      if (!(await ctx.store.claimOnce(`expiring:${id}:${offset}`, claimTtl))) continue;
      await recordAudit(ctx, {
        type: "token.expiring",
        actor: "system",
        jti: id,
        sub: stored.record.sub,
        ...(stored.record.org === undefined ? {} : { org: stored.record.org }),
        reason: `expires within ${offset} s`,
        detail: {
          expires_at: stored.record.exp,
          notice_offset: offset,
          name: stored.record.name,
          kind: stored.record.kind ?? DEFAULT_TOKEN_KIND,
        },
      });
      emitted += 1;
    }
  }
  return emitted;
}
