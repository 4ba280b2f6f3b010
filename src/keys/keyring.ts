/**
 * The issuer's in-process view of the signing keys kept in the store: the active signing key
 * (decrypted once per key), the published JWKS (`next`, `active` and `retired` keys), and the
 * verification keys. The view is re-read when it is older than `refreshMs` (default 5 s) at the
 * time it is used, at once on `refresh()`, and at once on every notice of a {@link KeyChangeFeed}
 * (Redis pub/sub) given to `watch()`: another instance's rotation or revocation is seen within
 * milliseconds while the feed is connected, and within `refreshMs` in any case.
 *
 * Signing does not rely on that bound: every signature first passes the store's atomic gate
 * ({@link KeyringStore.noteKeyUse}), which also records the token's `exp` as the key's latest; a
 * key that another instance retired or revoked fails the gate, and the view is re-read before a
 * retry.
 *
 * @example
 * ```ts
 * const keyring = createKeyring({ store, keks, algorithm: "ES256", clock });
 * await keyring.ensureActiveKey();
 * const signing = await keyring.signingKey();
 * const jwt = await signJwt(signing, "at+jwt", claims);
 * ```
 * @module
 */
import { KeyUnknown } from "@tokenmint/verifier";
import {
  defaultSignatures,
  type KeyLookup,
  type PrivateSigningKey,
  type SignatureBackend,
  toLowSSignature,
  type VerificationKey,
} from "@tokenmint/verifier/jws";
import type { JWK } from "jose";
import { type Clock, epochSeconds } from "../clock.js";
import type { SigningAlgorithm } from "../config/config.js";
import { StoreUnavailable } from "../errors.js";
import type {
  KeyChangeFeed,
  KeyringStore,
  KeyState,
  StoredKey,
  StoreLifecycle,
} from "../store/types.js";
import { generateSigningKey } from "./generate-key.js";
import { decryptPrivateJwk, type KekRing } from "./kek.js";

/** The default bound on the age of the view, in milliseconds. */
export const DEFAULT_KEY_REFRESH_MS = 5000;

/** How often signing re-reads the keyring when the gate refuses the key it holds. */
const SIGNING_ATTEMPTS = 3;

/** The key that signs now. */
export interface SigningKey {
  readonly kid: string;
  readonly alg: string;
  /** Signs an ASCII JWS signing input (ECDSA signatures in low-S, IEEE P1363 form). */
  sign(signingInput: string): Promise<Uint8Array>;
}

/** A published JSON Web Key Set. */
export interface JsonWebKeySet {
  readonly keys: readonly JWK[];
}

/** Options of {@link createKeyring}. */
export interface KeyringOptions {
  /** The keys, and the epoch check every load makes. */
  readonly store: KeyringStore & Pick<StoreLifecycle, "ping">;
  readonly keks: KekRing;
  readonly algorithm: SigningAlgorithm;
  readonly clock: Clock;
  /** How long a loaded view is trusted before it is read again (default 5000 ms). */
  readonly refreshMs?: number;
  /** Who checks this issuer's own signatures (default: `node:crypto` on Node, else WebCrypto). */
  readonly signatures?: SignatureBackend;
}

/** The keyring of {@link createKeyring}. */
export interface Keyring {
  /** Generates an active key when the store has none (one instance wins the race). */
  ensureActiveKey(): Promise<void>;
  /**
   * The active signing key, once the store's gate confirmed it is still active; `exp` (seconds,
   * or null for a token without expiry) is recorded as the key's latest when it is later.
   *
   * `gate`, when given, asks the store's gate for the first key tried (a caller that sends it
   * together with other work, as a mint's first round trip does); later tries ask the store.
   *
   * @throws {StoreUnavailable} when no key is active or the store cannot answer.
   */
  signingKey(use?: {
    readonly exp?: number | null;
    readonly gate?: (kid: string) => Promise<boolean>;
  }): Promise<SigningKey>;
  /** The public keys to publish (next, active and retired keys; never revoked ones). */
  jwks(): Promise<JsonWebKeySet>;
  /** Key lookup for verifying this issuer's own tokens (keys for {@link Keyring.signatures}). */
  readonly getKey: KeyLookup;
  /** The signature backend {@link Keyring.getKey}'s keys belong to. */
  readonly signatures: SignatureBackend;
  /** The algorithms of the published keys. */
  algorithms(): Promise<string[]>;
  /** Reads the keys from the store now. */
  refresh(): Promise<void>;
  /** Re-reads the keys at once on every notice of `feed` (pub/sub); polling stays the fallback. */
  watch(feed: KeyChangeFeed): void;
  /** Generates a key in `state` with the configured algorithm, encrypted under the newest KEK. */
  generateKey(state: KeyState): Promise<StoredKey>;
}

interface View {
  readonly loadedAt: number;
  /** The notice count when the load began; an older one means a change was announced since. */
  readonly notices: number;
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
  const refreshMs = options.refreshMs ?? DEFAULT_KEY_REFRESH_MS;
  let view: View | undefined;
  let notices = 0;
  let loading: Promise<View> | undefined;
  const privateKeys = new Map<string, Promise<PrivateSigningKey>>();
  const publicKeys = new Map<string, Promise<VerificationKey>>();
  const signatures = options.signatures ?? defaultSignatures;

  async function load(): Promise<View> {
    const seen = notices;
    const startedAt = options.clock();
    // The epoch check makes a Redis that came back empty fail closed here too.
    const [{ keys }] = await Promise.all([options.store.readKeyring(), options.store.ping()]);
    const published = keys
      .filter((key) => PUBLISHED.has(key.state))
      .sort((a, b) => b.createdAt - a.createdAt);
    const active = keys
      .filter((key) => key.state === "active")
      .sort((a, b) => (b.activatedAt ?? 0) - (a.activatedAt ?? 0))[0];
    for (const kid of privateKeys.keys()) {
      if (kid !== active?.kid) privateKeys.delete(kid);
    }
    return {
      loadedAt: startedAt,
      notices: seen,
      keys,
      jwks: { keys: published.map((key) => ({ ...key.publicJwk }) as JWK) },
      active,
    };
  }

  async function current(): Promise<View> {
    if (view && view.notices === notices && options.clock() - view.loadedAt < refreshMs) {
      return view;
    }
    return fresh();
  }

  /** A view loaded after every notice so far (a load already under way may predate one). */
  async function fresh(): Promise<View> {
    const loaded = await reload();
    return loaded.notices === notices ? loaded : reload();
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

  function importPublic(key: StoredKey): Promise<VerificationKey> {
    let imported = publicKeys.get(key.kid);
    if (!imported) {
      imported = signatures.importKey(key.publicJwk as JWK, key.alg);
      publicKeys.set(key.kid, imported);
    }
    return imported;
  }

  const getKey: KeyLookup = async (header) => {
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

  async function unlock(active: StoredKey): Promise<SigningKey> {
    let privateKey = privateKeys.get(active.kid);
    if (!privateKey) {
      const jwe = active.privateJwe;
      if (jwe === undefined) throw new StoreUnavailable("The active key has no private key");
      privateKey = decryptPrivateJwk(jwe, options.keks).then((jwk) =>
        signatures.importSigningKey(jwk, active.alg),
      );
      privateKey.catch(() => privateKeys.delete(active.kid));
      privateKeys.set(active.kid, privateKey);
    }
    const key = await privateKey;
    const { kid, alg } = active;
    return {
      kid,
      alg,
      sign: async (signingInput) =>
        toLowSSignature(alg, await signatures.sign(alg, key, signingInput)),
    };
  }

  function generateKey(state: KeyState): Promise<StoredKey> {
    return generateSigningKey(options.algorithm, options.keks, state, epochSeconds(options.clock));
  }

  return {
    async ensureActiveKey() {
      const { active } = await fresh();
      if (active) return;
      await options.store.addKey(await generateKey("active"), true);
      notices += 1;
      await fresh();
    },
    async signingKey(use = {}) {
      for (let attempt = 0; attempt < SIGNING_ATTEMPTS; attempt++) {
        const { active } = attempt === 0 ? await current() : await fresh();
        if (!active) throw new StoreUnavailable("No active signing key");
        // The gate: refuses a key another instance retired or revoked since this view was read.
        const noted =
          attempt === 0 && use.gate
            ? await use.gate(active.kid)
            : await options.store.noteKeyUse(active.kid, use.exp);
        if (noted) return unlock(active);
      }
      throw new StoreUnavailable("The signing key kept changing; retry");
    },
    async jwks() {
      return (await current()).jwks;
    },
    getKey,
    signatures,
    async algorithms() {
      const { keys } = await current();
      return [...new Set(keys.filter((key) => PUBLISHED.has(key.state)).map((key) => key.alg))];
    },
    async refresh() {
      notices += 1;
      await fresh();
    },
    watch(feed) {
      feed.subscribe(() => {
        notices += 1;
        // Re-read now; a failure leaves the view stale, so the next use re-reads it.
        fresh().catch(() => undefined);
      });
    },
    generateKey,
  };
}
