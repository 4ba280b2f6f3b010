/**
 * The issuer's in-process view of the signing keys kept in the store: the active signing key
 * (decrypted once per key), the published JWKS, and the verification keys. The view is refreshed
 * from the store at most every `refreshMs` (and at once on `refresh()`), so every instance sees a
 * rotation or revocation done by another within that bound.
 *
 * @example
 * ```ts
 * const keyring = createKeyring({ store, keks, algorithm: "ES256", clock });
 * await keyring.ensureActiveKey();
 * const { kid, privateKey } = await keyring.signingKey();
 * ```
 * @module
 */
import { importJWK, type JWK, type JWTVerifyGetKey } from "jose";
import { type Clock, epochSeconds } from "../clock.js";
import type { SigningAlgorithm } from "../config/config.js";
import { StoreUnavailable } from "../errors.js";
import type { Store, StoredKey } from "../store/types.js";
import { KeyUnknown } from "../verifier/errors.js";
import { generateSigningKey } from "./generate-key.js";
import { decryptPrivateJwk, type KekRing } from "./kek.js";

/** The key that signs now. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: string;
  readonly privateKey: CryptoKey;
}

/** A published JSON Web Key Set. */
export interface JsonWebKeySet {
  readonly keys: readonly JWK[];
}

/** Options of {@link createKeyring}. */
export interface KeyringOptions {
  readonly store: Store;
  readonly keks: KekRing;
  readonly algorithm: SigningAlgorithm;
  readonly clock: Clock;
  /** How long a loaded view is trusted before it is read again (default 5000 ms). */
  readonly refreshMs?: number;
}

/** The keyring of {@link createKeyring}. */
export interface Keyring {
  /** Generates an active key when the store has none (one instance wins the race). */
  ensureActiveKey(): Promise<void>;
  /** The active signing key. */
  signingKey(): Promise<SigningKey>;
  /** The public keys to publish (next, active and retired keys; never revoked ones). */
  jwks(): Promise<JsonWebKeySet>;
  /** Key lookup for verifying this issuer's own tokens and status lists. */
  readonly getKey: JWTVerifyGetKey;
  /** The algorithms of the published keys. */
  algorithms(): Promise<string[]>;
  /** Reads the keys from the store now. */
  refresh(): Promise<void>;
}

interface View {
  readonly loadedAt: number;
  readonly keys: readonly StoredKey[];
  readonly jwks: JsonWebKeySet;
  readonly active: StoredKey | undefined;
}

const PUBLISHED = new Set(["next", "active", "retired"]);

/**
 * Creates the keyring over a store.
 *
 * @example
 * ```ts
 * const keyring = createKeyring({ store, keks, algorithm: "ES256", clock: Date.now });
 * ```
 */
export function createKeyring(options: KeyringOptions): Keyring {
  const refreshMs = options.refreshMs ?? 5000;
  let view: View | undefined;
  let loading: Promise<View> | undefined;
  const privateKeys = new Map<string, Promise<CryptoKey>>();
  const publicKeys = new Map<string, Promise<CryptoKey>>();

  async function load(): Promise<View> {
    // The epoch check makes a Redis that came back empty fail closed here too.
    const [keys] = await Promise.all([options.store.listKeys(), options.store.ping()]);
    const published = keys
      .filter((key) => PUBLISHED.has(key.state))
      .sort((a, b) => b.createdAt - a.createdAt);
    const active = keys
      .filter((key) => key.state === "active")
      .sort((a, b) => (b.activatedAt ?? 0) - (a.activatedAt ?? 0))[0];
    return {
      loadedAt: options.clock(),
      keys,
      jwks: { keys: published.map((key) => ({ ...key.publicJwk }) as JWK) },
      active,
    };
  }

  async function current(): Promise<View> {
    if (view && options.clock() - view.loadedAt < refreshMs) return view;
    return reload();
  }

  function reload(): Promise<View> {
    loading ??= load()
      .then((loaded) => {
        view = loaded;
        return loaded;
      })
      .finally(() => {
        loading = undefined;
      });
    return loading;
  }

  function importPublic(key: StoredKey): Promise<CryptoKey> {
    let imported = publicKeys.get(key.kid);
    if (!imported) {
      imported = importJWK(key.publicJwk as JWK, key.alg) as Promise<CryptoKey>;
      publicKeys.set(key.kid, imported);
    }
    return imported;
  }

  const getKey: JWTVerifyGetKey = async (header) => {
    const { keys } = await current();
    const key = keys.find(
      (candidate) =>
        candidate.kid === header.kid &&
        candidate.alg === header.alg &&
        PUBLISHED.has(candidate.state),
    );
    if (!key) throw new KeyUnknown();
    return importPublic(key);
  };

  return {
    async ensureActiveKey() {
      const { active } = await reload();
      if (active) return;
      const key = await generateSigningKey(
        options.algorithm,
        options.keks,
        "active",
        epochSeconds(options.clock),
      );
      await options.store.addKey(key, true);
      await reload();
    },
    async signingKey() {
      const { active } = await current();
      if (!active) throw new StoreUnavailable("No active signing key");
      let privateKey = privateKeys.get(active.kid);
      if (!privateKey) {
        privateKey = decryptPrivateJwk(active.privateJwe, options.keks).then(
          (jwk) => importJWK(jwk, active.alg) as Promise<CryptoKey>,
        );
        privateKey.catch(() => privateKeys.delete(active.kid));
        privateKeys.set(active.kid, privateKey);
      }
      return { kid: active.kid, alg: active.alg, privateKey: await privateKey };
    },
    async jwks() {
      return (await current()).jwks;
    },
    getKey,
    async algorithms() {
      const { keys } = await current();
      return [...new Set(keys.filter((key) => PUBLISHED.has(key.state)).map((key) => key.alg))];
    },
    async refresh() {
      await reload();
    },
  };
}
