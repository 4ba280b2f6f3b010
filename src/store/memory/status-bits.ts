/**
 * The Token Status List in memory: one byte array per list, with the TTL Redis would give it.
 *
 * @example
 * ```ts
 * const status = createMemoryStatusStore(opened, expiry);
 * const ref = await status.allocateStatus(null);
 * ```
 * @module
 */
import { readStatusBits, writeStatusBits } from "@tokenmint/verifier/status";
import { type StoreEpoch, TokenStatus, type TokenStatusValue } from "../records.js";
import { LIST_FILL_BYTE, type ListKind, parseListId, refForSequence } from "../status-layout.js";
import type { StatusStore } from "../types.js";
import { deadline, type Expiring, type Expiry, later } from "./expiring.js";

interface ListEntry extends Expiring {
  bytes: Uint8Array;
}

/**
 * The status role in memory; `opened` gives the epoch in force.
 *
 * @example
 * ```ts
 * await createMemoryStatusStore(opened, expiry).setStatus(ref, TokenStatus.revoked);
 * ```
 */
export function createMemoryStatusStore(opened: () => StoreEpoch, expiry: Expiry): StatusStore {
  const { live } = expiry;
  const lists = new Map<string, ListEntry>();
  const sequences: Record<ListKind, number> = { valid: 0, pending: 0 };
  return {
    async allocateStatus(keepUntil, kind = "valid") {
      const { id, listSize } = opened();
      sequences[kind] += 1;
      const ref = refForSequence(id, listSize, sequences[kind], kind);
      const entry = live(lists, ref.list);
      if (entry) {
        entry.expiresAt = later(entry.expiresAt, deadline(keepUntil));
      } else {
        lists.set(ref.list, {
          bytes: new Uint8Array(listSize / 4).fill(LIST_FILL_BYTE[kind]),
          expiresAt: deadline(keepUntil),
        });
      }
      return ref;
    },
    async setStatus(ref, status) {
      const entry = live(lists, ref.list);
      if (entry) writeStatusBits(entry.bytes, ref.idx, status);
    },
    async getStatus(ref) {
      const entry = live(lists, ref.list);
      // A list that is gone cannot vouch for anyone: read it as revoked (fail closed), like Redis.
      if (!entry) return TokenStatus.revoked;
      return readStatusBits(entry.bytes, ref.idx) as TokenStatusValue;
    },
    async readStatusList(list) {
      const { id, listSize } = opened();
      const parsed = parseListId(list);
      if (!parsed || parsed.epoch !== id) return null;
      const entry = live(lists, list);
      if (entry) return entry.bytes.slice();
      // Allocated lists whose every token has long expired read as they were created, like Redis.
      const allocatedLists = Math.ceil(sequences[parsed.kind] / listSize);
      return parsed.n < allocatedLists
        ? new Uint8Array(listSize / 4).fill(LIST_FILL_BYTE[parsed.kind])
        : null;
    },
  };
}
