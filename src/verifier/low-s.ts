/**
 * ECDSA signature malleability: for every signature `(r, s)` the twin `(r, n - s)` verifies too,
 * so one signed token has two spellings. The issuer emits only the low-S form (s ≤ n/2, as
 * Bitcoin and Ethereum require), and tokenmint's verifier refuses the high-S twin. Revocation is
 * keyed on the `jti` anyway, so the twin could not escape a revocation either.
 * @module
 */
import { base64url } from "jose";

/** Curve orders of the ECDSA algorithms tokenmint signs with. */
const ORDERS: Record<string, bigint> = {
  ES256: 0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
};

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

/** `n / 2` of each curve as big-endian bytes, for a comparison without big integers. */
const HALF_ORDERS: Record<string, Uint8Array> = Object.fromEntries(
  Object.entries(ORDERS).map(([alg, order]) => [alg, toBytes(order / 2n, 32)]),
);

/**
 * True when a decoded signature (IEEE P1363 `r || s`) is the high-S form for `alg`.
 *
 * @example
 * ```ts
 * hasHighS("ES256", base64url.decode(signature)); // false for everything the issuer signs
 * ```
 */
export function hasHighS(alg: string, signature: Uint8Array): boolean {
  const half = HALF_ORDERS[alg];
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
  const bytes = base64url.decode(jws.slice(dot + 1));
  if (!hasHighS(alg, bytes)) return jws;
  return `${jws.slice(0, dot + 1)}${base64url.encode(toLowSSignature(alg, bytes))}`;
}

/**
 * A decoded ECDSA signature (IEEE P1363 `r || s`) in low-S form: `(r, n - s)` when `s > n/2`,
 * otherwise the same bytes.
 *
 * @example
 * ```ts
 * const signature = toLowSSignature("ES256", new Uint8Array(await crypto.subtle.sign(...)));
 * ```
 */
export function toLowSSignature(alg: string, signature: Uint8Array): Uint8Array {
  const order = ORDERS[alg];
  if (order === undefined || !hasHighS(alg, signature)) return signature;
  const half = signature.length / 2;
  const fixed = new Uint8Array(signature.length);
  fixed.set(signature.subarray(0, half));
  fixed.set(toBytes(order - toBigInt(signature.subarray(half)), half), half);
  return fixed;
}
