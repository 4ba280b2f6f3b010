/**
 * Rate limits on minting and rotation, per subject and per service client, in fixed one-minute
 * windows counted in the store (so every instance shares them).
 * @module
 */
import { epochSeconds } from "../clock.js";
import type { IssuerContext } from "../context.js";
import { RateLimited } from "../errors.js";
import type { RateLimitStore } from "../store/types.js";

const WINDOW_SECONDS = 60;

/**
 * Counts one mint for `subject` and `clientId`.
 *
 * @throws {RateLimited} (429 with Retry-After) when either is over its limit.
 * @example
 * ```ts
 * await limitMintRate(ctx, "alice", "platform");
 * ```
 */
export async function limitMintRate(
  ctx: Pick<IssuerContext, "clock" | "config"> & { readonly store: RateLimitStore },
  subject: string,
  clientId: string,
): Promise<void> {
  const now = epochSeconds(ctx.clock);
  const [bySubject, byClient] = await Promise.all([
    ctx.store.countHit(`mint:sub:${subject}`, now, WINDOW_SECONDS),
    ctx.store.countHit(`mint:client:${clientId}`, now, WINDOW_SECONDS),
  ]);
  if (bySubject > ctx.config.mintRate.perSubject || byClient > ctx.config.mintRate.perClient) {
    throw new RateLimited(WINDOW_SECONDS - (now % WINDOW_SECONDS));
  }
}
