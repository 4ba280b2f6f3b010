/**
 * The JWS half of token verification, shared by access tokens and Status List Tokens: one
 * canonical compact JWS (see `toCanonicalJws`), a JSON-object header with an allowed `alg` and no
 * `crit`, a key found by `kid` + `alg` (never from `jku`, `jwk`, `x5u` or `x5c`), the signature
 * (low-S only for ECDSA), the pinned `typ`, and a JSON-object payload; neither JSON text may repeat
 * a member name. The checks follow jose's `jwtVerify` in order and meaning; the signature itself is
 * checked by a {@link SignatureBackend}.
 *
 * @example
 * ```ts
 * const { header, payload } = await verifyJws(jws, {
 *   algorithms: ["ES256"],
 *   typ: "at+jwt",
 *   getKey: keys.getKey,
 *   signatures: defaultSignatures,
 * });
 * ```
 * @module
 */

import {
  AlgorithmNotAllowed,
  KeyUnknown,
  SignatureInvalid,
  TokenMalformed,
  TypeMismatch,
} from "../errors.js";
import { decodeSegmentBytes, decodeSegmentText } from "../lib/base64url.js";
import { repeatsMembers } from "../lib/strict-json.js";
import { hasHighS } from "./low-s.js";
import type { SignatureBackend, VerificationKey } from "./signatures.js";

/** Finds the key for a header; throws {@link KeyUnknown} (or `KeysUnavailable`) when it cannot. */
export type KeyLookup = (header: {
  readonly alg: string;
  readonly kid: string;
}) => VerificationKey | Promise<VerificationKey>;

/** What {@link verifyJws} checks against. */
export interface JwsCheck {
  readonly algorithms: readonly string[];
  /** The required `typ` (compared as jose does: case-insensitive, `application/` optional). */
  readonly typ: string;
  readonly getKey: KeyLookup;
  readonly signatures: SignatureBackend;
}

/** A JWS whose signature and `typ` checked out. */
export interface VerifiedJwsParts {
  readonly header: { readonly alg: string; readonly kid: string } & Record<string, unknown>;
  readonly payload: Record<string, unknown>;
}

function parseObject(text: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new TokenMalformed();
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    throw new TokenMalformed();
  }
  return value as Record<string, unknown>;
}

/**
 * Headers repeat from token to token (one per signing key), so the last few parsed ones are kept:
 * the same encoded header is the same header.
 */
const headers = new Map<string, Readonly<Record<string, unknown>>>();
const HEADERS_KEPT = 16;

function parseHeader(segment: string): Readonly<Record<string, unknown>> {
  const known = headers.get(segment);
  if (known) return known;
  const text = decodeSegmentText(segment);
  const header = Object.freeze(parseObject(text));
  if (repeatsMembers(text, header)) throw new TokenMalformed("The token repeats a JSON member");
  if (segment.length <= 1024) {
    if (headers.size >= HEADERS_KEPT) headers.delete(headers.keys().next().value as string);
    headers.set(segment, header);
  }
  return header;
}

function normalizeTyp(typ: string): string {
  const lower = typ.toLowerCase();
  return lower.startsWith("application/") ? lower.slice(12) : lower;
}

function signatureHolds(
  jws: string,
  lastDot: number,
  alg: string,
  key: VerificationKey,
  check: JwsCheck,
): boolean | Promise<boolean> {
  const signature = decodeSegmentBytes(jws.slice(lastDot + 1));
  if (hasHighS(alg, signature)) return false;
  return check.signatures.verify(alg, key, jws.slice(0, lastDot), signature);
}

function readPayload(
  jws: string,
  firstDot: number,
  lastDot: number,
  header: Readonly<Record<string, unknown>>,
  check: JwsCheck,
  valid: boolean,
): VerifiedJwsParts {
  if (!valid) throw new SignatureInvalid();
  const typ = header.typ;
  if (
    typ !== check.typ &&
    (typeof typ !== "string" || normalizeTyp(typ) !== normalizeTyp(check.typ))
  ) {
    throw new TypeMismatch();
  }
  const payloadText = decodeSegmentText(jws.slice(firstDot + 1, lastDot));
  const payload = parseObject(payloadText);
  if (repeatsMembers(payloadText, payload)) {
    throw new TokenMalformed("The token repeats a JSON member");
  }
  return { header: header as VerifiedJwsParts["header"], payload };
}

/**
 * Verifies a canonical compact JWS and returns its header and payload: synchronously when the key
 * lookup and the signature backend answer synchronously (a cached key, `node:crypto`), which on
 * Node is a measurable share of a cold verification; as a promise otherwise.
 *
 * @throws {TokenMalformed}, {@link AlgorithmNotAllowed}, {@link KeyUnknown},
 * {@link SignatureInvalid}, {@link TypeMismatch}, or what `getKey` throws (synchronously or as a
 * rejection).
 */
export function verifyJws(
  jws: string,
  check: JwsCheck,
): VerifiedJwsParts | Promise<VerifiedJwsParts> {
  const firstDot = jws.indexOf(".");
  const lastDot = jws.lastIndexOf(".");
  const header = parseHeader(jws.slice(0, firstDot));
  const { alg, kid } = header;
  if (header.crit !== undefined) throw new TokenMalformed("The token has critical headers");
  if (typeof alg !== "string") throw new TokenMalformed();
  if (!check.algorithms.includes(alg)) throw new AlgorithmNotAllowed();
  if (typeof kid !== "string") throw new KeyUnknown();
  const found = check.getKey({ alg, kid });
  if (found instanceof Promise) {
    return found
      .then((key) => signatureHolds(jws, lastDot, alg, key, check))
      .then((valid) => readPayload(jws, firstDot, lastDot, header, check, valid));
  }
  const valid = signatureHolds(jws, lastDot, alg, found, check);
  if (valid instanceof Promise) {
    return valid.then((holds) => readPayload(jws, firstDot, lastDot, header, check, holds));
  }
  return readPayload(jws, firstDot, lastDot, header, check, valid);
}
