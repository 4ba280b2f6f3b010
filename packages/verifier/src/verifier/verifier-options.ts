/**
 * The options of {@link createVerifier}, checked once when the verifier is created: a bad value
 * throws a `TypeError` naming the option, so a misconfigured service fails at start-up.
 *
 * @example
 * ```ts
 * const options = checkVerifierOptions({ issuer, audience: "https://api.example.com" });
 * ```
 * @module
 */
import type { JSONWebKeySet } from "jose";
import { checkAlgorithms, DEFAULT_ALGORITHMS } from "../jws/jwk-checks.js";
import type { TokenCacheOptions } from "../jwt/token-cache.js";
import { DEFAULT_TOKEN_KIND, prefixTableProblem } from "../jwt/token-kind.js";

/** How the verifier uses the Token Status List. */
export interface StatusListOptions {
  /** Check every token's status (default true). */
  readonly enabled?: boolean;
  /** Accept tokens when no fresh list can be fetched (default false: answer 503). */
  readonly failOpen?: boolean;
  /** Lower clamp of a list's `ttl`, seconds (default 5; also used when a list has no `ttl`). */
  readonly minTtlSeconds?: number;
  /** Upper clamp of a list's `ttl`, seconds (default 3,600). */
  readonly maxTtlSeconds?: number;
  /** After a failed fetch, seconds before the same list is fetched again (default 5). */
  readonly retrySeconds?: number;
  /** Decompressed list cap in bytes (default 8 MiB). */
  readonly maxBytes?: number;
  /** `fetch` for status lists (default: the verifier's `fetch`). */
  readonly fetch?: typeof fetch;
}

/** How the issuer's JWKS is cached. */
export interface JwksCacheOptions {
  /** Refetch the JWKS once it is this old, seconds (default 300). */
  readonly maxAgeSeconds?: number;
  /** At most one refetch per this many seconds, for unknown kids and after failures (default 30). */
  readonly cooldownSeconds?: number;
  /** Keep trusting cached keys this long after the last successful fetch (default 86,400). */
  readonly staleIfErrorSeconds?: number;
}

/** Everything {@link createVerifier} takes. */
export interface VerifierOptions {
  /** The pinned issuer (`iss`), e.g. `https://tokens.example.com`. */
  readonly issuer: string;
  /** This service's audience value(s); a token must name one of them in `aud`. */
  readonly audience: string | readonly string[];
  /** The issuer's JWKS (default `<issuer>/.well-known/jwks.json`). */
  readonly jwksUri?: string;
  /** A static JWKS instead of fetching one. */
  readonly jwks?: JSONWebKeySet;
  /** Accepted `alg`s (default ES256, EdDSA, RS256, PS256); asymmetric ones only. */
  readonly algorithms?: readonly string[];
  /** Token prefix (default `tmpat_`; `""` for bare JWTs) when the issuer mints one kind. */
  readonly prefix?: string;
  /**
   * The issuer's token kinds and their prefixes, e.g. `{ pat: "tmpat_", deploy: "tmdt_" }` (the
   * issuer publishes them as `tokenmint_token_prefixes` in its metadata); replaces `prefix`. A
   * token must carry one of them, and its `kind` claim must be the kind its prefix names.
   */
  readonly prefixes?: Readonly<Record<string, string>>;
  /** The kinds this service accepts (default: every kind of `prefixes`). */
  readonly kinds?: readonly string[];
  readonly statusList?: StatusListOptions;
  readonly jwksCache?: JwksCacheOptions;
  /**
   * Longest accepted token, prefix excluded (default 8192, the issuer's default
   * `TOKENMINT_MAX_TOKEN_LENGTH`; set both together).
   */
  readonly maxTokenLength?: number;
  /** Seconds of clock skew tolerated (default 30). */
  readonly clockTolerance?: number;
  /** Accept tokens without `exp` (only if the issuer's policy mints them). */
  readonly allowNoExpiry?: boolean;
  /** Verified-token cache (default 10,000 entries, 300 s); `false` turns it off. */
  readonly cache?: TokenCacheOptions | false;
  /** `fetch` for the JWKS and status lists (default: the global one). */
  readonly fetch?: typeof fetch;
  /** The clock, milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /**
   * Who checks signatures: `"auto"` (default) uses `node:crypto`'s synchronous `verify` where the
   * runtime has it (Node: synchronous, no thread-pool round trip) and WebCrypto elsewhere
   * (Workers); `"webcrypto"` forces WebCrypto.
   */
  readonly crypto?: "auto" | "webcrypto";
}

function checkSeconds(name: string, value: number | undefined): void {
  if (value !== undefined && !(Number.isFinite(value) && value >= 0)) {
    throw new TypeError(`${name}: must be a non-negative number of seconds`);
  }
}

function checkHttpUrl(name: string, value: string): void {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${name}: must be an absolute URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`${name}: must be an http(s) URL`);
  }
}

/**
 * Validates the options and fills in the derived defaults.
 *
 * @throws {TypeError} naming the first bad option.
 */
export function checkVerifierOptions(options: VerifierOptions): VerifierOptions & {
  readonly algorithms: readonly string[];
  readonly prefixes: Readonly<Record<string, string>>;
  readonly kinds: readonly string[];
} {
  checkHttpUrl("issuer", options.issuer);
  const audiences = typeof options.audience === "string" ? [options.audience] : options.audience;
  if (!Array.isArray(audiences) || audiences.length === 0 || audiences.some((a) => !a)) {
    throw new TypeError("audience: at least one non-empty audience is required");
  }
  if (options.jwks && options.jwksUri) throw new TypeError("jwks and jwksUri: give one, not both");
  if (options.jwksUri !== undefined) checkHttpUrl("jwksUri", options.jwksUri);
  if (options.prefix !== undefined && typeof options.prefix !== "string") {
    throw new TypeError("prefix: must be a string");
  }
  if (options.prefix !== undefined && options.prefixes !== undefined) {
    throw new TypeError("prefix and prefixes: give one, not both");
  }
  const prefixes = options.prefixes ?? { [DEFAULT_TOKEN_KIND]: options.prefix ?? "tmpat_" };
  const tableProblem = prefixTableProblem(prefixes);
  if (tableProblem !== undefined) throw new TypeError(`prefixes: ${tableProblem}`);
  const kinds = options.kinds ?? Object.keys(prefixes);
  if (
    !Array.isArray(kinds) ||
    kinds.length === 0 ||
    kinds.some((kind) => !Object.hasOwn(prefixes, kind))
  ) {
    throw new TypeError("kinds: at least one kind, each one of prefixes");
  }
  checkSeconds("clockTolerance", options.clockTolerance);
  if (
    options.maxTokenLength !== undefined &&
    (!Number.isSafeInteger(options.maxTokenLength) || options.maxTokenLength < 1)
  ) {
    throw new TypeError("maxTokenLength: must be a positive integer");
  }
  const status = options.statusList ?? {};
  checkSeconds("statusList.minTtlSeconds", status.minTtlSeconds);
  checkSeconds("statusList.maxTtlSeconds", status.maxTtlSeconds);
  checkSeconds("statusList.retrySeconds", status.retrySeconds);
  if ((status.minTtlSeconds ?? 5) > (status.maxTtlSeconds ?? 3600)) {
    throw new TypeError("statusList.minTtlSeconds: must not exceed maxTtlSeconds");
  }
  const jwks = options.jwksCache ?? {};
  checkSeconds("jwksCache.maxAgeSeconds", jwks.maxAgeSeconds);
  checkSeconds("jwksCache.cooldownSeconds", jwks.cooldownSeconds);
  checkSeconds("jwksCache.staleIfErrorSeconds", jwks.staleIfErrorSeconds);
  if (options.allowNoExpiry && status.enabled === false) {
    throw new TypeError("allowNoExpiry: non-expiring tokens need the status list enabled");
  }
  if (options.crypto !== undefined && options.crypto !== "auto" && options.crypto !== "webcrypto") {
    throw new TypeError('crypto: must be "auto" or "webcrypto"');
  }
  if (options.cache) {
    checkSeconds("cache.maxAgeSeconds", options.cache.maxAgeSeconds);
    if (!Number.isSafeInteger(options.cache.maxEntries ?? 1)) {
      throw new TypeError("cache.maxEntries: must be an integer");
    }
  }
  return {
    ...options,
    algorithms: checkAlgorithms(options.algorithms ?? DEFAULT_ALGORITHMS),
    prefixes,
    kinds,
  };
}
