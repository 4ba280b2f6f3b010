/**
 * Key-encryption keys (KEKs): private signing keys are stored only as compact JWEs (`A256KW` +
 * `A256GCM`) under a KEK from the environment. Several KEKs may be configured: the first
 * encrypts, any of them decrypts (picked by the JWE `kid`), so the KEK itself can rotate.
 *
 * @example
 * ```ts
 * const keks = await importKeks(["<43 base64url chars>"]);
 * const jwe = await encryptPrivateJwk(privateJwk, keks);
 * const jwk = await decryptPrivateJwk(jwe, keks);
 * ```
 * @module
 */
import { base64url, CompactEncrypt, compactDecrypt, decodeProtectedHeader, type JWK } from "jose";

/** An imported KEK and its id (a short hash of the key, safe to store). */
export interface Kek {
  readonly id: string;
  readonly key: Uint8Array;
}

/** The ordered KEKs: `[0]` encrypts. */
export type KekRing = readonly Kek[];

/** Imports base64url KEKs (32 bytes each), newest first. */
export async function importKeks(encoded: readonly string[]): Promise<KekRing> {
  return Promise.all(
    encoded.map(async (value) => {
      const key = new Uint8Array(base64url.decode(value));
      if (key.length !== 32) throw new Error("A key-encryption key must be 32 bytes");
      const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", key));
      return { id: `kek-${base64url.encode(digest.slice(0, 9))}`, key };
    }),
  );
}

/** Encrypts a private JWK under the newest KEK. */
export async function encryptPrivateJwk(jwk: JWK, keks: KekRing): Promise<string> {
  const kek = keks[0];
  if (!kek) throw new Error("No key-encryption key configured");
  return new CompactEncrypt(new TextEncoder().encode(JSON.stringify(jwk)))
    .setProtectedHeader({ alg: "A256KW", enc: "A256GCM", kid: kek.id, cty: "jwk+json" })
    .encrypt(kek.key);
}

/** Decrypts a private JWK with whichever configured KEK its `kid` names. */
export async function decryptPrivateJwk(jwe: string, keks: KekRing): Promise<JWK> {
  const { kid } = decodeProtectedHeader(jwe);
  const kek = keks.find((candidate) => candidate.id === kid);
  if (!kek) throw new Error(`No configured key-encryption key matches ${String(kid)}`);
  const { plaintext } = await compactDecrypt(jwe, kek.key, {
    keyManagementAlgorithms: ["A256KW"],
    contentEncryptionAlgorithms: ["A256GCM"],
  });
  return JSON.parse(new TextDecoder().decode(plaintext)) as JWK;
}

/** True when the JWE was encrypted under the newest KEK. */
export function isUnderNewestKek(jwe: string, keks: KekRing): boolean {
  return decodeProtectedHeader(jwe).kid === keks[0]?.id;
}
