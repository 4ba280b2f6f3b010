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
import { bodyLimit } from "hono/body-limit";
import { secureHeaders } from "hono/secure-headers";
import type { IssuerContext } from "./context.js";
import { NotFound, PayloadTooLarge } from "./errors.js";
import { createErrorHandler, problemResponse } from "./http/problem.js";
import { keyRoutes } from "./http/routes/keys.js";
import { oauthRoutes } from "./http/routes/oauth.js";
import { orgRoutes } from "./http/routes/org-routes.js";
import { publicRoutes } from "./http/routes/public.js";
import { tokenLifecycleRoutes } from "./http/routes/token-lifecycle.js";
import { tokenRoutes } from "./http/routes/tokens.js";
import { usageAndAuditRoutes } from "./http/routes/usage-and-audit.js";

/**
 * The issuer app.
 *
 * @example
 * ```ts
 * const response = await buildApp(ctx).request("/.well-known/jwks.json");
 * ```
 */
export function buildApp(ctx: IssuerContext): Hono {
  const app = new Hono();
  const maxSize = ctx.config.maxBodyBytes;
  app.use(secureHeaders({ crossOriginResourcePolicy: "cross-origin" }));
  app.use(
    bodyLimit({
      maxSize,
      onError: () => {
        throw new PayloadTooLarge(maxSize);
      },
    }),
  );
  app.route("/", publicRoutes(ctx));
  app.route("/v1/tokens", tokenLifecycleRoutes(ctx));
  app.route("/v1/tokens", tokenRoutes(ctx));
  app.route("/v1", oauthRoutes(ctx));
  app.route("/v1", usageAndAuditRoutes(ctx));
  app.route("/v1", orgRoutes(ctx));
  app.route("/v1/keys", keyRoutes(ctx));
  app.notFound(() => problemResponse(new NotFound("No such endpoint")));
  app.onError(createErrorHandler(ctx.logger));
  return app;
}
