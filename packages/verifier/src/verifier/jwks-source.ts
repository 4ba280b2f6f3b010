/**
 * The issuer's public keys, fetched from its JWKS URI with the injected `fetch` and clock (or
 * given statically), cached, and refreshed:
 *
 * - when the cached set is older than `maxAgeSeconds` (default 300), on the next verification;
 * - when a token names a `kid` the cached set lacks (key rotation), at most once per
 *   `cooldownSeconds` (default 30), so unknown kids cannot cause a refetch storm;
 * - single-flight: concurrent callers share one request.
 *
 * A failed refresh keeps the cached keys in use until they are `staleIfErrorSeconds` (default
 * 86,400 = 24 h) older than the last successful fetch; after that verification fails closed with
 * `keys_unavailable` (503). Failed attempts are retried at most once per cooldown.
 *
 * Key revocation: the issuer drops a revoked key from its JWKS. The verifier stops accepting it
 * at the first refresh after that, i.e. at most `maxAgeSeconds` after the removal while the JWKS
 * endpoint answers (`maxAgeSeconds + cooldownSeconds` if a refresh attempt had just failed), and
 * at most `staleIfErrorSeconds` after the last successful fetch while it does not.
 *
 * @example
 * ```ts
 * const keys = createJwksSource({ jwksUri: "https://tokens.example.com/.well-known/jwks.json" });
 * await jwtVerify(jws, keys.getKey, { algorithms: ["ES256"] });
 * ```
 * @module
 */
import type { JSONWebKeySet, JWK } from "jose";
import { KeysUnavailable, KeyUnknown } from "../errors.js";
import {
  checkVerificationJwk,
  isUsableVerificationJwk,
  jwkFitsAlgorithm,
} from "../jws/jwk-checks.js";
import {
  defaultSignatures,
  type SignatureBackend,
  type VerificationKey,
} from "../jws/signatures.js";
import { globalFetch, readBodyCapped } from "../lib/read-body.js";

/** The JWKS cache defaults. */
export const JWKS_DEFAULTS = {
  maxAgeSeconds: 300,
  cooldownSeconds: 30,
  staleIfErrorSeconds: 86_400,
  maxBytes: 256 * 1024,
} as const;

/** Where the keys come from and how long they are trusted. */
export interface JwksSourceOptions {
  /** URI of the issuer's JWKS (fetched); or give `jwks`. */
  readonly jwksUri?: string;
  /** A static key set (never refreshed). */
  readonly jwks?: JSONWebKeySet;
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  readonly maxAgeSeconds?: number;
  readonly cooldownSeconds?: number;
  readonly staleIfErrorSeconds?: number;
  /** Largest JWKS response accepted, in bytes (default 256 KiB). */
  readonly maxBytes?: number;
  /** Who imports the keys (and later checks signatures with them). */
  readonly signatures?: SignatureBackend;
}

/** A key resolver for {@link verifyJws}. */
export interface JwksSource {
  /**
   * The key for `kid` + `alg`, refreshing the set when it is old or lacks the `kid`.
   *
   * @throws {KeyUnknown}, {@link KeysUnavailable}.
   */
  getKey(header: { alg?: string; kid?: string }): Promise<VerificationKey>;
  /** The same key without waiting, when the set is fresh and the key already imported. */
  peekKey(kid: string, alg: string): VerificationKey | undefined;
}

interface KeySet {
  readonly keys: readonly (JWK & { kid: string })[];
  readonly fetchedAt: number;
}

function usableKeys(jwks: unknown): KeySet["keys"] {
  const keys = (jwks as { keys?: unknown } | null)?.keys;
  if (!Array.isArray(keys)) throw new TypeError("Not a JWK Set");
  return keys.filter(isUsableVerificationJwk);
}

/**
 * Creates the key resolver.
 *
 * @example
 * ```ts
 * const keys = createJwksSource({ jwks: { keys: [publicJwk] } });
 * ```
 */
export function createJwksSource(options: JwksSourceOptions): JwksSource {
  const now = options.now ?? Date.now;
  const fetchFn = options.fetch ?? globalFetch;
  const maxAge = (options.maxAgeSeconds ?? JWKS_DEFAULTS.maxAgeSeconds) * 1000;
  const cooldown = (options.cooldownSeconds ?? JWKS_DEFAULTS.cooldownSeconds) * 1000;
  const staleIfError = (options.staleIfErrorSeconds ?? JWKS_DEFAULTS.staleIfErrorSeconds) * 1000;
  const maxBytes = options.maxBytes ?? JWKS_DEFAULTS.maxBytes;
  const signatures = options.signatures ?? defaultSignatures;
  const imported = new Map<string, Promise<VerificationKey>>();
  /** Imported keys by `kid`, then `alg`: what {@link JwksSource.peekKey} answers from. */
  const ready = new Map<string, Map<string, VerificationKey>>();
  let current: KeySet | undefined = options.jwks
    ? { keys: usableKeys(options.jwks), fetchedAt: Number.POSITIVE_INFINITY }
    : undefined;
  let lastAttempt = Number.NEGATIVE_INFINITY;
  let lastError: unknown;
  let inflight: Promise<void> | undefined;

  async function download(uri: string): Promise<KeySet["keys"]> {
    const response = await fetchFn(uri, {
      headers: { accept: "application/jwk-set+json, application/json" },
      redirect: "manual",
    });
    if (response.status !== 200) {
      void response.body?.cancel().catch(() => undefined);
      throw new Error(`JWKS endpoint answered ${response.status}`);
    }
    return usableKeys(JSON.parse(await readBodyCapped(response, maxBytes)));
  }

  function refresh(): Promise<void> {
    const uri = options.jwksUri;
    if (options.jwks || uri === undefined) return Promise.resolve();
    if (inflight) return inflight;
    if (now() - lastAttempt < cooldown) return Promise.resolve();
    lastAttempt = now();
    inflight = download(uri)
      .then((keys) => {
        current = { keys, fetchedAt: now() };
        imported.clear();
        ready.clear();
        lastError = undefined;
      })
      .catch((error: unknown) => {
        lastError = error;
      })
      .finally(() => {
        inflight = undefined;
      });
    return inflight;
  }

  function trusted(): KeySet {
    if (!current || now() - current.fetchedAt > staleIfError) {
      throw new KeysUnavailable(undefined, { cause: lastError });
    }
    return current;
  }

  function find(set: KeySet, kid: string, alg: string): (JWK & { kid: string }) | undefined {
    const matches = set.keys.filter((key) => key.kid === kid && jwkFitsAlgorithm(key, alg));
    return matches.length === 1 ? matches[0] : undefined;
  }

  return {
    async getKey(header) {
      const { kid, alg } = header;
      if (typeof kid !== "string" || typeof alg !== "string") throw new KeyUnknown();
      if (!current || now() - current.fetchedAt >= maxAge) await refresh();
      let jwk = find(trusted(), kid, alg);
      if (!jwk) {
        await refresh();
        jwk = find(trusted(), kid, alg);
      }
      if (!jwk) throw new KeyUnknown();
      const cacheKey = `${kid}\u0000${alg}`;
      let key = imported.get(cacheKey);
      if (!key) {
        const importing = Promise.resolve()
          .then(() => signatures.importKey(checkVerificationJwk(jwk, alg), alg))
          .then((done) => {
            if (imported.get(cacheKey) === importing) {
              const byAlg = ready.get(kid) ?? new Map<string, VerificationKey>();
              ready.set(kid, byAlg.set(alg, done));
            }
            return done;
          });
        key = importing;
        imported.set(cacheKey, key);
        key.catch(() => imported.delete(cacheKey));
      }
      return key.catch(() => {
        throw new KeyUnknown();
      });
    },
    peekKey(kid, alg) {
      if (!current || now() - current.fetchedAt >= maxAge) return undefined;
      return ready.get(kid)?.get(alg);
    },
  };
}
