/**
 * `GET /openapi.json` (the OpenAPI 3.1 document, built once from the operations the app's routes
 * declare, see `define-route.ts`) and `GET /docs`, an interactive reference rendered in the browser by Scalar's
 * `@scalar/api-reference`. Its standalone browser build is embedded at install time
 * (`scripts/embed-api-reference.ts`, into `src/generated/`) and served by the issuer itself at
 * `GET /docs/api-reference.js`, the same module on Node and Workers: the page works offline and
 * loads nothing from another origin. The page carries no inline script, and its CSP allows
 * scripts from this origin only, same-origin requests (the document and "try it"), and the
 * inline styles the reference injects.
 * @module
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import type { IssuerContext } from "../../context.js";
import { digest } from "../../generated/api-reference-meta.js";
import { buildOpenApiDocument } from "../../openapi/document.js";
import type { Operation } from "../../openapi/operation.js";
import { defineRoute } from "../define-route.js";

/** Where the page loads the reference script from (relative: works behind a path prefix). */
export const API_REFERENCE_SCRIPT = `docs/api-reference.js?v=${digest.slice(0, 16)}`;

/** The script's strong ETag (its SHA-256). */
export const API_REFERENCE_ETAG = `"sha256-${digest}"`;

/** The Content-Security-Policy of `/docs`. */
export const DOCS_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'unsafe-inline'",
  "img-src 'self' data:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "worker-src blob:",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join("; ");

// No hosted extras (fonts, AI agent, developer toolbar); ~30 operations fit one open sidebar.
const CONFIGURATION = JSON.stringify({
  withDefaultFonts: false,
  hideClientButton: true,
  telemetry: false,
  agent: { disabled: true },
  showDeveloperTools: "never",
  defaultOpenAllTags: true,
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
    <script src="${API_REFERENCE_SCRIPT}"></script>
  </body>
</html>
`;

// The URL changes with the content, so a browser may keep the script for a year unasked.
const IMMUTABLE = "public, max-age=31536000, immutable";

/** Whether an `If-None-Match` value names `etag` (weak comparison, as RFC 9110 asks). */
function matchesEtag(ifNoneMatch: string | undefined, etag: string): boolean {
  if (ifNoneMatch === undefined) return false;
  return ifNoneMatch
    .split(",")
    .map((candidate) => candidate.trim().replace(/^W\//, ""))
    .some((candidate) => candidate === "*" || candidate === etag);
}

const GET_OPENAPI: Operation = {
  method: "get",
  path: "/openapi.json",
  operationId: "getOpenApi",
  tag: "operations",
  summary: "This document",
  security: ["none"],
  responses: { 200: { description: "OpenAPI 3.1", contentType: "application/json" } },
};

const GET_DOCS: Operation = {
  method: "get",
  path: "/docs",
  operationId: "getDocs",
  tag: "operations",
  summary: "The interactive API reference (HTML)",
  security: ["none"],
  responses: { 200: { description: "HTML", contentType: "text/html" } },
};

const GET_DOCS_SCRIPT: Operation = {
  method: "get",
  path: "/docs/api-reference.js",
  operationId: "getDocsScript",
  tag: "operations",
  summary: "The API reference's script (Scalar's standalone build, served by the issuer)",
  description:
    "Cached for a year under a strong ETag (its SHA-256); `/docs` links it with a `v` query that changes with the content.",
  security: ["none"],
  responses: {
    200: { description: "JavaScript", contentType: "text/javascript; charset=utf-8" },
    304: { description: "Not modified: If-None-Match named the current ETag" },
  },
};

/**
 * Builds the documentation routes. `operations` lists what the finished app serves; it is read
 * on the first request for the document, once every route is registered.
 */
export function docsRoutes(ctx: IssuerContext, operations: () => readonly Operation[]) {
  const routes = new Hono();
  let document: string | undefined;

  const anyOrigin = cors({ origin: "*", allowMethods: ["GET", "HEAD"] });
  defineRoute(routes, GET_OPENAPI, [anyOrigin], (c) => {
    document ??= JSON.stringify(
      buildOpenApiDocument(operations(), { issuer: ctx.config.issuer, scopes: ctx.config.scopes }),
    );
    c.header("Cache-Control", "public, max-age=300");
    return c.body(document, 200, { "Content-Type": "application/json" });
  });

  defineRoute(routes, GET_DOCS, (c) => {
    c.header("Content-Security-Policy", DOCS_CSP);
    c.header("X-Frame-Options", "DENY");
    c.header("Cross-Origin-Resource-Policy", "same-origin");
    c.header("Cache-Control", "public, max-age=300");
    return c.html(DOCS_HTML);
  });

  defineRoute(routes, GET_DOCS_SCRIPT, async (c) => {
    c.header("ETag", API_REFERENCE_ETAG);
    c.header("Cache-Control", IMMUTABLE);
    c.header("Cross-Origin-Resource-Policy", "same-origin");
    if (matchesEtag(c.req.header("If-None-Match"), API_REFERENCE_ETAG)) return c.body(null, 304);
    // Loaded on first use: a process that never serves the page never holds its 4.8 MB.
    const { script } = await import("../../generated/api-reference-script.js");
    return c.body(script, 200, { "Content-Type": "text/javascript; charset=utf-8" });
  });

  return routes;
}
