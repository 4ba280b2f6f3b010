/**
 * `@tokenmint/verifier`: verify tokenmint access tokens in a downstream service, offline, against
 * the issuer's JWKS and Token Status List; authorize with {@link can}; guard Hono routes with
 * {@link requireToken}. Web APIs and jose only (hono only for the middleware's types), so it runs
 * on Node and Cloudflare Workers alike. The JWT core it is built on is exported under
 * `@tokenmint/verifier/jws`, `/jwt` and `/status`.
 *
 * @example
 * ```ts
 * import { createVerifier, requireToken } from "@tokenmint/verifier";
 *
 * const verifier = createVerifier({
 *   issuer: "https://tokens.example.com",
 *   audience: "https://api.example.com",
 * });
 * app.use("/api/*", requireToken({ verifier, permission: "read_api" }));
 * ```
 * @module
 */
export {
  AlgorithmNotAllowed,
  AudienceMismatch,
  ClaimInvalid,
  InsufficientScope,
  IpNotAllowed,
  IssuerMismatch,
  KeysUnavailable,
  KeyUnknown,
  KindNotAccepted,
  SignatureInvalid,
  StatusUnavailable,
  TokenExpired,
  TokenMalformed,
  TokenMissing,
  TokenNotYetValid,
  TokenRevoked,
  TokenSuspended,
  TokenVerificationFailed,
  TypeMismatch,
  type VerificationCode,
  VerifierError,
} from "./errors.js";
export { behindProxies, type ClientAddress, runtimeAddress } from "./hono/client-address.js";
export {
  type RequireTokenOptions,
  requireToken,
  type TokenVariables,
} from "./hono/require-token.js";
export { DEFAULT_ALGORITHMS } from "./jws/jwk-checks.js";
export {
  ACCESS_TOKEN_TYPE,
  type AccessTokenClaims,
  STATUS_LIST_TOKEN_TYPE,
  type StatusClaim,
} from "./jwt/claims.js";
export { TOKEN_CACHE_DEFAULTS } from "./jwt/token-cache.js";
export { DEFAULT_TOKEN_KIND, kindOfClaims } from "./jwt/token-kind.js";
export { forwardedClientAddress } from "./lib/forwarded-for.js";
export {
  addressInRanges,
  MAX_IP_RANGES,
  normalizeIpRanges,
  rangesWithin,
} from "./lib/ip-ranges.js";
export { PROBLEM_JSON, tokenProblem } from "./lib/problem-response.js";
export { type CanContext, can } from "./verifier/can.js";
export { checkClientAddress } from "./verifier/client-address.js";
export { createVerifier, type Verifier } from "./verifier/create-verifier.js";
export { JWKS_DEFAULTS } from "./verifier/jwks-source.js";
export { STATUS_LIST_DEFAULTS } from "./verifier/status-list-source.js";
export type {
  JwksCacheOptions,
  StatusListOptions,
  VerifierOptions,
} from "./verifier/verifier-options.js";
