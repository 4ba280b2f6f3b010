/**
 * KEK rotation: re-encrypts every stored private key under the newest KEK (the first of
 * `TOKENMINT_KEK`). Keys are decrypted with whichever configured KEK their JWE names, so the old
 * KEK must still be configured (second) while this runs; afterwards it can be removed. The write
 * is one compare-and-set on the keyring, planned again if a rotation happened meanwhile, so it is
 * safe while issuers run. Revoked keys have no private key left and are skipped.
 *
 * @example
 * ```ts
 * const { rekeyed } = await rekeyPrivateKeys(store, await importKeks([newKek, oldKek]));
 * ```
 * @module
 */
import type { KeyringStore } from "../store/types.js";
import { decryptPrivateJwk, encryptPrivateJwk, isUnderNewestKek, type KekRing } from "./kek.js";

/** What a rekey did. */
export interface RekeyResult {
  /** Keys now re-encrypted under the newest KEK. */
  readonly rekeyed: readonly string[];
  /** Keys that already were. */
  readonly current: readonly string[];
  /** The newest KEK's id. */
  readonly kek: string;
}

const ATTEMPTS = 5;

/**
 * Re-encrypts every private key under `keks[0]`.
 *
 * @throws {Error} naming the key whose KEK is not configured (nothing is written then).
 * @throws {StoreUnavailable} when the store cannot be reached.
 */
export async function rekeyPrivateKeys(store: KeyringStore, keks: KekRing): Promise<RekeyResult> {
  const newest = keks[0];
  if (!newest) throw new Error("No key-encryption key configured");
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const { version, keys } = await store.readKeyring();
    const rekeyed = [];
    const current: string[] = [];
    for (const key of keys) {
      if (key.privateJwe === undefined) continue;
      if (isUnderNewestKek(key.privateJwe, keks)) {
        current.push(key.kid);
        continue;
      }
      let jwk: Awaited<ReturnType<typeof decryptPrivateJwk>>;
      try {
        jwk = await decryptPrivateJwk(key.privateJwe, keks);
      } catch (error) {
        throw new Error(`Key ${key.kid}: ${(error as Error).message}`);
      }
      rekeyed.push({ ...key, privateJwe: await encryptPrivateJwk(jwk, keks) });
    }
    if (rekeyed.length === 0) return { rekeyed: [], current, kek: newest.id };
    if (await store.updateKeys(version, { put: rekeyed, remove: [] })) {
      return { rekeyed: rekeyed.map((key) => key.kid), current, kek: newest.id };
    }
  }
  throw new Error("The keyring kept changing; run the rekey again");
}
