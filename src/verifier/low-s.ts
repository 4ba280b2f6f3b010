/**
 * ECDSA signature malleability: for every signature `(r, s)` the twin `(r, n - s)` verifies too,
 * so one signed token has two spellings. The issuer emits only the low-S form (s ≤ n/2, as
 * Bitcoin and Ethereum require), and tokenmint's verifier refuses the high-S twin. Revocation and
 * caches are keyed on `iss` + `jti` anyway, so the twin could not escape a revocation either.
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

/** True when `signature` (base64url, IEEE P1363 `r || s`) is the high-S form for `alg`. */
export function isHighS(alg: string, signature: string): boolean {
  const order = ORDERS[alg];
  if (order === undefined) return false;
  const bytes = base64url.decode(signature);
  return toBigInt(bytes.subarray(bytes.length / 2)) > order / 2n;
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
  const order = ORDERS[alg];
  const dot = jws.lastIndexOf(".");
  const signature = jws.slice(dot + 1);
  if (order === undefined || !isHighS(alg, signature)) return jws;
  const bytes = base64url.decode(signature);
  const half = bytes.length / 2;
  const low = order - toBigInt(bytes.subarray(half));
  const fixed = new Uint8Array(bytes.length);
  fixed.set(bytes.subarray(0, half));
  fixed.set(toBytes(low, half), half);
  return `${jws.slice(0, dot + 1)}${base64url.encode(fixed)}`;
}
