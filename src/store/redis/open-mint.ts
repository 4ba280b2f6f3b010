/**
 * A mint's first round trip on a single Redis or Sentinel: the signing gate, the client's rate
 * and the subject's rate and slot in one script (`OPEN_MINT`), whose parts are the scripts each
 * store method runs alone, with the same keys and arguments. Redis Cluster keeps them apart (see
 * `open-mint.ts` of the store).
 *
 * @example
 * ```ts
 * const openMint = createRedisMintOpener(shared);
 * const { clientHits, slot, keyNoted } = await openMint(opening);
 * ```
 * @module
 */
import type { MintOpened, MintOpening } from "../types.js";
import { keyUseCall } from "./keyring.js";
import { hitCall } from "./rate-limits.js";
import type { RedisStoreContext } from "./store-context.js";
import { slotCall, slotOutcome } from "./tokens.js";

/**
 * `openMint` of the tokens role in one script.
 *
 * @example
 * ```ts
 * const opened = await createRedisMintOpener(shared)(opening);
 * ```
 */
export function createRedisMintOpener(
  shared: RedisStoreContext,
): (opening: MintOpening) => Promise<MintOpened> {
  const { call, script } = shared;
  return async (opening) => {
    const gate = keyUseCall(shared, opening.key.kid, opening.key.exp);
    const hit = hitCall(
      shared,
      opening.clientCounter.name,
      opening.now,
      opening.clientCounter.windowSeconds,
    );
    const slot = slotCall(shared, opening);
    const [noted, hits, outcome] = (await call(() =>
      script("tmOpenMint")(
        ...gate.keys,
        hit.keys[0] as string,
        ...slot.keys,
        ...gate.args,
        ...hit.args,
        ...slot.args,
      ),
    )) as [number, number, number];
    return { clientHits: Number(hits), slot: slotOutcome(outcome), keyNoted: noted === 1 };
  };
}
