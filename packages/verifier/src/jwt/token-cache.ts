/**
 * A bounded cache of verified tokens; when full, the entry verified longest ago makes room (a
 * token still in use is then verified once more: cheaper than reordering on every hit). An entry
 * is found by the token's signature segment (the last, shortest unique part, cheaper to hash than
 * the whole token, which every request brings as a new string) and counts only when the whole presented string equals the one that was
 * verified. A hit therefore proves the same bytes already passed every check: a different token
 * that merely claims the same `jti` (an unsigned forgery, say) or reuses a signature is not a hit.
 * The full comparison runs only after a signature matched, and header and payload are not secret,
 * so its timing tells an attacker nothing they could not read from the token.
 * (An earlier version keyed entries on `iss` + `jti`, which meant decoding the payload on every
 * lookup; before that, a SHA-256 digest through WebCrypto's thread pool made hits ten times slower.)
 *
 * An entry lives until the token's `exp` or `maxAgeSeconds` (default 300) after it was verified,
 * whichever is first. Hits still re-check the signing key and the status list (see the verifier).
 *
 * @example
 * ```ts
 * const cache = createTokenCache({ maxEntries: 10_000 });
 * cache.set(token, { claims, header: { alg, kid } }, Date.now());
 * cache.get(token, Date.now())?.claims;
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
  /** The exact token string that was verified. */
  readonly token: string;
  readonly claims: AccessTokenClaims;
  readonly header: { readonly alg: string; readonly kid: string };
  /** Milliseconds since the epoch at which the entry stops being used. */
  readonly until: number;
}

/** The cache. */
export interface TokenCache {
  /** The entry for exactly this token string, if it is still live. */
  get(token: string, nowMs: number): CachedToken | undefined;
  /** Remembers a verified token. */
  set(token: string, entry: Omit<CachedToken, "until" | "token">, nowMs: number): void;
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
  const keyOf = (token: string) => token.slice(token.lastIndexOf(".") + 1);

  return {
    get(token, nowMs) {
      const key = keyOf(token);
      const entry = entries.get(key);
      if (!entry || entry.token !== token) return undefined;
      if (nowMs >= entry.until) {
        entries.delete(key);
        return undefined;
      }
      return entry;
    },
    set(token, entry, nowMs) {
      const exp =
        entry.claims.exp === undefined ? Number.POSITIVE_INFINITY : entry.claims.exp * 1000;
      const until = Math.min(exp, nowMs + maxAge);
      if (until <= nowMs || maxEntries <= 0) return;
      const key = keyOf(token);
      entries.delete(key);
      entries.set(key, { token, claims: entry.claims, header: entry.header, until });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value as string;
        entries.delete(oldest);
      }
    },
  };
}
