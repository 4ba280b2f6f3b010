/**
 * Which algorithms a verifier may accept and which published keys it may use for them. Only
 * asymmetric signature algorithms are ever allowed (never `none`, never an HMAC: a public key must
 * not double as a shared secret). A JWKS entry is usable only when it is a public signing key:
 * `use` absent or `sig`, `key_ops` absent or containing `verify`, no private or symmetric members,
 * a `kid`, and a key type, curve and `alg` that fit the token's `alg`.
 *
 * @example
 * ```ts
 * const publicOnly = checkVerificationJwk(jwks.keys[0], "ES256");
 * ```
 * @module
 */
import type { JWK } from "jose";
import { ASYMMETRIC_ALGORITHMS, algorithmOf } from "./algorithms.js";

/** The algorithms tokenmint signs with, accepted by default. */
export const DEFAULT_ALGORITHMS: readonly string[] = ["ES256", "EdDSA", "RS256", "PS256"];

const PRIVATE_MEMBERS = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"] as const;

/**
 * Checks a configured algorithm list once, at start-up.
 *
 * @throws {TypeError} when it is empty or names anything but an asymmetric signature algorithm.
 * @example
 * ```ts
 * checkAlgorithms(["ES256", "HS256"]); // throws
 * ```
 */
export function checkAlgorithms(algorithms: readonly string[]): readonly string[] {
  if (!Array.isArray(algorithms) || algorithms.length === 0) {
    throw new TypeError("algorithms: at least one algorithm is required");
  }
  for (const alg of algorithms) {
    if (!ASYMMETRIC_ALGORITHMS.includes(alg)) {
      throw new TypeError(`algorithms: ${String(alg)} is not an asymmetric signature algorithm`);
    }
  }
  return [...new Set(algorithms)];
}

/**
 * Whether a JWKS entry is a public signing key a verifier may use at all.
 *
 * @example
 * ```ts
 * isUsableVerificationJwk({ kty: "EC", use: "enc", ... }); // false
 * ```
 */
export function isUsableVerificationJwk(jwk: unknown): jwk is JWK & { kid: string } {
  if (typeof jwk !== "object" || jwk === null || Array.isArray(jwk)) return false;
  const key = jwk as Record<string, unknown>;
  if (typeof key.kid !== "string" || key.kid === "") return false;
  if (key.kty !== "EC" && key.kty !== "RSA" && key.kty !== "OKP") return false;
  if (key.use !== undefined && key.use !== "sig") return false;
  if (
    key.key_ops !== undefined &&
    !(Array.isArray(key.key_ops) && key.key_ops.includes("verify"))
  ) {
    return false;
  }
  return PRIVATE_MEMBERS.every((member) => key[member] === undefined);
}

/**
 * Whether a usable key fits a token's `alg` (its own `alg`, key type and curve).
 *
 * @example
 * ```ts
 * jwkFitsAlgorithm({ kty: "EC", crv: "P-256", ... }, "ES256"); // true
 * ```
 */
export function jwkFitsAlgorithm(jwk: JWK, alg: string): boolean {
  if (jwk.alg !== undefined && jwk.alg !== alg) return false;
  const entry = algorithmOf(alg);
  return (
    entry !== undefined &&
    jwk.kty === entry.kty &&
    (entry.crv === undefined || jwk.crv === entry.crv)
  );
}

/**
 * Checks that a JWK is a usable public signing key for `alg` and returns only its public members,
 * so `ext`, `key_ops` and unknown members cannot change what the imported key may do.
 *
 * @throws {TypeError} when the key is not usable for `alg`.
 * @example
 * ```ts
 * const publicOnly = checkVerificationJwk(jwk, "PS256");
 * ```
 */
export function checkVerificationJwk(jwk: JWK, alg: string): JWK {
  if (!ASYMMETRIC_ALGORITHMS.includes(alg) || !isUsableVerificationJwk(jwk)) {
    throw new TypeError("The key is not a public signing key");
  }
  if (!jwkFitsAlgorithm(jwk, alg)) throw new TypeError(`The key does not fit ${alg}`);
  const { kty, crv, x, y, n, e } = jwk;
  return Object.fromEntries(
    Object.entries({ kty, crv, x, y, n, e }).filter(([, v]) => v !== undefined),
  ) as JWK;
}
