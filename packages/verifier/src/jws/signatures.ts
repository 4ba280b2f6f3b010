/**
 * Signatures behind one small interface, so the verifier's JWS and claim checks (and the issuer's
 * signing) are written once and the cryptography comes from the runtime:
 *
 * - {@link webCryptoSignatures}: WebCrypto (`crypto.subtle`), keys imported by jose. Runs
 *   everywhere, Cloudflare Workers included; on Node every check is a round trip through the libuv
 *   thread pool.
 * - {@link nodeSignatures}: `node:crypto`'s one-shot `verify`, synchronous, on `KeyObject`s: no
 *   thread-pool round trip, so far more verifications per second on one Node thread.
 *
 * {@link defaultSignatures} picks the Node one where `process.getBuiltinModule("node:crypto")`
 * exists (Node ≥ 20.16, or another runtime that offers it) and the runtime is not a Worker, the
 * WebCrypto one otherwise.
 *
 * Both refuse what the other would: a key of the wrong type, curve or size for the `alg`, and an
 * ECDSA or EdDSA signature of the wrong length.
 *
 * @example
 * ```ts
 * const key = await defaultSignatures.importKey(jwk, "ES256");
 * const ok = await defaultSignatures.verify("ES256", key, signingInput, signatureBytes);
 * ```
 * @module
 */
import { importJWK, type JWK } from "jose";
import { algorithmOf, type JwsAlgorithm } from "./algorithms.js";

/** A public key prepared for one algorithm by the backend that will use it. */
export type VerificationKey = object;
/** A private key prepared for one algorithm by the backend that will use it. */
export type PrivateSigningKey = object;

/** Verifies JWS signatures for the verifier core. */
export interface SignatureBackend {
  /** `"node"` or `"webcrypto"`, for logs and tests. */
  readonly name: string;
  /**
   * Prepares the public members of a JWK for `alg`.
   *
   * @throws {TypeError} when the key does not fit `alg` (type, curve, RSA modulus under 2048 bits).
   */
  importKey(jwk: JWK, alg: string): Promise<VerificationKey>;
  /** Whether `signature` signs `signingInput` (the ASCII `header.payload`) under `key`. */
  verify(
    alg: string,
    key: VerificationKey,
    signingInput: string,
    signature: Uint8Array,
  ): boolean | Promise<boolean>;
  /** Prepares a private JWK for signing with `alg` (the issuer's own keys). */
  importSigningKey(jwk: JWK, alg: string): Promise<PrivateSigningKey>;
  /** Signs the ASCII `signingInput`; ECDSA signatures in IEEE P1363 form (`r || s`). */
  sign(alg: string, key: PrivateSigningKey, signingInput: string): Uint8Array | Promise<Uint8Array>;
}

function hasRightLength(alg: string, signature: Uint8Array): boolean {
  const length = algorithmOf(alg)?.signatureLength;
  return length === undefined || signature.length === length;
}

const encoder = new TextEncoder();

function webParams(alg: string): JwsAlgorithm["webCrypto"] {
  const entry = algorithmOf(alg);
  if (entry === undefined) throw new TypeError(`Unsupported algorithm ${alg}`);
  return entry.webCrypto;
}

/** WebCrypto signature checks (Workers, browsers, and Node when asked for). */
export const webCryptoSignatures: SignatureBackend = {
  name: "webcrypto",
  async importKey(jwk, alg) {
    const key = await importJWK(jwk, alg);
    if (key instanceof Uint8Array) throw new TypeError("The key is not a public signing key");
    const modulus = (key.algorithm as { modulusLength?: number }).modulusLength;
    if (modulus !== undefined && modulus < 2048) throw new TypeError("RSA keys need 2048 bits");
    return key;
  },
  verify(alg, key, signingInput, signature) {
    if (!hasRightLength(alg, signature)) return false;
    return crypto.subtle
      .verify(
        webParams(alg),
        key as CryptoKey,
        signature as Uint8Array<ArrayBuffer>,
        encoder.encode(signingInput),
      )
      .catch(() => false);
  },
  async importSigningKey(jwk, alg) {
    const key = await importJWK(jwk, alg);
    if (key instanceof Uint8Array) throw new TypeError("The key is not a private signing key");
    return key;
  },
  async sign(alg, key, signingInput) {
    const signed = await crypto.subtle.sign(
      webParams(alg),
      key as CryptoKey,
      encoder.encode(signingInput),
    );
    return new Uint8Array(signed);
  },
};

/** The parts of `node:crypto` the Node backend uses. */
interface NodeCrypto {
  createPublicKey(input: { key: JWK; format: "jwk" }): NodeKeyObject;
  createPrivateKey(input: { key: JWK; format: "jwk" }): NodeKeyObject;
  sign(
    algorithm: string | null,
    data: Uint8Array,
    key: { key: NodeKeyObject; dsaEncoding?: string; padding?: number; saltLength?: number },
  ): Uint8Array;
  verify(
    algorithm: string | null,
    data: Uint8Array,
    key: { key: NodeKeyObject; dsaEncoding?: string; padding?: number; saltLength?: number },
    signature: Uint8Array,
  ): boolean;
  readonly constants: { readonly RSA_PKCS1_PSS_PADDING: number };
}
interface NodeKeyObject {
  readonly asymmetricKeyType?: string;
  readonly asymmetricKeyDetails?: { readonly modulusLength?: number; readonly namedCurve?: string };
}
interface NodeKey {
  readonly hash: string | null;
  readonly options: {
    key: NodeKeyObject;
    dsaEncoding?: string;
    padding?: number;
    saltLength?: number;
  };
}

function nodeKeyFits(alg: string, key: NodeKeyObject): boolean {
  const entry = algorithmOf(alg);
  if (entry === undefined || key.asymmetricKeyType !== entry.nodeKeyType) return false;
  const details = key.asymmetricKeyDetails ?? {};
  if (entry.nodeCurve !== undefined) return details.namedCurve === entry.nodeCurve;
  return entry.kty !== "RSA" || (details.modulusLength ?? 0) >= 2048;
}

/** How `node:crypto` is called for `alg` with a key (hash, encoding, padding). */
function nodeKeyFor(alg: string, keyObject: NodeKeyObject, pssPadding: number): NodeKey {
  const entry = algorithmOf(alg);
  if (entry === undefined) throw new TypeError(`Unsupported algorithm ${alg}`);
  const hash = entry.nodeHash;
  if (entry.kty === "EC") return { hash, options: { key: keyObject, dsaEncoding: "ieee-p1363" } };
  if (entry.pssSaltLength !== undefined) {
    return {
      hash,
      options: { key: keyObject, padding: pssPadding, saltLength: entry.pssSaltLength },
    };
  }
  return { hash, options: { key: keyObject } };
}

function createNodeSignatures(nodeCrypto: NodeCrypto): SignatureBackend {
  const pss = nodeCrypto.constants.RSA_PKCS1_PSS_PADDING;
  const latin1 = (globalThis as { Buffer?: { from(s: string, e: string): Uint8Array } }).Buffer;
  const bytesOf = latin1
    ? (input: string) => latin1.from(input, "latin1")
    : (input: string) => encoder.encode(input);
  return {
    name: "node",
    async importKey(jwk, alg) {
      const keyObject = nodeCrypto.createPublicKey({ key: jwk, format: "jwk" });
      if (!nodeKeyFits(alg, keyObject)) throw new TypeError(`The key does not fit ${alg}`);
      return nodeKeyFor(alg, keyObject, pss);
    },
    async importSigningKey(jwk, alg) {
      const keyObject = nodeCrypto.createPrivateKey({ key: jwk, format: "jwk" });
      if (!nodeKeyFits(alg, keyObject)) throw new TypeError(`The key does not fit ${alg}`);
      return nodeKeyFor(alg, keyObject, pss);
    },
    sign(_alg, key, signingInput) {
      const { hash, options } = key as NodeKey;
      return nodeCrypto.sign(hash, bytesOf(signingInput), options);
    },
    verify(alg, key, signingInput, signature) {
      if (!hasRightLength(alg, signature)) return false;
      const { hash, options } = key as NodeKey;
      try {
        return nodeCrypto.verify(hash, bytesOf(signingInput), options, signature);
      } catch {
        return false;
      }
    },
  };
}

function builtinNodeCrypto(): NodeCrypto | undefined {
  const global = globalThis as {
    process?: { getBuiltinModule?: (id: string) => unknown };
    navigator?: { userAgent?: string };
  };
  if (global.navigator?.userAgent === "Cloudflare-Workers") return undefined;
  const nodeCrypto = global.process?.getBuiltinModule?.("node:crypto") as NodeCrypto | undefined;
  return typeof nodeCrypto?.verify === "function" &&
    typeof nodeCrypto.createPublicKey === "function"
    ? nodeCrypto
    : undefined;
}

const nodeCrypto = builtinNodeCrypto();

/** The `node:crypto` backend, or `undefined` where there is no `node:crypto`. */
export const nodeSignatures: SignatureBackend | undefined = nodeCrypto
  ? createNodeSignatures(nodeCrypto)
  : undefined;

/** The backend a verifier uses unless told otherwise. */
export const defaultSignatures: SignatureBackend = nodeSignatures ?? webCryptoSignatures;
