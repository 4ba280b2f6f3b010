/**
 * Constant-time comparison of secrets (client secrets, the metrics bearer, CSRF tokens). Runs on
 * Web APIs only, synchronously: hono's `timingSafeEqual` hashes both strings through WebCrypto's
 * `digest` first, which on Node is a round trip through the thread pool on every authenticated
 * request (a tenth of the issuer's CPU time under introspection load), and `node:crypto`'s
 * `timingSafeEqual` does not exist on Workers.
 *
 * @example
 * ```ts
 * if (!constantTimeEqual(configured.secret, presented)) throw new Unauthenticated();
 * ```
 * @module
 */

const encoder = new TextEncoder();

/**
 * Whether two strings are equal, in time that depends only on their lengths (never on where they
 * first differ). The loop always runs over `expected`, so the time says nothing about how much of
 * `presented` matches.
 *
 * @example
 * ```ts
 * constantTimeEqual("s3cret", "s3cret"); // true
 * ```
 */
export function constantTimeEqual(expected: string, presented: string): boolean {
  const a = encoder.encode(expected);
  const b = encoder.encode(presented);
  let difference = a.length ^ b.length;
  for (let i = 0; i < a.length; i++) {
    difference |= (a[i] as number) ^ (i < b.length ? (b[i] as number) : 0);
  }
  return difference === 0;
}
