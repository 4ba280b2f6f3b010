/**
 * tokenmint's cell router: verify the bearer token at the edge and proxy each request to the
 * cell that owns the token's organization. Web APIs, jose and hono only: Node and Workers alike.
 * Entries: `server.ts` (Node, `npm run router`) and `worker.ts` (Cloudflare Workers).
 *
 * @example
 * ```ts
 * import { createCellRouter } from "tokenmint/router";
 * import { createVerifier } from "tokenmint/verifier";
 *
 * const issuer = "https://tokens.example.com";
 * const router = createCellRouter({
 *   verifier: createVerifier({ issuer, audience: "https://api.example.com" }),
 *   cells: { "cell-eu-1": "https://eu-1.internal", "cell-us-2": "https://us-2.internal" },
 *   fallback: "cell-eu-1",
 *   routes: { url: `${issuer}/v1/routes` },
 * });
 * ```
 * @module
 */
export { createCellRouter } from "./create-cell-router.js";
export { encodeClaims, HOP_BY_HOP_HEADERS } from "./forward-headers.js";
export {
  createRouteMap,
  ROUTE_MAP_DEFAULTS,
  type RouteMap,
  type RouteMapOptions,
  type RouteSnapshot,
} from "./route-map.js";
export {
  CellUnknown,
  RouterError,
  type RouterErrorCode,
  RouterFailed,
  routerProblem,
  UpstreamUnavailable,
} from "./router-errors.js";
export type { CellRouterOptions, FallbackResolver, RouteMapSource } from "./router-options.js";
