/**
 * The cell router: a Hono app in front of a sharded ("cells") deployment. For every request it
 * reads the bearer token, verifies it (signature, claims, status), picks the cell and proxies
 * the request there. The cell is, in order: the issuer's org → cell map entry for the token's
 * `org` (it overrides the claim of tokens minted before the org moved), the token's signed `cell`
 * claim, and the fallback (tokens without `org` or `cell`, i.e. cluster-wide tokens).
 *
 * A request without a valid token is answered by the router itself and never reaches a cell:
 * 401 with `WWW-Authenticate: Bearer error="invalid_token"` (or plain `Bearer` when no token was
 * sent), 503 when the issuer's keys or status list cannot be had. A cell the router has no
 * upstream for is a 502 (`cell_unknown`), an upstream that does not answer a 502
 * (`upstream_unavailable`). A token with `allowed_ips` used from another address (the client
 * address, read behind `trustedProxies`) is refused with 403 `ip_not_allowed`, as the issuer does. Web APIs, jose and hono only: it runs on Node and in Workers.
 *
 * @example
 * ```ts
 * const router = createCellRouter({
 *   verifier: createVerifier({ issuer, audience: "https://api.example.com" }),
 *   cells: { "cell-eu-1": "https://eu-1.cells.internal", "cell-us-2": "https://us-2.cells.internal" },
 *   fallback: "cell-eu-1",
 *   routes: { url: `${issuer}/v1/routes`, refreshSeconds: 10 },
 * });
 * export default router; // or serve({ fetch: router.fetch, port: 8081 })
 * ```
 * @module
 */
import {
  type AccessTokenClaims,
  checkClientAddress,
  IpNotAllowed,
  TokenMissing,
  TokenVerificationFailed,
  tokenProblem,
} from "@tokenmint/verifier";
import { globalFetch } from "@tokenmint/verifier/lib";
import { type Context, Hono } from "hono";
import { upstreamHeaders } from "./forward-headers.js";
import { proxyRequest } from "./proxy-request.js";
import { createRouteMap, type RouteMap } from "./route-map.js";
import { CellUnknown, RouterError, RouterFailed, routerProblem } from "./router-errors.js";
import {
  type CellRouterOptions,
  type CheckedRouterOptions,
  checkRouterOptions,
} from "./router-options.js";

const BEARER = /^Bearer +([\x21-\x7e]+) *$/i;

/** Reads the bearer token of the request. @throws {TokenMissing} */
function readBearer(c: Context): string {
  const match = BEARER.exec(c.req.header("authorization") ?? "");
  if (!match?.[1]) throw new TokenMissing();
  return match[1];
}

/** The cell id for verified claims (see the module comment for the order). */
async function resolveCell(
  options: CheckedRouterOptions,
  routes: RouteMap | undefined,
  claims: AccessTokenClaims,
  request: Request,
): Promise<string | undefined> {
  const moved = claims.org === undefined ? undefined : await routes?.cellOf(claims.org);
  if (moved !== undefined) return moved;
  if (claims.cell !== undefined) return claims.cell;
  const { fallback } = options;
  return typeof fallback === "string" ? fallback : fallback(claims, request);
}

/**
 * Creates the router; options are checked here, once.
 *
 * @throws {TypeError} naming the first bad option.
 */
export function createCellRouter(input: CellRouterOptions): Hono {
  const options = checkRouterOptions(input);
  const { verifier, logger } = options;
  const fetchFn = options.fetch ?? globalFetch;
  const routes = options.routes
    ? createRouteMap({
        ...options.routes,
        ...(options.now ? { now: options.now } : {}),
        onError: (error) =>
          logger?.warn("router.routes_refresh_failed", { message: messageOf(error) }),
      })
    : undefined;

  const app = new Hono();
  app.onError((error, c) => {
    if (error instanceof TokenVerificationFailed) return tokenProblem(error);
    if (error instanceof IpNotAllowed) {
      logger?.warn("router.ip_not_allowed", {
        method: c.req.method,
        ip: options.addressOf(c) ?? "unknown",
      });
      return tokenProblem(error);
    }
    if (error instanceof RouterError) {
      logger?.warn(`router.${error.code}`, {
        method: c.req.method,
        message: messageOf(error.cause ?? error),
      });
      return routerProblem(error);
    }
    logger?.error("router.failed", { message: messageOf(error) });
    return routerProblem(new RouterFailed({ cause: error }));
  });

  app.all("*", async function routeByToken(c) {
    const claims = await verifier.verify(readBearer(c));
    if (claims.allowed_ips !== undefined) checkClientAddress(claims, options.addressOf(c));
    const cell = await resolveCell(options, routes, claims, c.req.raw);
    const base = cell === undefined ? undefined : options.upstreams.get(cell);
    if (base === undefined) {
      throw new CellUnknown(
        cell === undefined
          ? "No cell serves this token"
          : `No upstream is configured for cell ${cell}`,
      );
    }
    const headers = upstreamHeaders(c.req.raw, {
      clientIp: options.clientIp?.(c),
      trustForwarded: options.trustForwarded ?? false,
      claimsHeader: options.claimsHeader,
      claims,
    });
    return proxyRequest(c.req.raw, base, headers, fetchFn);
  });
  return app;
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
