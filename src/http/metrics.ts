/**
 * `GET /metrics`: the Prometheus text exposition of the issuer's metrics. Mounted only when
 * `TOKENMINT_METRICS=true`; with `TOKENMINT_METRICS_TOKEN` set, a scrape must also present it as
 * `Authorization: Bearer <secret>` (compared in constant time).
 * @module
 */
import { Hono } from "hono";
import { constantTimeEqual } from "../constant-time.js";
import type { IssuerContext } from "../context.js";
import { Unauthenticated } from "../errors.js";
import { metricsOf } from "../metrics/issuer-metrics.js";
import { PROMETHEUS_TEXT } from "../metrics/registry.js";
import type { Operation } from "../openapi/operation.js";
import { AUTHENTICATED, problems } from "../openapi/problems.js";
import { defineRoute } from "./define-route.js";

const GET_METRICS: Operation = {
  method: "get",
  path: "/metrics",
  operationId: "getMetrics",
  tag: "operations",
  summary: "Prometheus metrics (only with TOKENMINT_METRICS=true)",
  description: "With TOKENMINT_METRICS_TOKEN set, a scrape presents it as a bearer secret.",
  security: ["metrics", "none"],
  responses: {
    200: {
      description: "Text exposition format 0.0.4",
      contentType: "text/plain; version=0.0.4",
    },
    ...problems(AUTHENTICATED),
  },
};

/** Builds the `/metrics` route for an instrumented context. */
export function metricsRoutes(ctx: IssuerContext) {
  const routes = new Hono();
  const secret = ctx.config.metrics.token;
  const metrics = metricsOf(ctx);

  defineRoute(routes, GET_METRICS, async (c) => {
    if (secret !== undefined) {
      const presented = /^Bearer (\S{1,512})$/i.exec(c.req.header("authorization") ?? "")?.[1];
      if (!constantTimeEqual(secret, presented ?? "")) {
        throw new Unauthenticated("The metrics secret is required");
      }
    }
    const body = metrics ? await metrics.registry.render() : "";
    c.header("Cache-Control", "no-store");
    return c.body(body, 200, { "Content-Type": PROMETHEUS_TEXT });
  });

  return routes;
}
