/**
 * tokenmint's verifier for downstream services (`tokenmint/verifier`): verify tokens offline
 * against the issuer's JWKS and Token Status List, authorize with {@link can}, and guard Hono
 * routes with {@link requireToken}. Web APIs, jose and hono only.
 *
 * @example
 * ```ts
 * import { createVerifier, requireToken } from "tokenmint/verifier";
 *
 * const verifier = createVerifier({
 *   issuer: "https://tokens.example.com",
 *   audience: "https://api.example.com",
 * });
 * app.use("/api/*", requireToken({ verifier, permission: "read_api" }));
 * ```
 * @module
 */
export { type CanContext, can } from "./can.js";
export {
  ACCESS_TOKEN_TYPE,
  type AccessTokenClaims,
  STATUS_LIST_TOKEN_TYPE,
  type StatusClaim,
} from "./claims.js";
export { createVerifier, type Verifier } from "./create-verifier.js";
export {
  AlgorithmNotAllowed,
  AudienceMismatch,
  ClaimInvalid,
  InsufficientScope,
  IssuerMismatch,
  KeysUnavailable,
  KeyUnknown,
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
} from "./errors.js";
export { DEFAULT_ALGORITHMS } from "./import-key.js";
export { JWKS_DEFAULTS } from "./jwks-source.js";
export {
  type RequireTokenOptions,
  requireToken,
  type TokenVariables,
  tokenProblem,
} from "./middleware.js";
export { STATUS_LIST_DEFAULTS } from "./status-list-source.js";
export { TOKEN_CACHE_DEFAULTS } from "./token-cache.js";
export type {
  JwksCacheOptions,
  StatusListOptions,
  VerifierOptions,
} from "./verifier-options.js";
