/**
 * Reading and writing statuses in a packed Token Status List byte array (draft-ietf-oauth-status-
 * list section 4.1: entries of `bits` bits packed from the least significant bit of each byte).
 * tokenmint's own lists use 2 bits; the reader accepts every width the spec allows (1, 2, 4, 8).
 *
 * @example
 * ```ts
 * readStatus(Uint8Array.of(0xc9, 0x44, 0xf9), 2, 1); // 2 (suspended)
 * ```
 * @module
 */

/** A 2-bit status value: 0 valid, 1 invalid (revoked), 2 suspended, 3 application specific. */
export type StatusBits = 0 | 1 | 2 | 3;

/** The entry widths the Token Status List allows. */
export type StatusListBits = 1 | 2 | 4 | 8;

/** Whether `bits` is an entry width the Token Status List allows. */
export function isStatusListBits(bits: unknown): bits is StatusListBits {
  return bits === 1 || bits === 2 || bits === 4 || bits === 8;
}

/**
 * How many entries a byte array of `byteLength` bytes holds at `bits` bits per entry.
 *
 * @example
 * ```ts
 * statusCapacity(3, 2); // 12
 * ```
 */
export function statusCapacity(byteLength: number, bits: StatusListBits): number {
  return (byteLength * 8) / bits;
}

/**
 * Reads entry `idx` of a packed list of `bits`-bit entries. Out-of-range indexes throw: the spec
 * says no statement can be made about them, so a caller must decide explicitly.
 *
 * @throws {RangeError} when `idx` is not an index inside the list.
 * @example
 * ```ts
 * readStatus(Uint8Array.of(0xb9, 0xa3), 1, 0); // 1
 * ```
 */
export function readStatus(bytes: Uint8Array, bits: StatusListBits, idx: number): number {
  if (!Number.isSafeInteger(idx) || idx < 0 || idx >= statusCapacity(bytes.length, bits)) {
    throw new RangeError("Status index out of range");
  }
  const perByte = 8 / bits;
  const byte = bytes[Math.floor(idx / perByte)] as number;
  return (byte >> ((idx % perByte) * bits)) & ((1 << bits) - 1);
}

/**
 * Writes entry `idx` of a packed list of `bits`-bit entries in place.
 *
 * @throws {RangeError} when `idx` is outside the list or `status` does not fit in `bits` bits.
 * @example
 * ```ts
 * const bytes = new Uint8Array(2);
 * writeStatus(bytes, 1, 15, 1); // bytes[1] === 0x80
 * ```
 */
export function writeStatus(
  bytes: Uint8Array,
  bits: StatusListBits,
  idx: number,
  status: number,
): void {
  const mask = (1 << bits) - 1;
  if (!Number.isSafeInteger(idx) || idx < 0 || idx >= statusCapacity(bytes.length, bits)) {
    throw new RangeError("Status index out of range");
  }
  if (!Number.isInteger(status) || status < 0 || status > mask) {
    throw new RangeError(`Status ${status} does not fit in ${bits} bits`);
  }
  const perByte = 8 / bits;
  const at = Math.floor(idx / perByte);
  const shift = (idx % perByte) * bits;
  bytes[at] = ((bytes[at] as number) & ~(mask << shift)) | (status << shift);
}

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
