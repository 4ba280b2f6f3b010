/**
 * Rate limits on minting and rotation, per subject and per service client, in fixed one-minute
 * windows counted in the store (so every instance shares them). The subject's count is taken by
 * the store together with the subject's slot (one atomic step, see `issue-token.ts`).
 * @module
 */
import type { IssuerContext } from "../context.js";
import { RateLimited } from "../errors.js";
import type { SubjectMintRate } from "../store/types.js";

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
 * The counter of the service client `clientId`'s mints (for a store call that counts it).
 *
 * @example
 * ```ts
 * const counter = clientMintCounter("platform");
 * await store.countHit(counter.name, now, counter.windowSeconds);
 * ```
 */
export function clientMintCounter(clientId: string): {
  readonly name: string;
  readonly windowSeconds: number;
} {
  return { name: `mint:client:${clientId}`, windowSeconds: WINDOW_SECONDS };
}
