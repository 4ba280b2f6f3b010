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
 *   getKey: keyring.getKey,
 *   signatures: keyring.signatures,
 * });
 * ```
 * @module
 */
import {
  AudienceMismatch,
  ClaimInvalid,
  IssuerMismatch,
  TokenExpired,
  TokenMalformed,
  TokenNotYetValid,
} from "../errors.js";
import { toCanonicalJws } from "../jws/compact.js";
import { type SignatureBackend, webCryptoSignatures } from "../jws/signatures.js";
import {
  type JwsCheck,
  type KeyLookup,
  type VerifiedJwsParts,
  verifyJws,
} from "../jws/verify-jws.js";
import { ACCESS_TOKEN_TYPE, type AccessTokenClaims } from "./claims.js";
import { type TimeClaimsProblem, timeClaimsProblem } from "./time-claims.js";
import { checkKindMatchesPrefix, splitTokenPrefix, type TokenPrefixes } from "./token-kind.js";

/** What {@link verifyAccessTokenJwt} checks against. */
export interface JwtCheckOptions {
  readonly issuer: string;
  /** Required audience(s); omit only where the caller is the issuer itself. */
  readonly audience?: string | readonly string[];
  /** Accepted `alg` values (never `none`, never an HMAC). */
  readonly algorithms: readonly string[];
  /** Token prefix to strip (e.g. `tmpat_`); a token without it is malformed. */
  readonly prefix?: string;
  /**
   * The issuer's kinds and their prefixes, instead of `prefix`: a token must carry one of them,
   * and its `kind` claim must be the kind that prefix names.
   */
  readonly prefixes?: TokenPrefixes;
  /** Key lookup by `alg` + `kid`; its keys are the ones `signatures` understands. */
  readonly getKey: KeyLookup;
  /** Who checks signatures (default WebCrypto, whose keys are `CryptoKey`s). */
  readonly signatures?: SignatureBackend;
  /** Seconds of clock skew tolerated (default 30). */
  readonly clockTolerance?: number;
  /** Accept tokens without `exp` (only for issuers whose policy allows non-expiring tokens). */
  readonly allowNoExpiry?: boolean;
  /** The current time (injected for tests). */
  readonly now?: () => number;
  /** Longest accepted token, prefix excluded (default `MAX_TOKEN_LENGTH`, 8192). */
  readonly maxLength?: number;
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
    (payload.kind === undefined || typeof payload.kind === "string") &&
    (payload.allowed_ips === undefined ||
      (Array.isArray(payload.allowed_ips) &&
        payload.allowed_ips.every((range) => typeof range === "string"))) &&
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

/**
 * Verifies signature and claims of a tokenmint access token; does not look at its status.
 *
 * @throws {TokenVerificationFailed} with a stable code.
 */
export async function verifyAccessTokenJwt(
  token: string,
  options: JwtCheckOptions,
): Promise<AccessTokenClaims> {
  if (options.prefixes === undefined) {
    const jws = toCanonicalJws(token, options.prefix, options.maxLength);
    return (await verifyCanonicalJws(jws, options)).claims;
  }
  const split = splitTokenPrefix(token, options.prefixes);
  if (!split) throw new TokenMalformed();
  const jws = toCanonicalJws(split.rest, "", options.maxLength);
  const { claims } = await verifyCanonicalJws(jws, options);
  checkKindMatchesPrefix(claims, split.kind);
  return claims;
}

/** A verified token's claims and the header fields that name its key. */
export interface VerifiedJws {
  readonly claims: AccessTokenClaims;
  readonly header: { readonly alg: string; readonly kid: string };
}

/**
 * {@link verifyAccessTokenJwt} for a JWS that {@link toCanonicalJws} already returned (the
 * verifier canonicalizes once and verifies that same string). Answers synchronously when the key
 * lookup and the signature backend do (the usual case on Node), as a promise otherwise.
 *
 * @throws {TokenVerificationFailed} with a stable code (synchronously or as a rejection).
 */
export function verifyCanonicalJws(
  jws: string,
  options: JwtCheckOptions,
): VerifiedJws | Promise<VerifiedJws> {
  const verified = verifyJws(jws, jwsCheckOf(options));
  return verified instanceof Promise
    ? verified.then((parts) => accessTokenOf(parts, options))
    : accessTokenOf(verified, options);
}

/** The JWS half of the checks, made once per options object (a verifier's are long-lived). */
const jwsChecks = new WeakMap<JwtCheckOptions, JwsCheck>();
function jwsCheckOf(options: JwtCheckOptions): JwsCheck {
  let check = jwsChecks.get(options);
  if (!check) {
    check = {
      algorithms: options.algorithms,
      typ: ACCESS_TOKEN_TYPE,
      getKey: options.getKey,
      signatures: options.signatures ?? webCryptoSignatures,
    };
    jwsChecks.set(options, check);
  }
  return check;
}

function accessTokenOf(parts: VerifiedJwsParts, options: JwtCheckOptions): VerifiedJws {
  const { header, payload } = parts;
  checkAccessClaims(payload, options);
  return { claims: payload, header: { alg: header.alg, kid: header.kid } };
}

function missing(claim: string): Error {
  if (claim === "iss") return new IssuerMismatch();
  if (claim === "aud") return new AudienceMismatch();
  return new ClaimInvalid(`Claim ${claim} is missing or invalid`);
}

function timeClaimsError(problem: TimeClaimsProblem): Error {
  if (problem === "expired") return new TokenExpired();
  if (problem === "not_yet_valid") return new TokenNotYetValid();
  return missing(problem.slice(0, 3));
}

function hasAudience(aud: unknown, audience: string | readonly string[]): boolean {
  const wanted = typeof audience === "string" ? [audience] : audience;
  if (typeof aud === "string") return wanted.includes(aud);
  return Array.isArray(aud) && aud.some((value) => wanted.includes(value));
}

/**
 * The claim checks, in jose's order and with its meaning (`iss`, `aud`, presence, `iat`, `nbf`,
 * `exp` with the tolerance), then tokenmint's own: `iat` not in the future, an integer `exp`,
 * and the claim shapes.
 */
function checkAccessClaims(
  payload: Record<string, unknown>,
  options: JwtCheckOptions,
): asserts payload is Record<string, unknown> & AccessTokenClaims {
  const required = options.allowNoExpiry ? REQUIRED_CLAIMS : REQUIRED_CLAIMS_WITH_EXP;
  if (!("iss" in payload)) throw missing("iss");
  if (options.audience !== undefined && !("aud" in payload)) throw missing("aud");
  for (const claim of required) if (!(claim in payload)) throw missing(claim);
  if (payload.iss !== options.issuer) throw new IssuerMismatch();
  if (options.audience !== undefined && !hasAudience(payload.aud, options.audience)) {
    throw new AudienceMismatch();
  }
  const problem = timeClaimsProblem(payload, {
    now: options.now?.() ?? Date.now(),
    tolerance: options.clockTolerance ?? 30,
  });
  if (problem !== undefined) throw timeClaimsError(problem);
  const exp = payload.exp;
  if (exp !== undefined && !Number.isSafeInteger(exp)) {
    throw new ClaimInvalid("Claim exp is invalid");
  }
  if (!hasClaimShape(payload)) throw new ClaimInvalid();
}

const REQUIRED_CLAIMS = ["iat", "jti", "sub"];
const REQUIRED_CLAIMS_WITH_EXP = [...REQUIRED_CLAIMS, "exp"];
