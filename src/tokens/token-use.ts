/**
 * Recording a token's use: its last use time and client IPs, and, when unused-token cleanup is on
 * (`TOKENMINT_REVOKE_UNUSED_AFTER`), its entry in the activity index that cleanup reads. Both
 * writes go out together; callers keep the usage throttle, so the index costs one more write per
 * recorded use, none per request.
 *
 * @example
 * ```ts
 * await recordTokenUse(ctx, claims.jti, now, "203.0.113.7");
 * ```
 * @module
 */
import type { IssuerContext } from "../context.js";
import { idleIndexDeadline } from "../store/token-indexes.js";

/** Records a use of token `id` at `at` (seconds) from `ip`. */
export async function recordTokenUse(
  ctx: IssuerContext,
  id: string,
  at: number,
  ip: string | undefined,
): Promise<void> {
  await Promise.all([ctx.store.recordUsage(id, at, ip), noteTokenActivity(ctx, id, at)]);
}

/**
 * Notes activity (a use, or the creation) of token `id` in the activity index; nothing when
 * unused-token cleanup is off.
 */
export async function noteTokenActivity(ctx: IssuerContext, id: string, at: number): Promise<void> {
  const unusedAfter = ctx.config.revokeUnusedAfter;
  if (unusedAfter === null) return;
  await ctx.store.noteActivity(id, at, idleIndexDeadline(at, unusedAfter));
}
