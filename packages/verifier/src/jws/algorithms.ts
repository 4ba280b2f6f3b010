/**
 * The one table of the JWS algorithms tokenmint's verifier can accept: for each `alg`, the JWK
 * that fits it, how WebCrypto and `node:crypto` compute it, the fixed signature length, and for
 * ECDSA the curve order that defines the low-S form. Key checks, both signature backends and the
 * low-S rule all read this table, so an algorithm is either fully supported or not accepted.
 *
 * @example
 * ```ts
 * algorithmOf("ES384")?.signatureLength; // 96 (IEEE P1363 r || s, 48 bytes each)
 * ```
 * @module
 */

/** How one JWS algorithm is keyed and computed. */
export interface JwsAlgorithm {
  /** The JWS `alg`. */
  readonly alg: string;
  /** The JWK key type that fits it. */
  readonly kty: "EC" | "RSA" | "OKP";
  /** The JWK curve (`crv`) that fits it, for EC and OKP keys. */
  readonly crv?: string;
  /** WebCrypto's algorithm parameters for `sign` and `verify`. */
  readonly webCrypto: {
    readonly name: string;
    readonly hash?: string;
    readonly saltLength?: number;
  };
  /** `node:crypto`'s `asymmetricKeyType` of a fitting key. */
  readonly nodeKeyType: "ec" | "rsa" | "ed25519";
  /** `node:crypto`'s `namedCurve` of a fitting EC key. */
  readonly nodeCurve?: string;
  /** The digest `node:crypto` is given (`null` for EdDSA, which hashes internally). */
  readonly nodeHash: string | null;
  /** RSA-PSS salt length in bytes (the digest length, RFC 7518 section 3.5). */
  readonly pssSaltLength?: number;
  /** The signature length the algorithm fixes, in bytes (ECDSA as IEEE P1363 `r || s`). */
  readonly signatureLength?: number;
  /** The ECDSA curve order `n`: `(r, n - s)` verifies as well as `(r, s)`. */
  readonly curveOrder?: bigint;
}

function ecdsa(alg: string, crv: string, nodeCurve: string, bits: number, half: number, n: bigint) {
  return {
    alg,
    kty: "EC",
    crv,
    webCrypto: { name: "ECDSA", hash: `SHA-${bits}` },
    nodeKeyType: "ec",
    nodeCurve,
    nodeHash: `sha${bits}`,
    signatureLength: 2 * half,
    curveOrder: n,
  } as const satisfies JwsAlgorithm;
}

function rsa(alg: string, bits: number, pss: boolean): JwsAlgorithm {
  return {
    alg,
    kty: "RSA",
    // RSASSA-PKCS1-v1_5 takes its hash from the imported key (jose imports it for the `alg`).
    webCrypto: pss ? { name: "RSA-PSS", saltLength: bits / 8 } : { name: "RSASSA-PKCS1-v1_5" },
    nodeKeyType: "rsa",
    nodeHash: `sha${bits}`,
    ...(pss ? { pssSaltLength: bits / 8 } : {}),
  };
}

function eddsa(alg: string): JwsAlgorithm {
  return {
    alg,
    kty: "OKP",
    crv: "Ed25519",
    webCrypto: { name: "Ed25519" },
    nodeKeyType: "ed25519",
    nodeHash: null,
    signatureLength: 64,
  };
}

/** The table: every algorithm a verifier can accept, and nothing else. */
export const JWS_ALGORITHMS: readonly JwsAlgorithm[] = [
  // Curve orders from SEC 2 (FIPS 186-4 D.1.2); P-521's 521-bit values take 66 bytes.
  ecdsa(
    "ES256",
    "P-256",
    "prime256v1",
    256,
    32,
    0xffffffff00000000ffffffffffffffffbce6faada7179e84f3b9cac2fc632551n,
  ),
  ecdsa(
    "ES384",
    "P-384",
    "secp384r1",
    384,
    48,
    0xffffffffffffffffffffffffffffffffffffffffffffffffc7634d81f4372ddf581a0db248b0a77aecec196accc52973n,
  ),
  ecdsa(
    "ES512",
    "P-521",
    "secp521r1",
    512,
    66,
    0x01fffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffa51868783bf2f966b7fcc0148f709a5d03bb5c9b8899c47aebb6fb71e91386409n,
  ),
  eddsa("EdDSA"),
  eddsa("Ed25519"),
  rsa("RS256", 256, false),
  rsa("RS384", 384, false),
  rsa("RS512", 512, false),
  rsa("PS256", 256, true),
  rsa("PS384", 384, true),
  rsa("PS512", 512, true),
];

const BY_ALG: ReadonlyMap<string, JwsAlgorithm> = new Map(
  JWS_ALGORITHMS.map((entry) => [entry.alg, entry]),
);

/** Every algorithm a verifier can be configured to accept (asymmetric signatures only). */
export const ASYMMETRIC_ALGORITHMS: readonly string[] = JWS_ALGORITHMS.map((entry) => entry.alg);

/**
 * The table entry of `alg`, or `undefined` for anything not in the table (`none`, HMACs, typos).
 *
 * @example
 * ```ts
 * algorithmOf("PS256")?.pssSaltLength; // 32
 * algorithmOf("HS256"); // undefined
 * ```
 */
export function algorithmOf(alg: string): JwsAlgorithm | undefined {
  return BY_ALG.get(alg);
}
