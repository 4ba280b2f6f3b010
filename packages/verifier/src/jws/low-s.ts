/**
 * ECDSA signature malleability: for every signature `(r, s)` the twin `(r, n - s)` verifies too,
 * so one signed token has two spellings. The issuer emits only the low-S form (s ≤ n/2, as
 * Bitcoin and Ethereum require), and tokenmint's verifier refuses the high-S twin, for every
 * ECDSA algorithm of the table (ES256, ES384, ES512). Revocation is keyed on the `jti` anyway, so
 * the twin could not escape a revocation either.
 * @module
 */
import { decodeSegmentBytes, encodeSegment } from "../lib/base64url.js";
import { JWS_ALGORITHMS } from "./algorithms.js";

function toBigInt(bytes: Uint8Array): bigint {
  let value = 0n;
  for (const byte of bytes) value = (value << 8n) | BigInt(byte);
  return value;
}

function toBytes(value: bigint, length: number): Uint8Array {
  const out = new Uint8Array(length);
  let rest = value;
  for (let i = length - 1; i >= 0; i--) {
    out[i] = Number(rest & 0xffn);
    rest >>= 8n;
  }
  return out;
}

interface Curve {
  readonly order: bigint;
  /** `n / 2` as big-endian bytes of one signature half, for a comparison without big integers. */
  readonly halfOrder: Uint8Array;
}

/** The ECDSA entries of the algorithm table, by `alg`. */
const CURVES: ReadonlyMap<string, Curve> = new Map(
  JWS_ALGORITHMS.flatMap(({ alg, curveOrder, signatureLength }): [string, Curve][] => {
    if (curveOrder === undefined || signatureLength === undefined) return [];
    const halfOrder = toBytes(curveOrder / 2n, signatureLength / 2);
    return [[alg, { order: curveOrder, halfOrder }]];
  }),
);

/**
 * True when a decoded signature (IEEE P1363 `r || s`) is the high-S form for `alg`; false for
 * other algorithms and for signatures of the wrong length (those fail verification anyway).
 *
 * @example
 * ```ts
 * hasHighS("ES384", base64url.decode(signature)); // false for everything the issuer signs
 * ```
 */
export function hasHighS(alg: string, signature: Uint8Array): boolean {
  const half = CURVES.get(alg)?.halfOrder;
  if (half === undefined || signature.length !== half.length * 2) return false;
  for (let i = 0; i < half.length; i++) {
    const byte = signature[half.length + i] as number;
    const limit = half[i] as number;
    if (byte !== limit) return byte > limit;
  }
  return false;
}

/**
 * Rewrites a compact JWS so its ECDSA signature is in low-S form (other algorithms unchanged).
 *
 * @example
 * ```ts
 * const jwt = toLowS("ES256", await new SignJWT(claims).sign(key));
 * ```
 */
export function toLowS(alg: string, jws: string): string {
  const dot = jws.lastIndexOf(".");
  const bytes = decodeSegmentBytes(jws.slice(dot + 1));
  if (!hasHighS(alg, bytes)) return jws;
  return `${jws.slice(0, dot + 1)}${encodeSegment(toLowSSignature(alg, bytes))}`;
}

/**
 * A decoded ECDSA signature (IEEE P1363 `r || s`) in low-S form: `(r, n - s)` when `s > n/2`,
 * otherwise the same bytes.
 *
 * @example
 * ```ts
 * const signature = toLowSSignature("ES512", new Uint8Array(await crypto.subtle.sign(...)));
 * ```
 */
export function toLowSSignature(alg: string, signature: Uint8Array): Uint8Array {
  const curve = CURVES.get(alg);
  if (curve === undefined || !hasHighS(alg, signature)) return signature;
  const half = signature.length / 2;
  const fixed = new Uint8Array(signature.length);
  fixed.set(signature.subarray(0, half));
  fixed.set(toBytes(curve.order - toBigInt(signature.subarray(half)), half), half);
  return fixed;
}
