/**
 * The downstream verifier: `createVerifier(options).verify(token)` returns the typed claims of a
 * valid, unrevoked tokenmint access token or throws a {@link TokenVerificationFailed} with a
 * stable `code`. In order it checks the wire form (a configured kind's prefix, one canonical
 * compact JWS), the signature with a key from the issuer's JWKS (pinned `alg`, never
 * `jku`/`jwk`/`x5u`), `typ` `at+jwt`, `iss`, `aud`, the times and claim shapes, that the `kind`
 * claim is the kind the prefix names and one this service accepts, and then the token's entry in
 * the issuer's Token Status List (spec order: the token first, its status second).
 *
 * Runs on Web APIs, jose and hono only: Node and Workers alike.
 *
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   issuer: "https://tokens.example.com",
 *   audience: "https://api.example.com",
 * });
 * const claims = await verifier.verify(bearer); // throws TokenRevoked, TokenExpired, ...
 * ```
 * @module
 */

import { KindNotAccepted, TokenMalformed } from "../errors.js";
import { toCanonicalJws } from "../jws/compact.js";
import { defaultSignatures, webCryptoSignatures } from "../jws/signatures.js";
import type { AccessTokenClaims } from "../jwt/claims.js";
import { createTokenCache } from "../jwt/token-cache.js";
import { checkKindMatchesPrefix, splitTokenPrefix } from "../jwt/token-kind.js";
import { type JwtCheckOptions, verifyCanonicalJws } from "../jwt/verify-access-token.js";
import { createJwksSource } from "./jwks-source.js";
import { createStatusListSource } from "./status-list-source.js";
import { checkVerifierOptions, type VerifierOptions } from "./verifier-options.js";

/** A configured verifier. */
export interface Verifier {
  /**
   * Verifies a presented token (with its prefix).
   *
   * @throws {TokenVerificationFailed} with a stable `code`; HTTP 401, or 503 for
   * `status_unavailable` and `keys_unavailable`.
   */
  verify(token: string): Promise<AccessTokenClaims>;
  /**
   * The answer {@link Verifier.verify} would give, when it is known without waiting: the token
   * is in the verified-token cache, its signing key is still in a fresh JWKS, and a fresh status
   * list says it is valid. `undefined` when only `verify` can tell (never a guess).
   *
   * @throws {TokenVerificationFailed} when the cached status list marks the token.
   */
  verifyCached?(token: string): AccessTokenClaims | undefined;
}

/**
 * Creates a verifier; options are validated here, once.
 *
 * @throws {TypeError} on a bad option.
 * @example
 * ```ts
 * const verifier = createVerifier({
 *   issuer: "https://tokens.example.com",
 *   audience: "https://api.example.com",
 *   statusList: { failOpen: false, maxTtlSeconds: 600 },
 *   cache: { maxEntries: 50_000 },
 * });
 * ```
 */
export function createVerifier(input: VerifierOptions): Verifier {
  const options = checkVerifierOptions(input);
  const now = options.now ?? (() => Date.now());
  const fetchFn = options.fetch;
  const signatures = options.crypto === "webcrypto" ? webCryptoSignatures : defaultSignatures;
  const keys = createJwksSource({
    ...(options.jwks
      ? { jwks: options.jwks }
      : {
          jwksUri: options.jwksUri ?? `${options.issuer.replace(/\/$/, "")}/.well-known/jwks.json`,
        }),
    ...(fetchFn ? { fetch: fetchFn } : {}),
    ...options.jwksCache,
    now,
    signatures,
  });
  const statusOptions = options.statusList ?? {};
  const status =
    statusOptions.enabled === false
      ? undefined
      : createStatusListSource({
          ...statusOptions,
          issuer: options.issuer,
          getKey: keys.getKey,
          signatures,
          algorithms: options.algorithms,
          now,
          ...(statusOptions.fetch || fetchFn ? { fetch: statusOptions.fetch ?? fetchFn } : {}),
          ...(options.clockTolerance === undefined
            ? {}
            : { clockTolerance: options.clockTolerance }),
        });
  const cache = options.cache === false ? undefined : createTokenCache(options.cache);
  // Only tokens of an accepted kind enter the cache, so a cache hit needs no kind check.
  const accepted = new Set(options.kinds);

  const checks: JwtCheckOptions = {
    issuer: options.issuer,
    audience: options.audience,
    algorithms: options.algorithms,
    getKey: (header) => keys.peekKey(header.kid, header.alg) ?? keys.getKey(header),
    signatures,
    now,
    ...(options.clockTolerance === undefined ? {} : { clockTolerance: options.clockTolerance }),
    ...(options.allowNoExpiry ? { allowNoExpiry: true } : {}),
  };

  return {
    async verify(token) {
      // A hit is the very string that passed every check; what can change since is re-checked:
      // the signing key must still be published and the status bit read from the list.
      const hit = cache?.get(token, now());
      if (hit) {
        const { kid, alg } = hit.header;
        if (keys.peekKey(kid, alg) === undefined) await keys.getKey(hit.header);
        const ref = hit.claims.status.status_list;
        if (status && !status.checkCached(ref)) await status.check(ref);
        return hit.claims;
      }
      const split = splitTokenPrefix(token, options.prefixes);
      if (!split) throw new TokenMalformed();
      const jws = toCanonicalJws(split.rest, "", options.maxTokenLength);
      const verified = verifyCanonicalJws(jws, checks);
      const { claims, header } = verified instanceof Promise ? await verified : verified;
      checkKindMatchesPrefix(claims, split.kind);
      if (!accepted.has(split.kind)) throw new KindNotAccepted();
      cache?.set(token, { claims, header }, now());
      const ref = claims.status.status_list;
      if (status && !status.checkCached(ref)) await status.check(ref);
      return claims;
    },
    verifyCached(token) {
      const hit = cache?.get(token, now());
      if (!hit || keys.peekKey(hit.header.kid, hit.header.alg) === undefined) return undefined;
      if (status && !status.checkCached(hit.claims.status.status_list)) return undefined;
      return hit.claims;
    },
  };
}
