/**
 * The `lst` encoding of a Token Status List (draft-ietf-oauth-status-list section 4): the packed
 * byte array, compressed with DEFLATE in the ZLIB format (RFC 1950; `"deflate"` in
 * CompressionStream terms), then base64url without padding. Web APIs only, so the same code runs
 * on Node and on Workers. Decoding is strict (canonical base64url only) and capped, so a small
 * `lst` cannot inflate into an unbounded buffer.
 *
 * @example
 * ```ts
 * const lst = await compressStatusList(Uint8Array.of(0xb9, 0xa3));
 * const bytes = await decompressStatusList(lst, 1 << 20); // Uint8Array [0xb9, 0xa3]
 * ```
 * @module
 */
import { VerifierError } from "../errors.js";
import { readCapped } from "../lib/read-capped.js";

/** The default decompression cap: 8 MiB, i.e. 32 Mi entries at 2 bits. */
export const MAX_STATUS_LIST_BYTES = 8 * 1024 * 1024;

/** The `lst` is not canonical base64url, not ZLIB, or inflates past the cap. */
export class StatusListCorrupt extends VerifierError<"status_list_corrupt"> {
  constructor(detail = "The status list is corrupt", options?: ErrorOptions) {
    super("status_list_corrupt", detail, 502, {}, options);
  }
}

const BASE64URL = /^[A-Za-z0-9_-]*$/;
// With 2 or 3 characters in the last quantum, the unused low bits must be zero (canonical form).
const CANONICAL_TAIL: Record<number, RegExp> = { 2: /[AQgw]$/, 3: /[AEIMQUYcgkosw048]$/ };

/**
 * Decodes canonical, unpadded base64url.
 *
 * @throws {StatusListCorrupt} on any other spelling.
 * @example
 * ```ts
 * decodeBase64url("uaM"); // Uint8Array [0xb9, 0xa3]
 * ```
 */
export function decodeBase64url(text: string): Uint8Array<ArrayBuffer> {
  const tail = CANONICAL_TAIL[text.length % 4];
  if (!BASE64URL.test(text) || text.length % 4 === 1 || (tail && !tail.test(text))) {
    throw new StatusListCorrupt("The status list is not canonical base64url");
  }
  const binary = atob(text.replaceAll("-", "+").replaceAll("_", "/"));
  const bytes = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
  return bytes;
}

/**
 * Encodes bytes as unpadded base64url.
 *
 * @example
 * ```ts
 * encodeBase64url(Uint8Array.of(0xb9, 0xa3)); // "uaM"
 * ```
 */
export function encodeBase64url(bytes: Uint8Array): string {
  let binary = "";
  for (let i = 0; i < bytes.length; i += 0x8000) {
    binary += String.fromCharCode(...bytes.subarray(i, i + 0x8000));
  }
  return btoa(binary).replaceAll("+", "-").replaceAll("/", "_").replace(/=+$/, "");
}

/**
 * Compresses a packed status byte array into the `lst` string (ZLIB, base64url).
 *
 * @example
 * ```ts
 * const lst = await compressStatusList(new Uint8Array(1024));
 * ```
 */
export async function compressStatusList(bytes: Uint8Array): Promise<string> {
  const input = new Blob([new Uint8Array(bytes)]).stream();
  const compressed = await new Response(
    input.pipeThrough(new CompressionStream("deflate")),
  ).arrayBuffer();
  return encodeBase64url(new Uint8Array(compressed));
}

/**
 * Decodes an `lst` string into the packed status byte array, refusing to inflate past `maxBytes`.
 *
 * @throws {StatusListCorrupt} when `lst` is not canonical base64url of a complete ZLIB stream, or
 * inflates to more than `maxBytes` bytes.
 * @example
 * ```ts
 * await decompressStatusList("eNrbuRgAAhcBXQ", 1024); // Uint8Array [0xb9, 0xa3]
 * ```
 */
export async function decompressStatusList(
  lst: string,
  maxBytes: number = MAX_STATUS_LIST_BYTES,
): Promise<Uint8Array> {
  const input = new Blob([decodeBase64url(lst)]).stream();
  try {
    return await readCapped(input.pipeThrough(new DecompressionStream("deflate")), maxBytes);
  } catch (error) {
    if (error instanceof RangeError) {
      throw new StatusListCorrupt(`The status list inflates past ${maxBytes} bytes`);
    }
    throw new StatusListCorrupt("The status list is not valid ZLIB data", { cause: error });
  }
}
