/**
 * Reading and writing 2-bit statuses in a packed Token Status List byte array (draft-ietf-oauth-
 * status-list section 4.1: entries packed from the least significant bit of each byte). Used by
 * the memory store and by the verifier.
 * @module
 */

/** A 2-bit status value: 0 valid, 1 invalid (revoked), 2 suspended, 3 application specific. */
export type StatusBits = 0 | 1 | 2 | 3;

/** Reads index `idx` of a packed 2-bit list (missing bytes read as 0). */
export function readStatusBits(bytes: Uint8Array, idx: number): StatusBits {
  const byte = bytes[idx >> 2] ?? 0;
  return ((byte >> ((idx & 3) * 2)) & 3) as StatusBits;
}

/** Writes index `idx` of a packed 2-bit list in place. */
export function writeStatusBits(bytes: Uint8Array, idx: number, status: StatusBits): void {
  const shift = (idx & 3) * 2;
  const at = idx >> 2;
  bytes[at] = ((bytes[at] ?? 0) & ~(3 << shift)) | (status << shift);
}
