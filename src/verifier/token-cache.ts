/**
 * A bounded LRU of verified tokens, keyed on `iss` + `jti` (never the raw token). An entry also
 * holds the exact JWS it was made from, so a different token that merely claims the same `jti`
 * (an unsigned forgery, say) misses the cache and goes through full verification. (Comparing the
 * string itself costs nothing; an earlier SHA-256 digest went through WebCrypto's thread pool on
 * every hit and made the cache ten times slower.)
 * An entry lives until the token's `exp` or `maxAgeSeconds` (default 300) after it was verified,
 * whichever is first. Hits still re-check the signing key and the status list (see the verifier).
 *
 * @example
 * ```ts
 * const cache = createTokenCache({ maxEntries: 10_000 });
 * cache.set({ claims, header: { alg, kid }, jws }, Date.now());
 * ```
 * @module
 */
import type { AccessTokenClaims } from "./claims.js";

/** The token cache defaults. */
export const TOKEN_CACHE_DEFAULTS = { maxEntries: 10_000, maxAgeSeconds: 300 } as const;

/** Size and age limits of the verified-token cache. */
export interface TokenCacheOptions {
  readonly maxEntries?: number;
  readonly maxAgeSeconds?: number;
}

/** A cached verification. */
export interface CachedToken {
  readonly claims: AccessTokenClaims;
  readonly header: { readonly alg: string; readonly kid: string };
  /** The exact compact JWS that was verified. */
  readonly jws: string;
  readonly until: number;
}

/** The cache. */
export interface TokenCache {
  get(iss: string, jti: string, jws: string, nowMs: number): CachedToken | undefined;
  set(entry: Omit<CachedToken, "until">, nowMs: number): void;
}

/**
 * Creates an empty cache.
 *
 * @example
 * ```ts
 * const cache = createTokenCache({ maxEntries: 1000, maxAgeSeconds: 60 });
 * ```
 */
export function createTokenCache(options: TokenCacheOptions = {}): TokenCache {
  const maxEntries = options.maxEntries ?? TOKEN_CACHE_DEFAULTS.maxEntries;
  const maxAge = (options.maxAgeSeconds ?? TOKEN_CACHE_DEFAULTS.maxAgeSeconds) * 1000;
  const entries = new Map<string, CachedToken>();
  const keyOf = (iss: string, jti: string) => `${iss}\u0000${jti}`;

  return {
    get(iss, jti, jws, nowMs) {
      const key = keyOf(iss, jti);
      const entry = entries.get(key);
      if (!entry) return undefined;
      if (nowMs >= entry.until) {
        entries.delete(key);
        return undefined;
      }
      if (entry.jws !== jws) return undefined;
      entries.delete(key);
      entries.set(key, entry);
      return entry;
    },
    set(entry, nowMs) {
      const exp =
        entry.claims.exp === undefined ? Number.POSITIVE_INFINITY : entry.claims.exp * 1000;
      const until = Math.min(exp, nowMs + maxAge);
      if (until <= nowMs || maxEntries <= 0) return;
      const key = keyOf(entry.claims.iss, entry.claims.jti);
      entries.delete(key);
      entries.set(key, { ...entry, until });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value as string;
        entries.delete(oldest);
      }
    },
  };
}
