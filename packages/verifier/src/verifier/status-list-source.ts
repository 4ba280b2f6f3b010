/**
 * Checks a token's entry in the issuer's Token Status List. Lists are fetched (only from URIs under
 * `<issuer>/`), verified with the issuer's keys, and cached per URI for their `ttl` clamped to
 * [`minTtlSeconds`, `maxTtlSeconds`] (defaults 5 and 3,600; `minTtlSeconds` when the list has no
 * `ttl`), never past the list's `exp`. Concurrent fetches of one URI are single-flight; after a
 * failed fetch the URI is not retried for `retrySeconds` (default 5).
 *
 * When no fresh list can be had, verification fails closed with `status_unavailable` (503) unless
 * `failOpen` is set; then the last verified copy, however old, still decides, and with no copy at
 * all the token counts as valid.
 *
 * @example
 * ```ts
 * const status = createStatusListSource({ issuer, getKey, algorithms: ["ES256"] });
 * await status.check(claims.status.status_list); // throws TokenRevoked, TokenSuspended, ...
 * ```
 * @module
 */

import { ClaimInvalid, StatusUnavailable, TokenRevoked, TokenSuspended } from "../errors.js";
import type { SignatureBackend } from "../jws/signatures.js";
import type { KeyLookup } from "../jws/verify-jws.js";
import { type StatusList, verifyStatusListToken } from "../jwt/verify-status-list-token.js";
import { globalFetch, readBodyCapped } from "../lib/read-body.js";
import { readStatus, statusCapacity } from "../status/bits.js";
import { MAX_STATUS_LIST_BYTES } from "../status/codec.js";

/** The media type of a Status List Token in JWT form. */
export const STATUS_LIST_MEDIA_TYPE = "application/statuslist+jwt";

/** The status list cache defaults. */
export const STATUS_LIST_DEFAULTS = {
  minTtlSeconds: 5,
  maxTtlSeconds: 3600,
  retrySeconds: 5,
  maxBytes: MAX_STATUS_LIST_BYTES,
  maxTokenBytes: 4 * 1024 * 1024,
} as const;

/** How status lists are fetched, trusted and cached. */
export interface StatusListSourceOptions {
  readonly issuer: string;
  readonly getKey: KeyLookup;
  /** Who checks the lists' signatures (the backend of `getKey`'s keys). */
  readonly signatures?: SignatureBackend;
  readonly algorithms: readonly string[];
  readonly fetch?: typeof fetch;
  readonly now?: () => number;
  readonly clockTolerance?: number;
  readonly failOpen?: boolean;
  readonly minTtlSeconds?: number;
  readonly maxTtlSeconds?: number;
  readonly retrySeconds?: number;
  /** Decompressed list cap in bytes (default 8 MiB). */
  readonly maxBytes?: number;
  /** Status List Token response cap in bytes (default 4 MiB). */
  readonly maxTokenBytes?: number;
}

/** Checks status references. */
export interface StatusListSource {
  /**
   * @throws {TokenRevoked} for status 1 (and 3 or any other non-zero value),
   * {@link TokenSuspended} for 2, {@link ClaimInvalid} for a foreign URI or an index outside the
   * list, {@link StatusUnavailable} when no fresh list can be had (unless fail-open).
   */
  check(ref: { readonly uri: string; readonly idx: number }): Promise<void>;
  /**
   * {@link StatusListSource.check} without waiting: true when a fresh cached list decided (and
   * the token is valid), false when only `check` can tell.
   *
   * @throws what `check` throws for a token the cached list marks.
   */
  checkCached(ref: { readonly uri: string; readonly idx: number }): boolean;
}

interface CachedList extends StatusList {
  readonly freshUntil: number;
}

/** Whether `uri` is a canonical http(s) URL under `<issuer>/`, without query or fragment. */
export function isUnderIssuer(uri: string, issuer: string): boolean {
  const base = issuer.endsWith("/") ? issuer : `${issuer}/`;
  if (!uri.startsWith(base) || uri.length === base.length || /[?#]/.test(uri)) return false;
  try {
    return new URL(uri).href === uri;
  } catch {
    return false;
  }
}

/**
 * Creates the status checker.
 *
 * @example
 * ```ts
 * const status = createStatusListSource({ issuer, getKey, algorithms, failOpen: false });
 * ```
 */
export function createStatusListSource(options: StatusListSourceOptions): StatusListSource {
  const now = options.now ?? Date.now;
  const fetchFn = options.fetch ?? globalFetch;
  const minTtl = options.minTtlSeconds ?? STATUS_LIST_DEFAULTS.minTtlSeconds;
  const maxTtl = options.maxTtlSeconds ?? STATUS_LIST_DEFAULTS.maxTtlSeconds;
  const retry = (options.retrySeconds ?? STATUS_LIST_DEFAULTS.retrySeconds) * 1000;
  const lists = new Map<string, CachedList>();
  const inflight = new Map<string, Promise<CachedList>>();
  const failedAt = new Map<string, number>();

  async function download(uri: string): Promise<CachedList> {
    const response = await fetchFn(uri, {
      headers: { accept: STATUS_LIST_MEDIA_TYPE },
      redirect: "manual",
    });
    const type = response.headers.get("content-type")?.split(";")[0]?.trim().toLowerCase();
    if (response.status !== 200 || type !== STATUS_LIST_MEDIA_TYPE) {
      void response.body?.cancel().catch(() => undefined);
      throw new Error(`Status list endpoint answered ${response.status} ${type ?? ""}`);
    }
    const body = await readBodyCapped(
      response,
      options.maxTokenBytes ?? STATUS_LIST_DEFAULTS.maxTokenBytes,
    );
    const list = await verifyStatusListToken(body, {
      uri,
      issuer: options.issuer,
      getKey: options.getKey,
      ...(options.signatures ? { signatures: options.signatures } : {}),
      algorithms: options.algorithms,
      now,
      maxBytes: options.maxBytes ?? STATUS_LIST_DEFAULTS.maxBytes,
      ...(options.clockTolerance === undefined ? {} : { clockTolerance: options.clockTolerance }),
    });
    const fetchedAt = now();
    const ttl = Math.min(Math.max(list.ttl ?? minTtl, minTtl), maxTtl);
    const freshUntil = Math.min(
      fetchedAt + ttl * 1000,
      list.exp === undefined ? Number.POSITIVE_INFINITY : list.exp * 1000,
    );
    return { ...list, freshUntil };
  }

  function load(uri: string): Promise<CachedList> {
    let pending = inflight.get(uri);
    if (!pending) {
      pending = download(uri)
        .then((list) => {
          lists.set(uri, list);
          failedAt.delete(uri);
          return list;
        })
        .catch((error: unknown) => {
          failedAt.set(uri, now());
          throw error;
        })
        .finally(() => inflight.delete(uri));
      inflight.set(uri, pending);
    }
    return pending;
  }

  function unavailable(cached: CachedList | undefined, cause?: unknown): CachedList | undefined {
    if (options.failOpen) return cached;
    throw new StatusUnavailable(undefined, { cause });
  }

  async function listFor(uri: string): Promise<CachedList | undefined> {
    const cached = lists.get(uri);
    if (cached && now() < cached.freshUntil) return cached;
    const failed = failedAt.get(uri);
    if (!inflight.has(uri) && failed !== undefined && now() - failed < retry) {
      return unavailable(cached);
    }
    try {
      return await load(uri);
    } catch (error) {
      return unavailable(cached, error);
    }
  }

  function decide(list: CachedList, ref: { readonly uri: string; readonly idx: number }): void {
    if (ref.idx >= statusCapacity(list.bytes.length, list.bits)) {
      throw new ClaimInvalid("The status index is outside the status list");
    }
    const status = readStatus(list.bytes, list.bits, ref.idx);
    if (status === 0) return;
    if (status === 1) throw new TokenRevoked();
    if (status === 2) throw new TokenSuspended();
    throw new TokenRevoked("The token's status is not valid");
  }

  return {
    async check(ref) {
      // A URI already in the cache was checked when its list was loaded.
      if (!lists.has(ref.uri) && !isUnderIssuer(ref.uri, options.issuer)) {
        throw new ClaimInvalid("The status list URI is not the issuer's");
      }
      const list = await listFor(ref.uri);
      if (list) decide(list, ref);
    },
    checkCached(ref) {
      const list = lists.get(ref.uri);
      if (!list || now() >= list.freshUntil) return false;
      decide(list, ref);
      return true;
    },
  };
}
