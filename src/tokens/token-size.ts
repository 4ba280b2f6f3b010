/**
 * The longest token the issuer will hand out: the same limit the verifier enforces (prefix
 * excluded), checked before a mint writes anything. Fine-grained permissions can otherwise push a
 * JWT past what the issuer's own checks and downstream request headers accept.
 * @module
 */
import type { AccessTokenClaims } from "@tokenmint/verifier";
import type { SigningAlgorithm } from "../config/config.js";
import { InvalidRequest } from "../errors.js";

/** Signature bytes per algorithm (the issuer generates 2048-bit RSA keys). */
const SIGNATURE_BYTES: Readonly<Record<SigningAlgorithm, number>> = {
  ES256: 64,
  EdDSA: 64,
  RS256: 256,
  PS256: 256,
};

/** A key id is an RFC 7638 SHA-256 thumbprint: 43 base64url characters. */
const LONGEST_KID = "k".repeat(43);

/**
 * The longest a status list id gets: a 10-character epoch, `-`, `p` for a pending list, and up to
 * 10 digits.
 */
const LONGEST_LIST_ID = "l".repeat(22);

/** The longest cell name `PUT /v1/routes/{org}` accepts. */
export const CELL_NAME_LENGTH = 64;
const LONGEST_CELL = "c".repeat(CELL_NAME_LENGTH);

const NON_ASCII = /[\u0080-\uffff]/;
const encoder = new TextEncoder();

function base64urlLength(utf8: string): number {
  // JSON text is nearly always ASCII, whose UTF-8 length is its length: no encoding needed.
  const bytes = NON_ASCII.test(utf8) ? encoder.encode(utf8).length : utf8.length;
  return Math.ceil((bytes * 4) / 3);
}

/** The encoded header's length per `alg` and `typ` (a handful of pairs per process). */
const headerLengths = new Map<string, number>();
function headerLength(alg: SigningAlgorithm, typ: string): number {
  const key = `${alg} ${typ}`;
  let length = headerLengths.get(key);
  if (length === undefined) {
    length = base64urlLength(JSON.stringify({ alg, kid: LONGEST_KID, typ }));
    headerLengths.set(key, length);
  }
  return length;
}

/** The values a mint learns only once it writes: key id, status entry and cell. */
export interface PendingParts {
  readonly alg: SigningAlgorithm;
  readonly typ: string;
  /** The largest status index a list holds (`size - 1`). */
  readonly maxIdx: number;
  readonly statusUri: (list: string) => string;
}

/**
 * The length the compact JWS of `claims` can reach once the key id, status entry and cell are
 * filled in, counting each at its longest.
 *
 * @example
 * ```ts
 * maxTokenLength(claims, { alg: "ES256", typ: "at+jwt", maxIdx: 131071, statusUri });
 * ```
 */
export function maxTokenLength(claims: AccessTokenClaims, pending: PendingParts): number {
  const widest: AccessTokenClaims = {
    ...claims,
    ...(claims.org === undefined ? {} : { cell: LONGEST_CELL }),
    status: {
      status_list: { idx: pending.maxIdx, uri: pending.statusUri(LONGEST_LIST_ID) },
    },
  };
  return (
    headerLength(pending.alg, pending.typ) +
    1 +
    base64urlLength(JSON.stringify(widest)) +
    1 +
    Math.ceil((SIGNATURE_BYTES[pending.alg] * 4) / 3)
  );
}

/**
 * Refuses a token that could exceed `limit` characters (prefix excluded).
 *
 * @throws {InvalidRequest} `token_too_large`, naming the size and the limit.
 */
export function checkTokenSize(
  claims: AccessTokenClaims,
  pending: PendingParts,
  limit: number,
): void {
  const length = maxTokenLength(claims, pending);
  if (length > limit) {
    throw new InvalidRequest(
      "token_too_large",
      `The token would be up to ${length} characters long; the limit is ${limit}; name fewer resources in permissions or fewer allowed_ips`,
    );
  }
}
