/**
 * Rate limits on minting and rotation, per subject and per service client, in fixed one-minute
 * windows counted in the store (so every instance shares them). The subject's count is taken by
 * the store together with the subject's slot (one atomic step, see `issue-token.ts`).
 * @module
 */
import { epochSeconds } from "../clock.js";
import type { IssuerContext } from "../context.js";
import { RateLimited } from "../errors.js";
import type { RateLimitStore, SubjectMintRate } from "../store/types.js";

const WINDOW_SECONDS = 60;

/**
 * The subject's mint rate, as {@link TokenStore.reserveSubjectSlot} takes it.
 *
 * @example
 * ```ts
 * await store.reserveSubjectSlot(record, now, 50, retention, subjectMintRate(config));
 * ```
 */
export function subjectMintRate(config: IssuerContext["config"]): SubjectMintRate {
  return { limit: config.mintRate.perSubject, windowSeconds: WINDOW_SECONDS };
}

/**
 * The refusal of a mint over its rate: 429 with `Retry-After` until the window ends.
 *
 * @example
 * ```ts
 * throw mintRateExceeded(now);
 * ```
 */
export function mintRateExceeded(now: number): RateLimited {
  return new RateLimited(WINDOW_SECONDS - (now % WINDOW_SECONDS));
}

/**
 * Counts one mint for the service client `clientId`; true while it is within its limit.
 *
 * @example
 * ```ts
 * if (!(await countClientMint(ctx, "platform"))) throw mintRateExceeded(now);
 * ```
 */
export async function countClientMint(
  ctx: Pick<IssuerContext, "clock" | "config"> & { readonly store: RateLimitStore },
  clientId: string,
): Promise<boolean> {
  const now = epochSeconds(ctx.clock);
  const hits = await ctx.store.countHit(`mint:client:${clientId}`, now, WINDOW_SECONDS);
  return hits <= ctx.config.mintRate.perClient;
}
