/**
 * Verifies a Status List Token (draft-ietf-oauth-status-list section 5.1) served by the issuer:
 * canonical compact JWS, a pinned asymmetric `alg`, a key from the issuer's JWKS, header `typ`
 * `statuslist+jwt`, `sub` equal to the URI it was fetched from, the times as for every JWT
 * (`timeClaimsProblem`: `iat` required, neither it nor `nbf` in the future, `exp` not passed), `iss` (when present) equal to the issuer, `ttl` (when present) a
 * positive number, and a `status_list` whose `lst` inflates within the cap.
 *
 * @example
 * ```ts
 * const list = await verifyStatusListToken(body, { uri, issuer, getKey, algorithms: ["ES256"] });
 * readStatus(list.bytes, list.bits, 42);
 * ```
 * @module
 */
import { toCanonicalJws } from "../jws/compact.js";
import { type SignatureBackend, webCryptoSignatures } from "../jws/signatures.js";
import { type KeyLookup, verifyJws } from "../jws/verify-jws.js";
import { isStatusListBits, type StatusListBits } from "../status/bits.js";
import { decompressStatusList, MAX_STATUS_LIST_BYTES } from "../status/codec.js";
import { STATUS_LIST_TOKEN_TYPE } from "./claims.js";
import { type TimeClaimsProblem, timeClaimsProblem } from "./time-claims.js";

/** A verified, decompressed status list. */
export interface StatusList {
  readonly bits: StatusListBits;
  readonly bytes: Uint8Array;
  readonly iat: number;
  readonly exp?: number;
  readonly ttl?: number;
}

/** What a Status List Token is checked against. */
export interface StatusListTokenCheck {
  /** The URI it was fetched from; must equal its `sub`. */
  readonly uri: string;
  readonly issuer: string;
  readonly getKey: KeyLookup;
  /** Who checks the signature (default WebCrypto). */
  readonly signatures?: SignatureBackend;
  readonly algorithms: readonly string[];
  readonly now?: () => number;
  /** Seconds of clock skew tolerated (default 30). */
  readonly clockTolerance?: number;
  /** Decompression cap in bytes (default {@link MAX_STATUS_LIST_BYTES}). */
  readonly maxBytes?: number;
  /** Longest accepted token in characters (default 4 MiB). */
  readonly maxLength?: number;
}

/** A Status List Token that fails a check; the verifier reports it as `status_unavailable`. */
export class StatusListTokenInvalid extends Error {
  override readonly name = "StatusListTokenInvalid";
}

const TIME_PROBLEMS: Record<TimeClaimsProblem, string> = {
  iat_invalid: "Status list iat is missing",
  nbf_invalid: "Status list nbf is invalid",
  exp_invalid: "Status list exp is invalid",
  not_yet_valid: "Status list iat or nbf is in the future",
  expired: "Status list exp has passed",
};

/**
 * Verifies and decodes a Status List Token.
 *
 * @throws {StatusListTokenInvalid}, a `TokenVerificationFailed`, or `StatusListCorrupt`.
 */
export async function verifyStatusListToken(
  token: string,
  check: StatusListTokenCheck,
): Promise<StatusList> {
  const jws = toCanonicalJws(token.trim(), "", check.maxLength ?? 4 * 1024 * 1024);
  const { payload } = await verifyJws(jws, {
    algorithms: check.algorithms,
    typ: STATUS_LIST_TOKEN_TYPE,
    getKey: check.getKey,
    signatures: check.signatures ?? webCryptoSignatures,
  });
  if (payload.sub !== check.uri) throw new StatusListTokenInvalid("Status list sub is not its URI");
  if (payload.iss !== undefined && payload.iss !== check.issuer) {
    throw new StatusListTokenInvalid("Status list iss is not the issuer");
  }
  const problem = timeClaimsProblem(payload, {
    now: check.now?.() ?? Date.now(),
    tolerance: check.clockTolerance ?? 30,
  });
  if (problem !== undefined) throw new StatusListTokenInvalid(TIME_PROBLEMS[problem]);
  const iat = payload.iat as number;
  const exp = payload.exp as number | undefined;
  const ttl = payload.ttl;
  if (ttl !== undefined && !(typeof ttl === "number" && Number.isFinite(ttl) && ttl > 0)) {
    throw new StatusListTokenInvalid("Status list ttl is not a positive number");
  }
  const list = payload.status_list as { bits?: unknown; lst?: unknown } | undefined;
  if (typeof list !== "object" || list === null || !isStatusListBits(list.bits)) {
    throw new StatusListTokenInvalid("Status list bits is missing or invalid");
  }
  if (typeof list.lst !== "string") throw new StatusListTokenInvalid("Status list lst is missing");
  const bytes = await decompressStatusList(list.lst, check.maxBytes ?? MAX_STATUS_LIST_BYTES);
  return {
    bits: list.bits,
    bytes,
    iat,
    ...(exp === undefined ? {} : { exp }),
    ...(ttl === undefined ? {} : { ttl }),
  };
}
