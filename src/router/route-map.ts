/**
 * The router's copy of the issuer's org → cell map (`GET /v1/routes`). It is refreshed lazily, on
 * the first lookup after `refreshSeconds` (default 10, the issuer's `max-age`), with
 * `If-None-Match`, so an unchanged map costs one 304. Refreshes are single-flight; lookups wait
 * for a due refresh, so a routing decision never uses a copy older than `refreshSeconds` plus one
 * fetch (at most `timeoutMs`) while the issuer answers. When it does not, the last good copy keeps
 * deciding and the next attempt waits another `refreshSeconds`; with no copy at all, tokens route
 * by their signed `cell` claim alone. No timers: it runs the same on Node and in a Worker isolate.
 *
 * @example
 * ```ts
 * const routes = createRouteMap({ url: "https://tokens.example.com/v1/routes" });
 * const cell = await routes.cellOf("acme"); // "cell-eu-1" or undefined
 * ```
 * @module
 */
import { globalFetch, readBodyCapped } from "@tokenmint/verifier/lib";

/** Defaults of {@link createRouteMap}. */
export const ROUTE_MAP_DEFAULTS = {
  refreshSeconds: 10,
  timeoutMs: 2000,
  maxBytes: 4 * 1024 * 1024,
} as const;

/** Where and how often the map is fetched. */
export interface RouteMapOptions {
  /** The issuer's routes URL, e.g. `https://tokens.example.com/v1/routes`. */
  readonly url: string;
  /** Refetch once the copy is this old, seconds (default 10; at most 300). */
  readonly refreshSeconds?: number;
  /** Give up on one fetch after this long, milliseconds (default 2,000). */
  readonly timeoutMs?: number;
  /** `fetch` for the map (default: the global one). */
  readonly fetch?: typeof fetch;
  /** The clock, milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /** Told about every failed refresh (the router logs it). */
  readonly onError?: (error: unknown) => void;
}

/** One version of the map as the issuer published it. */
export interface RouteSnapshot {
  readonly version: number;
  readonly cells: ReadonlyMap<string, string>;
  readonly etag?: string;
}

/** The cached map. */
export interface RouteMap {
  /** The cell `org` is mapped to now, refreshing first if the copy is due. */
  cellOf(org: string): Promise<string | undefined>;
  /** The copy in use, if any (no fetch). */
  snapshot(): RouteSnapshot | undefined;
}

/** Parses and checks a `/v1/routes` body. */
export function parseRoutesBody(text: string, etag: string | undefined): RouteSnapshot {
  const body = JSON.parse(text) as { version?: unknown; cells?: unknown };
  if (!Number.isSafeInteger(body?.version) || typeof body.cells !== "object" || !body.cells) {
    throw new TypeError("The routes document has no version or cells");
  }
  const cells = new Map<string, string>();
  for (const [org, cell] of Object.entries(body.cells)) {
    if (typeof cell !== "string" || cell === "") {
      throw new TypeError("The routes document maps an org to a non-string cell");
    }
    cells.set(org, cell);
  }
  return { version: body.version as number, cells, ...(etag ? { etag } : {}) };
}

/**
 * Creates the map; nothing is fetched until the first lookup.
 *
 * @throws {TypeError} on a bad option.
 * @example
 * ```ts
 * const routes = createRouteMap({ url, refreshSeconds: 5, now: () => clock.now() });
 * ```
 */
export function createRouteMap(options: RouteMapOptions): RouteMap {
  const refreshSeconds = options.refreshSeconds ?? ROUTE_MAP_DEFAULTS.refreshSeconds;
  if (!(Number.isFinite(refreshSeconds) && refreshSeconds > 0 && refreshSeconds <= 300)) {
    throw new TypeError("routes.refreshSeconds: must be more than 0 and at most 300 seconds");
  }
  const timeoutMs = options.timeoutMs ?? ROUTE_MAP_DEFAULTS.timeoutMs;
  if (!(Number.isFinite(timeoutMs) && timeoutMs > 0)) {
    throw new TypeError("routes.timeoutMs: must be a positive number of milliseconds");
  }
  const fetchFn = options.fetch ?? globalFetch;
  const now = options.now ?? Date.now;
  let current: RouteSnapshot | undefined;
  let dueAt = Number.NEGATIVE_INFINITY;
  let inflight: Promise<void> | undefined;

  async function download(): Promise<void> {
    const headers: Record<string, string> = { accept: "application/json" };
    if (current?.etag) headers["if-none-match"] = current.etag;
    const response = await fetchFn(options.url, {
      headers,
      redirect: "manual",
      signal: AbortSignal.timeout(timeoutMs),
    });
    if (response.status === 304 && current) {
      void response.body?.cancel().catch(() => undefined);
      return;
    }
    if (response.status !== 200) {
      void response.body?.cancel().catch(() => undefined);
      throw new Error(`The routes endpoint answered ${response.status}`);
    }
    const text = await readBodyCapped(response, ROUTE_MAP_DEFAULTS.maxBytes);
    current = parseRoutesBody(text, response.headers.get("etag") ?? undefined);
  }

  function refresh(): Promise<void> {
    inflight ??= download()
      .catch((error: unknown) => options.onError?.(error))
      .finally(() => {
        dueAt = now() + refreshSeconds * 1000;
        inflight = undefined;
      });
    return inflight;
  }

  return {
    async cellOf(org) {
      if (now() >= dueAt) await refresh();
      return current?.cells.get(org);
    },
    snapshot: () => current,
  };
}
