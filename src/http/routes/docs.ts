/**
 * `GET /openapi.json` (the OpenAPI 3.1 document, built once from the route table and the zod
 * schemas) and `GET /docs`, an interactive reference rendered in the browser by Scalar's
 * `@scalar/api-reference`. Its script is loaded from the jsDelivr CDN, pinned to one version and
 * checked with Subresource Integrity; the page itself carries no inline script, and its CSP
 * allows exactly that one script URL, same-origin requests (the document and "try it"), and the
 * inline styles the reference injects.
 * @module
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import type { IssuerContext } from "../../context.js";
import { buildOpenApiDocument } from "../../openapi/document.js";

/** The pinned reference UI (version and SRI hash of `dist/browser/standalone.js`). */
export const SCALAR_SCRIPT = {
  url: "https://cdn.jsdelivr.net/npm/@scalar/api-reference@1.46.4/dist/browser/standalone.js",
  integrity: "sha384-BbTs28WithFYxTDCiH0YPK5tv3MflhBVpABoMjfb9UqXa/hegSE9I4THoddKejMF",
} as const;

/** The Content-Security-Policy of `/docs`. */
export const DOCS_CSP = [
  "default-src 'none'",
  `script-src ${SCALAR_SCRIPT.url}`,
  "style-src 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

const CONFIGURATION = JSON.stringify({
  withDefaultFonts: false,
  hideClientButton: true,
  telemetry: false,
  metaData: { title: "tokenmint API" },
});

function escapeAttribute(value: string): string {
  return value.replace(/&/g, "&amp;").replace(/'/g, "&#39;").replace(/</g, "&lt;");
}

const DOCS_HTML = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <meta name="viewport" content="width=device-width, initial-scale=1" />
    <title>tokenmint API reference</title>
  </head>
  <body>
    <noscript>The reference needs JavaScript; the document itself is at <a href="openapi.json">/openapi.json</a>.</noscript>
    <script id="api-reference" data-url="openapi.json" data-configuration='${escapeAttribute(CONFIGURATION)}'></script>
    <script src="${SCALAR_SCRIPT.url}" integrity="${SCALAR_SCRIPT.integrity}" crossorigin="anonymous" referrerpolicy="no-referrer"></script>
  </body>
</html>
`;

/** Builds the documentation routes. */
export function docsRoutes(ctx: IssuerContext) {
  const routes = new Hono();
  let document: string | undefined;

  routes.get("/openapi.json", cors({ origin: "*", allowMethods: ["GET", "HEAD"] }), (c) => {
    document ??= JSON.stringify(
      buildOpenApiDocument({ issuer: ctx.config.issuer, scopes: ctx.config.scopes }),
    );
    c.header("Cache-Control", "public, max-age=300");
    return c.body(document, 200, { "Content-Type": "application/json" });
  });

  routes.get("/docs", (c) => {
    c.header("Content-Security-Policy", DOCS_CSP);
    c.header("X-Frame-Options", "DENY");
    c.header("Cross-Origin-Resource-Policy", "same-origin");
    c.header("Cache-Control", "public, max-age=300");
    return c.html(DOCS_HTML);
  });

  return routes;
}
