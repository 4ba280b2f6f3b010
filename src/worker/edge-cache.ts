/**
 * The Worker's in-isolate cache of the public, read-mostly answers (JWKS, server metadata, status
 * list tokens), so that most of those requests touch no Redis. Each entry lives at most its
 * route's bound: a status list at most its `ttl` (so a revocation is visible to every isolate
 * within the `ttl` the list announces), the JWKS and metadata at most `min(ttl, 60 s)`. A hit
 * carries an `Age` header, so downstream caches count the time already spent here. Only 200
 * answers are stored, at most `maxEntries` of them (oldest evicted first).
 *
 * Why not the Cache API: it does nothing on `workers.dev` routes, and its entries outlive a
 * deployment; the in-isolate map needs no zone, and the routes' `Cache-Control` already lets a
 * zone's CDN cache in front of the Worker.
 *
 * @example
 * ```ts
 * const cache = createEdgeCache({ maxEntries: 128, clock: Date.now });
 * const hit = cache.match(request);
 * ```
 * @module
 */

/** Options of {@link createEdgeCache}. */
export interface EdgeCacheOptions {
  /** Most answers kept (default 128). */
  readonly maxEntries?: number;
  /** Milliseconds since the epoch. */
  readonly clock: () => number;
}

interface Entry {
  readonly body: ArrayBuffer;
  readonly headers: readonly (readonly [string, string])[];
  readonly storedAt: number;
  readonly expiresAt: number;
}

/** The cache of {@link createEdgeCache}. */
export interface EdgeCache {
  /** The cached answer for a GET, or undefined. Answers a matching `If-None-Match` with 304. */
  match(request: Request): Response | undefined;
  /** Stores a 200 answer for `maxAgeSeconds`; returns the response to send (the original is read). */
  put(request: Request, response: Response, maxAgeSeconds: number): Promise<Response>;
  /** Drops everything (after a change made through this isolate). */
  clear(): void;
  /** Number of entries (for tests and metrics). */
  readonly size: number;
}

function keyOf(request: Request): string {
  return new URL(request.url).pathname;
}

/**
 * Creates an empty cache.
 *
 * @example
 * ```ts
 * const cache = createEdgeCache({ clock: Date.now });
 * ```
 */
export function createEdgeCache(options: EdgeCacheOptions): EdgeCache {
  const maxEntries = options.maxEntries ?? 128;
  const entries = new Map<string, Entry>();

  return {
    match(request) {
      if (request.method !== "GET") return undefined;
      const key = keyOf(request);
      const entry = entries.get(key);
      if (!entry) return undefined;
      const now = options.clock();
      if (now >= entry.expiresAt) {
        entries.delete(key);
        return undefined;
      }
      const headers = new Headers(entry.headers as [string, string][]);
      headers.set("Age", String(Math.floor((now - entry.storedAt) / 1000)));
      const etag = headers.get("ETag");
      if (etag && request.headers.get("If-None-Match") === etag) {
        headers.delete("Content-Type");
        headers.delete("Content-Length");
        return new Response(null, { status: 304, headers });
      }
      return new Response(entry.body.slice(0), { status: 200, headers });
    },
    async put(request, response, maxAgeSeconds) {
      if (request.method !== "GET" || response.status !== 200 || maxAgeSeconds <= 0) {
        return response;
      }
      const body = await response.arrayBuffer();
      const now = options.clock();
      const key = keyOf(request);
      entries.delete(key);
      entries.set(key, {
        body,
        headers: [...response.headers.entries()],
        storedAt: now,
        expiresAt: now + maxAgeSeconds * 1000,
      });
      while (entries.size > maxEntries) {
        const oldest = entries.keys().next().value;
        if (oldest === undefined) break;
        entries.delete(oldest);
      }
      return new Response(body.slice(0), { status: 200, headers: response.headers });
    },
    clear() {
      entries.clear();
    },
    get size() {
      return entries.size;
    },
  };
}

/** Routes the Worker caches, and for how long relative to the status list `ttl`. */
export function edgeCacheSeconds(pathname: string, statusListTtlSeconds: number): number {
  if (/^\/v1\/status-lists\/[^/]+$/.test(pathname)) return statusListTtlSeconds;
  if (
    pathname === "/.well-known/jwks.json" ||
    pathname === "/.well-known/oauth-authorization-server"
  ) {
    return Math.min(statusListTtlSeconds, 60);
  }
  return 0;
}
