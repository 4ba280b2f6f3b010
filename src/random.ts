/**
 * Random identifiers from WebCrypto.
 * @module
 */
import { base64url } from "jose";

/**
 * Returns `bytes` random bytes as base64url without padding.
 *
 * @example
 * ```ts
 * randomId(16); // "Vx1mT0cQ3xv6kq8wNk7n9A"
 * ```
 */
export function randomId(bytes = 16): string {
  return base64url.encode(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** A short lowercase alphanumeric id (for epochs and list ids that appear in URLs). */
export function randomSlug(length = 10): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const out: string[] = [];
  // 252 is the largest multiple of 36 below 256: rejecting the rest keeps the draw uniform.
  while (out.length < length) {
    for (const byte of crypto.getRandomValues(new Uint8Array(length * 2))) {
      if (byte < 252 && out.length < length) out.push(alphabet[byte % 36] as string);
    }
  }
  return out.join("");
}
