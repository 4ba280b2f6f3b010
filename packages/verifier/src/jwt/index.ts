/**
 * `@tokenmint/verifier/jwt`: the JWT layer of the core: tokenmint's access token claims and their
 * checks, the one `iat`/`nbf`/`exp` rule every token follows, Status List Tokens, and the
 * verified-token cache. For code that verifies tokens without {@link createVerifier}'s fetching
 * and caching (the issuer checks its own tokens this way).
 *
 * @example
 * ```ts
 * import { verifyAccessTokenJwt } from "@tokenmint/verifier/jwt";
 *
 * const claims = await verifyAccessTokenJwt(token, { issuer, algorithms: ["ES256"], getKey });
 * ```
 * @module
 */
export {
  ACCESS_TOKEN_TYPE,
  type AccessTokenClaims,
  STATUS_LIST_TOKEN_TYPE,
  type StatusClaim,
} from "./claims.js";
export { type TimeClaimsCheck, type TimeClaimsProblem, timeClaimsProblem } from "./time-claims.js";
export {
  type CachedToken,
  createTokenCache,
  TOKEN_CACHE_DEFAULTS,
  type TokenCache,
  type TokenCacheOptions,
} from "./token-cache.js";
export {
  checkKindMatchesPrefix,
  DEFAULT_TOKEN_KIND,
  kindOfClaims,
  type PrefixedToken,
  prefixTableProblem,
  splitTokenPrefix,
  type TokenPrefixes,
} from "./token-kind.js";
export {
  type JwtCheckOptions,
  type VerifiedJws,
  verifyAccessTokenJwt,
  verifyCanonicalJws,
} from "./verify-access-token.js";
export {
  type StatusList,
  type StatusListTokenCheck,
  StatusListTokenInvalid,
  verifyStatusListToken,
} from "./verify-status-list-token.js";
