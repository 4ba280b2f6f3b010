/**
 * One structured log line per request (`http.request`: request id, method, route pattern, status,
 * duration) and the HTTP metrics. The raw path and query are never logged (a token sent in a URL
 * by mistake must not reach the log); the route pattern (`/v1/tokens/:id`) is, which also keeps
 * the metrics' label values bounded. Successful health checks, scrapes and reads of the public
 * documents every verifier polls (JWKS, metadata, status lists) are not logged: they would be most
 * of the log and say nothing (the request metrics still count them); their failures are.
 *
 * Runs after `standardHeaders`, which accepts a well-formed `X-Request-Id` from the caller (or
 * makes one) and echoes it in the answer. It reads the answer's status only, never its headers
 * (on Node that would turn every lightweight answer into a full `Response`).
 *
 * @example
 * ```ts
 * app.use(standardHeaders());
 * app.use(observeRequests(ctx));
 * ```
 * @module
 */
import type { Context, MiddlewareHandler } from "hono";
import { matchedRoutes } from "hono/route";
import type { IssuerContext } from "../context.js";
import { metricsOf } from "./issuer-metrics.js";

const QUIET_ROUTES = new Set([
  "/healthz",
  "/readyz",
  "/metrics",
  "/.well-known/jwks.json",
  "/.well-known/oauth-authorization-server",
  "/v1/status-lists/:id",
]);

/** The pattern of the route that answered (`unmatched` for 404s without one). */
export function routeOf(c: Context): string {
  const handlers = matchedRoutes(c).filter((route) => route.method !== "ALL");
  return handlers.at(-1)?.path ?? "unmatched";
}

/** The request log and HTTP metrics middleware. */
export function observeRequests(ctx: IssuerContext): MiddlewareHandler {
  const metrics = metricsOf(ctx);
  return async function logRequest(c, next) {
    const started = performance.now();
    await next();
    const seconds = (performance.now() - started) / 1000;
    const id = c.get("requestId") as string | undefined;
    const route = routeOf(c);
    const status = c.res.status;
    if (metrics) {
      metrics.requests.inc({ method: c.req.method, route, status: String(status) });
      metrics.requestDuration.observe({ method: c.req.method, route }, seconds);
    }
    if (QUIET_ROUTES.has(route) && status < 400) return;
    const fields = {
      request_id: id,
      method: c.req.method,
      route,
      status,
      duration_ms: Math.round(seconds * 10000) / 10,
    };
    if (status >= 500) ctx.logger.warn("http.request", fields);
    else ctx.logger.info("http.request", fields);
  };
}
