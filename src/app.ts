/**
 * Builds the issuer's Hono app from injected dependencies. Imports only Web APIs, jose, hono and
 * zod, so the same app runs on Node (`src/server.ts`) and Cloudflare Workers (`src/worker.ts`).
 *
 * @example
 * ```ts
 * const app = buildApp({ config, store, keyring, clock: Date.now, logger });
 * export default app; // app.fetch(request)
 * ```
 * @module
 */
import { Hono } from "hono";
import type { IssuerContext } from "./context.js";
import { limitRequestBodies } from "./http/body-limit.js";
import { operationsOf } from "./http/define-route.js";
import { metricsRoutes } from "./http/metrics.js";
import { createErrorHandler } from "./http/problem.js";
import { rememberingRouter } from "./http/remembering-router.js";
import { standardHeaders } from "./http/response-headers.js";
import { docsRoutes } from "./http/routes/docs.js";
import { keyRoutes } from "./http/routes/keys.js";
import { oauthRoutes } from "./http/routes/oauth.js";
import { orgRoutes } from "./http/routes/org-routes.js";
import { publicRoutes } from "./http/routes/public.js";
import {
  SECRET_SCANNING,
  SECRET_SCANNING_MAX_BYTES,
  secretScanningRoutes,
} from "./http/routes/secret-scanning.js";
import { tokenRoutes } from "./http/routes/tokens.js";
import { usageAndAuditRoutes } from "./http/routes/usage-and-audit.js";
import { webhookRoutes } from "./http/routes/webhooks.js";
import { answerUnmatched } from "./http/unknown-routes.js";
import { instrumentIssuer } from "./metrics/issuer-metrics.js";
import { observeRequests } from "./metrics/request-log.js";
import { uiRoutes } from "./web/ui-routes.js";

/**
 * The issuer app.
 *
 * @example
 * ```ts
 * const response = await buildApp(ctx).request("/.well-known/jwks.json");
 * ```
 */
export function buildApp(issuer: IssuerContext): Hono {
  // With metrics on, every route works on a copy of the context whose store is timed.
  const ctx = issuer.config.metrics.enabled ? instrumentIssuer(issuer) : issuer;
  const app = new Hono({ router: rememberingRouter() });
  const maxSize = ctx.config.maxBodyBytes;
  // Request id and security headers; routes with stricter headers of their own (the web page,
  // the docs) keep them.
  app.use(standardHeaders());
  app.use(observeRequests(ctx));
  app.use(
    limitRequestBodies(maxSize, {
      [SECRET_SCANNING.path]: Math.max(maxSize, SECRET_SCANNING_MAX_BYTES),
    }),
  );
  // API route modules declare full paths and their OpenAPI operations (see define-route.ts).
  app.route("/", publicRoutes(ctx));
  app.route("/", tokenRoutes(ctx));
  app.route("/", oauthRoutes(ctx));
  app.route("/", secretScanningRoutes(ctx));
  app.route("/", usageAndAuditRoutes(ctx));
  app.route("/", orgRoutes(ctx));
  app.route("/", keyRoutes(ctx));
  app.route("/", webhookRoutes(ctx));
  const operations = () => operationsOf(app);
  if (ctx.config.docs) app.route("/", docsRoutes(ctx, operations));
  if (ctx.config.ui.enabled) app.route("/ui", uiRoutes(ctx));
  if (ctx.config.metrics.enabled) app.route("/", metricsRoutes(ctx));
  app.notFound(answerUnmatched(app));
  app.onError(createErrorHandler(ctx.logger));
  return app;
}
