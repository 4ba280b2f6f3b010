/**
 * The cryptographic and claim checks of a tokenmint access token, shared by the downstream
 * verifier and the issuer's own bearer authentication. It pins `alg`, `typ`, `iss` (and `aud`
 * when given), rejects non-canonical spellings before any parsing, never looks at `jku`, `jwk` or
 * `x5u` headers, and requires `exp` (unless allowed otherwise), `iat`, `jti`, `sub`.
 *
 * @example
 * ```ts
 * const claims = await verifyAccessTokenJwt(token, {
 *   issuer: "https://tokens.example.com",
 *   audience: "https://api.example.com",
 *   algorithms: ["ES256"],
 *   prefix: "tmpat_",
 *   getKey: createLocalJWKSet(jwks),
 * });
 * ```
 * @module
 */
import { base64url, errors, type JWTVerifyGetKey, jwtVerify } from "jose";
import { ACCESS_TOKEN_TYPE, type AccessTokenClaims } from "./claims.js";
import {
  AlgorithmNotAllowed,
  AudienceMismatch,
  ClaimInvalid,
  IssuerMismatch,
  KeyUnknown,
  SignatureInvalid,
  TokenExpired,
  TokenMalformed,
  TokenNotYetValid,
  TypeMismatch,
} from "./errors.js";
import { isHighS } from "./low-s.js";
import { hasDuplicateMembers } from "./strict-json.js";

const decoder = new TextDecoder();
function decodeSegment(segment: string): string {
  return decoder.decode(base64url.decode(segment));
}

/** The longest token (after the prefix) that is parsed at all. */
export const MAX_TOKEN_LENGTH = 8192;

/** What {@link verifyAccessTokenJwt} checks against. */
export interface JwtCheckOptions {
  readonly issuer: string;
  /** Required audience(s); omit only where the caller is the issuer itself. */
  readonly audience?: string | readonly string[];
  /** Accepted `alg` values (never `none`, never an HMAC). */
  readonly algorithms: readonly string[];
  /** Token prefix to strip (e.g. `tmpat_`); a token without it is malformed. */
  readonly prefix?: string;
  /** Key lookup by header (jose `createLocalJWKSet` / `createRemoteJWKSet` or equivalent). */
  readonly getKey: JWTVerifyGetKey;
  /** Seconds of clock skew tolerated (default 30). */
  readonly clockTolerance?: number;
  /** Accept tokens without `exp` (only for issuers whose policy allows non-expiring tokens). */
  readonly allowNoExpiry?: boolean;
  /** The current time (injected for tests). */
  readonly now?: () => number;
  /** Longest accepted token, prefix excluded (default {@link MAX_TOKEN_LENGTH}). */
  readonly maxLength?: number;
}

// Three base64url segments, nothing else; then each segment must be canonical (no unused bits).
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
const CANONICAL_LAST_2 = /[AQgw]$/;
const CANONICAL_LAST_3 = /[AEIMQUYcgkosw048]$/;

function isCanonicalSegment(segment: string): boolean {
  switch (segment.length % 4) {
    case 0:
      return true;
    case 2:
      return CANONICAL_LAST_2.test(segment);
    case 3:
      return CANONICAL_LAST_3.test(segment);
    default:
      return false;
  }
}

/**
 * Strips the prefix and checks that what is left is one canonical compact JWS of sane length.
 *
 * @throws {TokenMalformed}
 * @example
 * ```ts
 * const jwt = toCanonicalJws("tmpat_eyJ...", "tmpat_");
 * ```
 */
export function toCanonicalJws(token: string, prefix = "", maxLength = MAX_TOKEN_LENGTH): string {
  if (typeof token !== "string" || !token.startsWith(prefix)) throw new TokenMalformed();
  const jws = token.slice(prefix.length);
  if (jws.length > maxLength || !COMPACT_JWS.test(jws)) throw new TokenMalformed();
  if (!jws.split(".").every(isCanonicalSegment)) throw new TokenMalformed();
  return jws;
}

function hasClaimShape(
  payload: Record<string, unknown>,
): payload is Record<string, unknown> & AccessTokenClaims {
  const status = payload.status as { status_list?: { idx?: unknown; uri?: unknown } } | undefined;
  return (
    typeof payload.sub === "string" &&
    typeof payload.jti === "string" &&
    typeof payload.iat === "number" &&
    typeof payload.scope === "string" &&
    typeof payload.client_id === "string" &&
    typeof payload.fam === "string" &&
    (payload.exp === undefined || typeof payload.exp === "number") &&
    (payload.org === undefined || typeof payload.org === "string") &&
    (payload.cell === undefined || typeof payload.cell === "string") &&
    (payload.permissions === undefined ||
      (typeof payload.permissions === "object" &&
        payload.permissions !== null &&
        Object.values(payload.permissions).every(
          (ids) => Array.isArray(ids) && ids.every((id) => typeof id === "string"),
        ))) &&
    typeof status?.status_list?.uri === "string" &&
    Number.isSafeInteger(status.status_list.idx) &&
    (status.status_list.idx as number) >= 0
  );
}

/** Maps a jose failure to the verifier's stable error. */
export function toVerificationError(error: unknown): Error {
  if (error instanceof errors.JWTExpired) return new TokenExpired();
  if (error instanceof errors.JWTClaimValidationFailed) {
    if (error.claim === "iss") return new IssuerMismatch();
    if (error.claim === "aud") return new AudienceMismatch();
    if (error.claim === "typ") return new TypeMismatch();
    if (error.claim === "nbf" || (error.claim === "iat" && error.reason === "check_failed")) {
      return new TokenNotYetValid();
    }
    return new ClaimInvalid(`Claim ${error.claim} is missing or invalid`);
  }
  if (error instanceof errors.JWSSignatureVerificationFailed) return new SignatureInvalid();
  if (error instanceof errors.JWKSNoMatchingKey) return new KeyUnknown();
  if (error instanceof errors.JOSEAlgNotAllowed) return new AlgorithmNotAllowed();
  if (error instanceof errors.JOSEError) return new TokenMalformed(undefined, { cause: error });
  return error instanceof Error ? error : new TokenMalformed();
}

/**
 * Verifies signature and claims of a tokenmint access token; does not look at its status.
 *
 * @throws {TokenVerificationFailed} with a stable code.
 */
export async function verifyAccessTokenJwt(
  token: string,
  options: JwtCheckOptions,
): Promise<AccessTokenClaims> {
  const jws = toCanonicalJws(token, options.prefix, options.maxLength);
  return (await verifyCanonicalJws(jws, options)).claims;
}

/** A verified token's claims and the header fields that name its key. */
export interface VerifiedJws {
  readonly claims: AccessTokenClaims;
  readonly header: { readonly alg: string; readonly kid: string };
}

/**
 * {@link verifyAccessTokenJwt} for a JWS that {@link toCanonicalJws} already returned (the
 * verifier canonicalizes once, for its cache lookup, and verifies that same string).
 *
 * @throws {TokenVerificationFailed} with a stable code.
 */
export async function verifyCanonicalJws(
  jws: string,
  options: JwtCheckOptions,
): Promise<VerifiedJws> {
  const tolerance = options.clockTolerance ?? 30;
  const now = options.now?.() ?? Date.now();
  const required = options.allowNoExpiry ? ["iat", "jti", "sub"] : ["exp", "iat", "jti", "sub"];
  let payload: Record<string, unknown>;
  let alg: string;
  let kid: string;
  try {
    let protectedHeader: { alg?: unknown; kid?: unknown };
    ({ payload, protectedHeader } = await jwtVerify(jws, options.getKey, {
      issuer: options.issuer,
      ...(options.audience === undefined
        ? {}
        : { audience: options.audience as string | string[] }),
      algorithms: [...options.algorithms],
      typ: ACCESS_TOKEN_TYPE,
      requiredClaims: required,
      clockTolerance: tolerance,
      currentDate: new Date(now),
    }));
    alg = String(protectedHeader.alg);
    kid = String(protectedHeader.kid);
  } catch (error) {
    throw toVerificationError(error);
  }
  const [header = "", body = "", signature = ""] = jws.split(".");
  if (isHighS(alg, signature)) throw new SignatureInvalid();
  if (hasDuplicateMembers(decodeSegment(header)) || hasDuplicateMembers(decodeSegment(body))) {
    throw new TokenMalformed("The token repeats a JSON member");
  }
  const nowSeconds = Math.floor(now / 1000);
  if ((payload.iat as number) > nowSeconds + tolerance) throw new TokenNotYetValid();
  if (payload.exp !== undefined && !Number.isSafeInteger(payload.exp)) {
    throw new ClaimInvalid("Claim exp is invalid");
  }
  if (!hasClaimShape(payload)) throw new ClaimInvalid();
  return { claims: payload, header: { alg, kid } };
}
