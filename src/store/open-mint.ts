/**
 * A mint's first round trip made of the three store methods it combines, side by side: what a
 * store runs where one step cannot touch all their keys (memory, Redis Cluster).
 *
 * @example
 * ```ts
 * const openMint = openMintSeparately(store);
 * const { clientHits, slot, keyNoted } = await openMint(opening);
 * ```
 * @module
 */
import type { MintOpened, MintOpening, Store } from "./types.js";

/**
 * {@link Store.openMint} from `countHit`, `reserveSubjectSlot` and `noteKeyUse`.
 *
 * @example
 * ```ts
 * const store = { ...roles, openMint: openMintSeparately(roles) };
 * ```
 */
export function openMintSeparately(
  parts: Pick<Store, "countHit" | "reserveSubjectSlot" | "releaseSubjectSlot" | "noteKeyUse">,
): (opening: MintOpening) => Promise<MintOpened> {
  return async (opening) => {
    const { slot, now, clientCounter, key } = opening;
    const [hits, reserved, noted] = await Promise.allSettled([
      parts.countHit(clientCounter.name, now, clientCounter.windowSeconds),
      parts.reserveSubjectSlot(
        slot,
        now,
        opening.maxLive,
        opening.retentionSeconds,
        opening.subjectRate,
      ),
      parts.noteKeyUse(key.kid, key.exp),
    ]);
    if (
      hits.status === "fulfilled" &&
      reserved.status === "fulfilled" &&
      noted.status === "fulfilled"
    ) {
      return { clientHits: hits.value, slot: reserved.value, keyNoted: noted.value };
    }
    // A part failed: the caller learns nothing was reserved, so a place that was is given back.
    if (reserved.status === "fulfilled" && reserved.value === "reserved") {
      await parts.releaseSubjectSlot(slot).catch(() => undefined);
    }
    const failed = [hits, reserved, noted].find((part) => part.status === "rejected");
    throw (failed as PromiseRejectedResult).reason;
  };
}
