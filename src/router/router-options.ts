/**
 * The options of {@link createCellRouter}, checked once when the router is created: a bad value
 * throws a `TypeError` naming the option, so a misconfigured router fails at start-up.
 *
 * @example
 * ```ts
 * const checked = checkRouterOptions({ verifier, cells: { eu: "https://eu.internal" }, fallback: "eu" });
 * ```
 * @module
 */
import { type AccessTokenClaims, behindProxies, type Verifier } from "@tokenmint/verifier";
import type { Context } from "hono";
import type { Logger } from "../logger.js";
import { HOP_BY_HOP_HEADERS } from "./forward-headers.js";

/** Picks the cell of a token that names none (a cluster-wide token); `undefined` means none. */
export type FallbackResolver = (claims: AccessTokenClaims, request: Request) => string | undefined;

/** Where the org → cell map comes from. */
export interface RouteMapSource {
  /** The issuer's `/v1/routes` URL. */
  readonly url: string;
  /** Refetch the map once it is this old, seconds (default 10; more than 0, at most 300). */
  readonly refreshSeconds?: number;
  /** Give up on one fetch of the map after this long, milliseconds (default 2,000). */
  readonly timeoutMs?: number;
  /** `fetch` for the map (default: the global one). */
  readonly fetch?: typeof fetch;
}

/** Everything {@link createCellRouter} takes. */
export interface CellRouterOptions {
  /** Verifies the bearer token (signature, claims, status): `createVerifier(...)`. */
  readonly verifier: Verifier;
  /** Cell id → upstream base URL (`http(s)`, may carry a base path, no query). */
  readonly cells: Readonly<Record<string, string>>;
  /** The cell for tokens without `org`/`cell`: a cell id, or a resolver. */
  readonly fallback: string | FallbackResolver;
  /** The issuer's org → cell map; without it tokens route by their `cell` claim alone. */
  readonly routes?: RouteMapSource;
  /**
   * Pass the verified claims to the cell in this header (base64url of the claims' JSON). The
   * router always removes any copy the client sent; cells may trust it only behind the router.
   */
  readonly forwardClaimsHeader?: string;
  /** The router sits behind a proxy it trusts: append to `X-Forwarded-*` rather than replace. */
  readonly trustForwarded?: boolean;
  /** The client's address for `X-Forwarded-For` (the runtime's connection info). */
  readonly clientIp?: (c: Context) => string | undefined;
  /**
   * Proxies (addresses or CIDR ranges) in front of the router: when the peer is one of them, the
   * client is the right-most `X-Forwarded-For` address outside them. Default none: the header is
   * not believed.
   */
  readonly trustedProxies?: readonly string[];
  /**
   * The client's address, checked against a token's `allowed_ips` (default: `clientIp`, read
   * behind `trustedProxies`). A token used from outside its list is refused with 403
   * `ip_not_allowed` and never reaches a cell.
   */
  readonly clientAddress?: (c: Context) => string | undefined;
  /** `fetch` for the requests to the cells (default: the global one). */
  readonly fetch?: typeof fetch;
  /** The clock of the route map, milliseconds since the epoch (default `Date.now`). */
  readonly now?: () => number;
  /** Where failures are logged (never a token); default: nowhere. */
  readonly logger?: Pick<Logger, "warn" | "error">;
}

/** Cell ids: the issuer's own pattern for `PUT /v1/routes/{org}`. */
export const CELL_ID = /^[A-Za-z0-9._-]{1,64}$/;
const HEADER_NAME = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/;
const RESERVED_HEADERS = new Set([
  ...HOP_BY_HOP_HEADERS,
  "authorization",
  "content-length",
  "content-type",
  "cookie",
  "forwarded",
  "host",
]);

/**
 * Checks an upstream or issuer URL and returns it without a trailing slash.
 *
 * @throws {TypeError} naming `name`.
 */
export function checkBaseUrl(name: string, value: unknown): string {
  let url: URL;
  try {
    url = new URL(String(value));
  } catch {
    throw new TypeError(`${name}: must be an absolute URL`);
  }
  if (url.protocol !== "https:" && url.protocol !== "http:") {
    throw new TypeError(`${name}: must be an http(s) URL`);
  }
  if (url.search || url.hash || url.username || url.password) {
    throw new TypeError(`${name}: must not carry a query, fragment or credentials`);
  }
  return url.href.replace(/\/+$/, "");
}

/**
 * Checks the name of the claims header and returns it in lower case: a header token the router
 * does not itself manage (not `Authorization`, `Host`, hop-by-hop, `Forwarded`, `X-Forwarded-*`).
 *
 * @throws {TypeError} naming `forwardClaimsHeader`.
 */
export function checkClaimsHeader(name: unknown): string {
  const lower = String(name).toLowerCase();
  if (
    !HEADER_NAME.test(lower) ||
    RESERVED_HEADERS.has(lower) ||
    lower.startsWith("proxy-") ||
    lower.startsWith("x-forwarded-")
  ) {
    throw new TypeError("forwardClaimsHeader: must be a header name the router does not manage");
  }
  return lower;
}

/** The options after checking: cells as a map of normalized base URLs. */
export interface CheckedRouterOptions extends CellRouterOptions {
  readonly upstreams: ReadonlyMap<string, string>;
  /** Where a request comes from, for `allowed_ips`. */
  readonly addressOf: (c: Context) => string | undefined;
  readonly claimsHeader?: string;
}

/**
 * Validates the options.
 *
 * @throws {TypeError} naming the first bad option.
 */
export function checkRouterOptions(options: CellRouterOptions): CheckedRouterOptions {
  if (typeof options?.verifier?.verify !== "function") {
    throw new TypeError("verifier: a verifier is required (createVerifier)");
  }
  if (typeof options.cells !== "object" || options.cells === null) {
    throw new TypeError("cells: must map cell ids to upstream URLs");
  }
  const upstreams = new Map<string, string>();
  for (const [cell, url] of Object.entries(options.cells)) {
    if (!CELL_ID.test(cell)) throw new TypeError(`cells: ${JSON.stringify(cell)} is not a cell id`);
    upstreams.set(cell, checkBaseUrl(`cells.${cell}`, url));
  }
  if (upstreams.size === 0) throw new TypeError("cells: at least one cell is required");
  const { fallback } = options;
  if (typeof fallback === "string") {
    if (!upstreams.has(fallback)) throw new TypeError("fallback: must be one of the cells");
  } else if (typeof fallback !== "function") {
    throw new TypeError("fallback: must be a cell id or a function");
  }
  if (options.routes !== undefined) checkBaseUrl("routes.url", options.routes?.url);
  const claimsHeader =
    options.forwardClaimsHeader === undefined
      ? undefined
      : checkClaimsHeader(options.forwardClaimsHeader);
  if (options.clientAddress !== undefined && typeof options.clientAddress !== "function") {
    throw new TypeError("clientAddress: must be a function");
  }
  let addressOf = options.clientAddress;
  if (addressOf === undefined) {
    try {
      addressOf = behindProxies(options.trustedProxies ?? [], (c) => options.clientIp?.(c));
    } catch {
      throw new TypeError("trustedProxies: must be IP addresses or CIDR ranges");
    }
  }
  return { ...options, upstreams, addressOf, ...(claimsHeader ? { claimsHeader } : {}) };
}
