/**
 * Random identifiers from WebCrypto, drawn from a pool refilled 4 KiB at a time (as Node's
 * `randomUUID` does): a `getRandomValues` call costs a few µs whatever its size (16 bytes: 3 µs,
 * 4 KiB: 5 µs on Node), so 256 ids of 16 bytes share one. Each byte is handed out once.
 * @module
 */
import { base64url } from "jose";

const POOL_BYTES = 4096;
let pool = new Uint8Array(0);
let used = 0;

/** `count` fresh random bytes (refilled lazily: Workers allow randomness only inside a request). */
function randomBytes(count: number): Uint8Array {
  if (count > POOL_BYTES) return crypto.getRandomValues(new Uint8Array(count));
  if (used + count > pool.length) {
    pool = crypto.getRandomValues(new Uint8Array(POOL_BYTES));
    used = 0;
  }
  const bytes = pool.slice(used, used + count);
  pool.fill(0, used, used + count);
  used += count;
  return bytes;
}

/**
 * Returns `bytes` random bytes as base64url without padding.
 *
 * @example
 * ```ts
 * randomId(16); // "Vx1mT0cQ3xv6kq8wNk7n9A"
 * ```
 */
export function randomId(bytes = 16): string {
  return base64url.encode(randomBytes(bytes));
}

/** A short lowercase alphanumeric id (for epochs and list ids that appear in URLs). */
export function randomSlug(length = 10): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
  const out: string[] = [];
  // 252 is the largest multiple of 36 below 256: rejecting the rest keeps the draw uniform.
  while (out.length < length) {
    for (const byte of randomBytes(length * 2)) {
      if (byte < 252 && out.length < length) out.push(alphabet[byte % 36] as string);
    }
  }
  return out.join("");
}
