/**
 * How status lists are laid out, shared by both stores: list ids, allocation order, and the
 * Redis bitfield numbering.
 * @module
 */
import type { StatusRef } from "./types.js";

/** The list id for list number `n` of an epoch, e.g. `k3v9q2m7xa-0`. */
export function listId(epoch: string, n: number): string {
  return `${epoch}-${n}`;
}

/** Splits a list id into epoch and list number, or returns null when it is not one. */
export function parseListId(id: string): { epoch: string; n: number } | null {
  const match = /^([a-z0-9]{10})-(0|[1-9]\d{0,9})$/.exec(id);
  if (!match) return null;
  return { epoch: match[1] as string, n: Number(match[2]) };
}

/** Maps the epoch's `seq`-th allocation (1-based) to its list and index. */
export function refForSequence(epoch: string, listSize: number, seq: number): StatusRef {
  const zeroBased = seq - 1;
  return { list: listId(epoch, Math.floor(zeroBased / listSize)), idx: zeroBased % listSize };
}

/**
 * Redis `BITFIELD` numbers 2-bit fields from the most significant bit of each byte; the status
 * list packs them from the least significant bit. This maps a status index to the `u2 #N` field
 * whose bits are exactly the status list's bits for that index, so the Redis string *is* the
 * status list byte array.
 */
export function bitfieldSlot(idx: number): number {
  return idx - (idx % 4) + (3 - (idx % 4));
}
