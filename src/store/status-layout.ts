/**
 * How status lists are laid out, shared by both stores: list ids, allocation order, and the
 * Redis bitfield numbering.
 * @module
 */
import type { StatusRef } from "./types.js";

/**
 * Which lists an index comes from: `valid` lists start with every entry 0 (valid); `pending` lists
 * (tokens waiting for approval) start with every entry 2 (suspended), so even a copy of the list
 * taken before a pending token was minted refuses it.
 */
export type ListKind = "valid" | "pending";

/** The byte a new list is filled with: four 2-bit entries of 0, or of 2 (`0b10101010`). */
export const LIST_FILL_BYTE: Readonly<Record<ListKind, number>> = { valid: 0, pending: 0xaa };

/** The list id for list number `n` of an epoch, e.g. `k3v9q2m7xa-0` (pending: `k3v9q2m7xa-p0`). */
export function listId(epoch: string, n: number, kind: ListKind = "valid"): string {
  return `${epoch}-${kind === "pending" ? "p" : ""}${n}`;
}

/** Splits a list id into epoch, kind and list number, or returns null when it is not one. */
export function parseListId(id: string): { epoch: string; n: number; kind: ListKind } | null {
  const match = /^([a-z0-9]{10})-(p?)(0|[1-9]\d{0,9})$/.exec(id);
  if (!match) return null;
  return {
    epoch: match[1] as string,
    n: Number(match[3]),
    kind: match[2] === "p" ? "pending" : "valid",
  };
}

/** Maps the epoch's `seq`-th allocation (1-based) of a kind to its list and index. */
export function refForSequence(
  epoch: string,
  listSize: number,
  seq: number,
  kind: ListKind = "valid",
): StatusRef {
  const zeroBased = seq - 1;
  return {
    list: listId(epoch, Math.floor(zeroBased / listSize), kind),
    idx: zeroBased % listSize,
  };
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
