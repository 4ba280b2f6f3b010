/**
 * Generates a signing key and wraps its private half for storage.
 * @module
 */
import { calculateJwkThumbprint, exportJWK, generateKeyPair } from "jose";
import type { SigningAlgorithm } from "../config/config.js";
import type { KeyState, StoredKey } from "../store/types.js";
import { encryptPrivateJwk, type KekRing } from "./kek.js";

/**
 * Generates a key pair for `alg` and returns it as a {@link StoredKey} whose `kid` is the RFC 7638
 * thumbprint of the public key and whose private JWK is encrypted under the newest KEK.
 *
 * @example
 * ```ts
 * const key = await generateSigningKey("ES256", keks, "active", 1700000000);
 * ```
 */
export async function generateSigningKey(
  alg: SigningAlgorithm,
  keks: KekRing,
  state: KeyState,
  nowSeconds: number,
): Promise<StoredKey> {
  const options = alg.startsWith("RS") || alg.startsWith("PS") ? { modulusLength: 2048 } : {};
  const { publicKey, privateKey } = await generateKeyPair(alg, { ...options, extractable: true });
  const publicJwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(publicJwk);
  const privateJwk = await exportJWK(privateKey);
  return {
    kid,
    alg,
    state,
    publicJwk: { ...publicJwk, kid, alg, use: "sig" },
    privateJwe: await encryptPrivateJwk({ ...privateJwk, kid, alg }, keks),
    createdAt: nowSeconds,
    ...(state === "active" ? { activatedAt: nowSeconds } : {}),
  };
}
