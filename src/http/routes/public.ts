/**
 * The public, read-only endpoints: JWKS, RFC 8414 metadata, status lists, health. CORS is open
 * here (and only here), since browsers and edge verifiers read them.
 * @module
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import type { IssuerContext } from "../../context.js";
import { signStatusListToken } from "../../status/status-list-token.js";

/** Cache lifetime of the JWKS in seconds (a `next` key is published at least this long before it signs). */
export const JWKS_MAX_AGE = 300;

async function etagOf(body: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
  const hex = [...new Uint8Array(digest).slice(0, 12)]
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
  return `"${hex}"`;
}

/** Builds the public routes. */
export function publicRoutes(ctx: IssuerContext) {
  const routes = new Hono();
  const { issuer } = ctx.config;
  const readOnlyCors = cors({ origin: "*", allowMethods: ["GET", "HEAD"], maxAge: 86400 });

  // The keyring hands out the same JWKS object until its view changes: serialize and hash once.
  const rendered = new WeakMap<object, { body: string; etag: string }>();
  routes.get("/.well-known/jwks.json", readOnlyCors, async (c) => {
    const jwks = await ctx.keyring.jwks();
    let page = rendered.get(jwks);
    if (!page) {
      const body = JSON.stringify(jwks);
      page = { body, etag: await etagOf(body) };
      rendered.set(jwks, page);
    }
    const { body, etag } = page;
    c.header("Cache-Control", `public, max-age=${JWKS_MAX_AGE}, stale-if-error=86400`);
    c.header("ETag", etag);
    if (c.req.header("if-none-match") === etag) return c.body(null, 304);
    return c.body(body, 200, { "Content-Type": "application/jwk-set+json" });
  });

  routes.get("/.well-known/oauth-authorization-server", readOnlyCors, async (c) => {
    c.header("Cache-Control", "public, max-age=3600");
    return c.json({
      issuer,
      jwks_uri: `${issuer}/.well-known/jwks.json`,
      introspection_endpoint: `${issuer}/v1/introspect`,
      introspection_endpoint_auth_methods_supported: ["client_secret_basic"],
      revocation_endpoint: `${issuer}/v1/revoke`,
      revocation_endpoint_auth_methods_supported: ["none", "client_secret_basic"],
      scopes_supported: ctx.config.scopes,
      token_endpoint_auth_methods_supported: ["client_secret_basic"],
      status_list_uri_template: `${issuer}/v1/status-lists/{id}`,
      access_token_signing_alg_values_supported: await ctx.keyring.algorithms(),
      tokenmint_token_prefix: ctx.config.tokenPrefix,
    });
  });

  routes.get("/v1/status-lists/:id", readOnlyCors, async (c) => {
    const jwt = await signStatusListToken(ctx, c.req.param("id"));
    const ttl = ctx.config.statusList.ttlSeconds;
    c.header("Cache-Control", `public, max-age=${ttl}`);
    return c.body(jwt, 200, { "Content-Type": "application/statuslist+jwt" });
  });

  routes.get("/healthz", (c) => c.json({ status: "ok" }));

  routes.get("/readyz", async (c) => {
    await ctx.store.ping();
    c.header("Cache-Control", "no-store");
    return c.json({ status: "ready" });
  });

  return routes;
}
