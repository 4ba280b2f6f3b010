/**
 * The public, read-only endpoints: JWKS, RFC 8414 metadata, status lists, health. CORS is open
 * here (and only here), since browsers and edge verifiers read them: `Access-Control-Allow-Origin:
 * *` on every answer, and preflight answered by hono's `cors`. The answers are built with plain
 * header objects (see `plainResponse`), since these are the endpoints every verifier polls.
 * @module
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { kindPrefixes } from "../../config/token-kinds.js";
import type { IssuerContext } from "../../context.js";
import { answer, type Operation } from "../../openapi/operation.js";
import { problems, STORE } from "../../openapi/problems.js";
import { Answers } from "../../openapi/responses.js";
import { signStatusListToken } from "../../status/sign-status-list.js";
import { defineRoute, pathParam } from "../define-route.js";
import { plainResponse } from "../plain-response.js";

/** Cache lifetime of the JWKS in seconds (a `next` key is published at least this long before it signs). */
export const JWKS_MAX_AGE = 300;

async function etagOf(body: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(body));
  const hex = [...new Uint8Array(digest).slice(0, 12)]
    .map((byte) => byte.toString(16).padStart(2, "0"))
    .join("");
  return `"${hex}"`;
}

const GET_JWKS: Operation = {
  method: "get",
  path: "/.well-known/jwks.json",
  operationId: "getJwks",
  tag: "public",
  summary: "The public signing keys",
  description: "`application/jwk-set+json` with `Cache-Control` and `ETag`; CORS open.",
  security: ["none"],
  responses: {
    200: answer("The JWKS", Answers.Jwks, { contentType: "application/jwk-set+json" }),
    304: answer("Not modified (`If-None-Match`)"),
    ...problems(STORE),
  },
};

const GET_METADATA: Operation = {
  method: "get",
  path: "/.well-known/oauth-authorization-server",
  operationId: "getServerMetadata",
  tag: "public",
  summary: "RFC 8414 authorization server metadata",
  security: ["none"],
  responses: { 200: answer("The metadata", Answers.ServerMetadata), ...problems(STORE) },
};

const GET_STATUS_LIST: Operation = {
  method: "get",
  path: "/v1/status-lists/{id}",
  operationId: "getStatusList",
  tag: "public",
  summary: "A Token Status List token",
  description:
    "A signed JWT (`application/statuslist+jwt`) with a compressed 2-bit list and a `ttl`.",
  security: ["none"],
  responses: {
    200: answer("The status list token", undefined, {
      contentType: "application/statuslist+jwt",
    }),
    ...problems({ 404: ["not_found"] }, STORE),
  },
};

const GET_HEALTH: Operation = {
  method: "get",
  path: "/healthz",
  operationId: "getHealth",
  tag: "operations",
  summary: "Liveness",
  security: ["none"],
  responses: { 200: answer("Alive", Answers.Health, { example: { status: "ok" } }) },
};

const GET_READINESS: Operation = {
  method: "get",
  path: "/readyz",
  operationId: "getReadiness",
  tag: "operations",
  summary: "Readiness (the state store answers and its epoch is the one opened)",
  security: ["none"],
  responses: {
    200: answer("Ready", Answers.Health, { example: { status: "ready" } }),
    ...problems(STORE),
  },
};

/** Builds the public routes. */
export function publicRoutes(ctx: IssuerContext) {
  const routes = new Hono();
  const { issuer } = ctx.config;
  const preflight = cors({ origin: "*", allowMethods: ["GET", "HEAD"], maxAge: 86400 });
  const ANY_ORIGIN = { "Access-Control-Allow-Origin": "*" } as const;
  for (const path of [
    "/.well-known/jwks.json",
    "/.well-known/oauth-authorization-server",
    "/v1/status-lists/:id",
  ]) {
    routes.options(path, preflight);
  }

  // The keyring hands out the same JWKS object until its view changes: serialize, hash and build
  // the answer's headers once per view.
  interface JwksPage {
    readonly body: string;
    readonly etag: string;
    readonly headers: Readonly<Record<string, string>>;
    readonly notModifiedHeaders: Readonly<Record<string, string>>;
  }
  const rendered = new WeakMap<object, JwksPage>();
  async function render(jwks: object): Promise<JwksPage> {
    const body = JSON.stringify(jwks);
    const etag = await etagOf(body);
    const notModifiedHeaders = {
      ...ANY_ORIGIN,
      "Cache-Control": `public, max-age=${JWKS_MAX_AGE}, stale-if-error=86400`,
      ETag: etag,
    };
    const headers = { ...notModifiedHeaders, "Content-Type": "application/jwk-set+json" };
    return { body, etag, headers, notModifiedHeaders };
  }
  defineRoute(routes, GET_JWKS, async (c) => {
    const jwks = await ctx.keyring.jwks();
    let page = rendered.get(jwks);
    if (!page) {
      page = await render(jwks);
      rendered.set(jwks, page);
    }
    if (c.req.header("if-none-match") === page.etag) {
      return plainResponse(null, 304, page.notModifiedHeaders);
    }
    return plainResponse(page.body, 200, page.headers);
  });

  defineRoute(routes, GET_METADATA, async () => {
    const metadata = {
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
      tokenmint_token_prefixes: kindPrefixes(ctx.config.kinds),
      tokenmint_token_kinds: Object.fromEntries(
        [...ctx.config.kinds.values()].map((kind) => [
          kind.name,
          { prefix: kind.prefix, scopes: kind.scopes, self_service: kind.selfService },
        ]),
      ),
    };
    return plainResponse(JSON.stringify(metadata), 200, {
      ...ANY_ORIGIN,
      "Cache-Control": "public, max-age=3600",
      "Content-Type": "application/json",
    });
  });

  const statusListHeaders = {
    ...ANY_ORIGIN,
    "Cache-Control": `public, max-age=${ctx.config.statusList.ttlSeconds}`,
    "Content-Type": "application/statuslist+jwt",
  };
  defineRoute(routes, GET_STATUS_LIST, async (c) => {
    const jwt = await signStatusListToken(ctx, pathParam(c, "id"));
    return plainResponse(jwt, 200, statusListHeaders);
  });

  defineRoute(routes, GET_HEALTH, (c) => c.json({ status: "ok" }));

  defineRoute(routes, GET_READINESS, async (c) => {
    await ctx.store.ping();
    c.header("Cache-Control", "no-store");
    return c.json({ status: "ready" });
  });

  return routes;
}
